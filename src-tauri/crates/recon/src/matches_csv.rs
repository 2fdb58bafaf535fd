//! MATCHES.csv and the unmatched list that `ctower recon match` writes. Writers only; the caller
//! makes them atomic (temp file + rename).

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use crate::input::{BankLine, LedgerEntry};
use crate::match_set::{MatchRef, MatchStatus};

pub const MATCHES_HEADER: [&str; 5] = ["match_id", "bank_entry", "ledger_id", "rule", "confidence"];

pub const UNMATCHED_HEADER: [&str; 9] = [
    "side",
    "id",
    "account_iban",
    "booking_date",
    "amount",
    "currency",
    "suggested_match",
    "suggestion_confidence",
    "suggestion_reason",
];

/// One row per (bank entry, ledger entry) pair of each match; a bank-only match (a reversal and its
/// original) gives one row per bank entry with an empty ledger_id. Confidence as a fraction, "0.9750".
pub fn write_matches<'r, W: Write>(out: W, matches: impl IntoIterator<Item = MatchRef<'r>>) -> io::Result<W> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(MATCHES_HEADER)?;
    for m in matches {
        let (id, rule, confidence) = (m.id().to_string(), m.rule(), m.confidence().fraction_string());
        let mut result = Ok(());
        m.for_each_pair(|bank, ledger| {
            if result.is_ok() {
                result = w.write_record([id.as_str(), bank, ledger.unwrap_or(""), rule, &confidence]);
            }
        });
        result?;
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// Every bank line and ledger entry outside an automatic or manual match, with the suggestion that
/// holds it, if any.
pub fn write_unmatched<'r, W: Write>(
    out: W,
    bank: &[BankLine],
    ledger: &[LedgerEntry],
    matches: impl IntoIterator<Item = MatchRef<'r>>,
) -> io::Result<W> {
    let mut settled: HashSet<&str> = HashSet::new();
    let mut suggested: HashMap<&str, MatchRef> = HashMap::new();
    for m in matches {
        for id in m.bank_ids().into_iter().chain(m.ledger_ids()) {
            if m.status() == MatchStatus::Suggested {
                suggested.insert(id, m);
            } else {
                settled.insert(id);
            }
        }
    }
    let mut w = csv::Writer::from_writer(out);
    w.write_record(UNMATCHED_HEADER)?;
    let bank_rows = bank
        .iter()
        .map(|b| ("bank", &b.id, &b.account_iban, b.booking_date, &b.amount));
    let ledger_rows = ledger
        .iter()
        .map(|l| ("ledger", &l.id, &l.account_iban, l.booking_date, &l.amount));
    for (side, id, account, date, amount) in bank_rows.chain(ledger_rows) {
        if settled.contains(id.as_str()) {
            continue;
        }
        let s = suggested.get(id.as_str());
        w.write_record([
            side,
            id,
            account,
            &date.format("%Y-%m-%d").to_string(),
            &amount.amount_string(),
            amount.currency().code(),
            &s.map_or(String::new(), |m| m.id().to_string()),
            &s.map_or(String::new(), |m| m.confidence().fraction_string()),
            &s.map_or(String::new(), |m| m.reason().into_owned()),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error())
}
