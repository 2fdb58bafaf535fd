//! MATCHES.csv and the unmatched list.

mod common;

use common::{bank, ledger};
use recon::matches_csv::{write_matches, write_unmatched};
use recon::{MatchStatus, RuleSet};

#[test]
fn one_row_per_pair_and_the_unmatched_with_their_suggestions() {
    let b = vec![
        recon::BankLine {
            reference: "RUN-1".into(),
            ..bank("B1", "2024-03-02", "-300.00")
        },
        recon::BankLine {
            end_to_end_id: "E2E-7".into(),
            ..bank("B2", "2024-03-02", "70.00")
        },
        recon::BankLine {
            end_to_end_id: "E2E-7".into(),
            reversal: true,
            ..bank("B3", "2024-03-04", "-70.00")
        },
        bank("B4", "2024-03-05", "-2.50"),
    ];
    let l = vec![
        recon::LedgerEntry {
            reference: "RUN-1".into(),
            ..ledger("L1", "2024-03-01", "-100.00")
        },
        recon::LedgerEntry {
            reference: "RUN-1".into(),
            ..ledger("L2", "2024-03-01", "-200.00")
        },
        ledger("L3", "2024-03-05", "-2.50"),
        ledger("L4", "2024-03-05", "-9.99"),
    ];
    let run = recon::run(&b, &l, &RuleSet::default()).unwrap();
    let settled = run.iter().filter(|m| m.status() != MatchStatus::Suggested);
    let out = String::from_utf8(write_matches(Vec::new(), settled).unwrap()).unwrap();
    assert_eq!(
        out,
        "match_id,bank_entry,ledger_id,rule,confidence\n\
         M0000002,B1,L1,one_to_many,0.9800\n\
         M0000002,B1,L2,one_to_many,0.9800\n\
         M0000003,B2,,reversal,0.9800\n\
         M0000003,B3,,reversal,0.9800\n"
    );
    let out = String::from_utf8(write_unmatched(Vec::new(), &b, &l, run.iter()).unwrap()).unwrap();
    assert_eq!(
        out,
        "side,id,account_iban,booking_date,amount,currency,suggested_match,suggestion_confidence,suggestion_reason\n\
         bank,B4,DE02120300000000202051,2024-03-05,-2.50,EUR,M0000001,0.6000,amount -2.50 EUR on both; no counterparty to compare; booked the same day\n\
         ledger,L3,DE02120300000000202051,2024-03-05,-2.50,EUR,M0000001,0.6000,amount -2.50 EUR on both; no counterparty to compare; booked the same day\n\
         ledger,L4,DE02120300000000202051,2024-03-05,-9.99,EUR,,,\n"
    );
}
