//! "What would change": a new rule set against the same history, before it is applied.

mod common;

use common::{bank, ledger};
use recon::rules::Pass;
use recon::{simulate, Confidence, MatchStatus, RuleSet};

fn history() -> (Vec<recon::BankLine>, Vec<recon::LedgerEntry>) {
    let b = vec![
        recon::BankLine {
            end_to_end_id: "E2E-1".into(),
            ..bank("B1", "2024-03-01", "-100.00")
        },
        recon::BankLine {
            counterparty_name: "ACME GmbH".into(),
            ..bank("B2", "2024-03-02", "-250.00")
        },
        recon::BankLine {
            remittance: "Rechnung 777123".into(),
            ..bank("B3", "2024-03-03", "990.00")
        },
    ];
    let l = vec![
        recon::LedgerEntry {
            reference: "E2E-1".into(),
            ..ledger("L1", "2024-03-01", "-100.00")
        },
        recon::LedgerEntry {
            counterparty: "Acme".into(),
            ..ledger("L2", "2024-03-01", "-250.00")
        },
        recon::LedgerEntry {
            reference: "INV-777123".into(),
            ..ledger("L3", "2024-03-01", "990.00")
        },
    ];
    (b, l)
}

#[test]
fn shows_added_removed_and_changed_before_applying() {
    let (b, l) = history();
    let current = recon::run(&b, &l, &RuleSet::default()).unwrap().to_match_set();
    assert_eq!(current.len(), 3);

    // Without the invoice pass, and with a stricter automatic threshold.
    let mut new_rules = RuleSet {
        auto_threshold: Confidence::new(9700).unwrap(),
        ..RuleSet::default()
    };
    new_rules.passes.retain(|p| !matches!(p, Pass::InvoiceInRemittance(_)));
    let sim = simulate(&b, &l, &current, &new_rules).unwrap();
    let d = &sim.diff;

    assert_eq!(d.unchanged, 1, "{d:#?}");
    // The invoice match is gone; B3/L3 now only agree on amount: a suggestion of another rule.
    assert_eq!(d.changed.len(), 2, "{d:#?}");
    let by_bank = |id: &str| d.changed.iter().find(|c| c.before.bank == [id]).unwrap();
    let invoice = by_bank("B3");
    assert_eq!(invoice.before.rule, "invoice_in_remittance");
    assert_eq!(invoice.after.rule, "amount_date_counterparty");
    assert_eq!(invoice.after.status, MatchStatus::Suggested);
    let acme = by_bank("B2");
    assert_eq!(
        (acme.before.status, acme.after.status),
        (MatchStatus::Auto, MatchStatus::Suggested)
    );
    assert!(d.added.is_empty() && d.removed.is_empty());

    // Nothing was applied: the current set is as it was; applying adopts the run.
    assert_eq!(current.len(), 3);
    let applied = sim.run.to_match_set();
    assert_eq!(
        applied
            .matches()
            .iter()
            .filter(|m| m.status == MatchStatus::Auto)
            .count(),
        1
    );
}

#[test]
fn removed_and_added_when_items_regroup() {
    let (b, l) = history();
    let current = recon::run(&b, &l, &RuleSet::default()).unwrap().to_match_set();
    let only_reference = RuleSet {
        passes: RuleSet::default().passes.into_iter().take(1).collect(),
        ..RuleSet::default()
    };
    let d = simulate(&b, &l, &current, &only_reference).unwrap().diff;
    assert_eq!(d.removed.len(), 2);
    assert!(d.added.is_empty());
    let back = simulate(
        &b,
        &l,
        &recon::run(&b, &l, &only_reference).unwrap().to_match_set(),
        &RuleSet::default(),
    )
    .unwrap()
    .diff;
    assert_eq!(back.added.len(), 2);
    assert!(back.removed.is_empty() && back.changed.is_empty());
}

#[test]
fn the_same_rules_change_nothing_and_manual_matches_stay() {
    let (b, l) = history();
    let mut current = recon::run(&b, &l, &RuleSet::default()).unwrap().to_match_set();
    let b1 = current.find(recon::Side::Bank, "B1").unwrap().id;
    current.unmatch(b1).unwrap();
    current
        .manual_match(vec!["B1".into()], vec!["L1".into()], "checked")
        .unwrap();

    let sim = simulate(&b, &l, &current, &RuleSet::default()).unwrap();
    assert!(sim.diff.is_empty(), "{:#?}", sim.diff);
    assert_eq!(sim.diff.unchanged, 2);
    let applied = sim.run.to_match_set();
    assert_eq!(
        applied.find(recon::Side::Bank, "B1").unwrap().status,
        MatchStatus::Manual
    );
}
