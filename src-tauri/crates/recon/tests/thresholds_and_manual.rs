//! Thresholds decide automatic vs suggestion; manual match, unmatch and confirm are pure operations
//! on a match set; engine runs keep manual matches.

mod common;

use common::{bank, ledger, matches_with, summary};
use recon::rules::{AmountDateCounterparty, Pass};
use recon::MatchStatus::{Auto, Manual, Suggested};
use recon::{run_keeping, Confidence, MatchError, MatchId, MatchSet, RuleSet, Side};

fn acme_pair() -> (Vec<recon::BankLine>, Vec<recon::LedgerEntry>) {
    let b = recon::BankLine {
        counterparty_name: "ACME GmbH".into(),
        ..bank("B1", "2024-03-02", "-250.00")
    };
    let l = recon::LedgerEntry {
        counterparty: "Acme".into(),
        ..ledger("L1", "2024-03-01", "-250.00")
    };
    (vec![b], vec![l])
}

#[test]
fn the_threshold_decides_automatic_or_suggestion() {
    let (b, l) = acme_pair();
    // Name equal, one day apart: 9600 - 50 = 9550 basis points.
    let cases = [
        (9000, Some(Auto)),
        (9550, Some(Auto)),
        (9551, Some(Suggested)),
        (9999, Some(Suggested)),
    ];
    for (auto, want) in cases {
        let rules = RuleSet {
            auto_threshold: Confidence::new(auto).unwrap(),
            ..RuleSet::default()
        };
        let got = matches_with(&b, &l, &rules);
        assert_eq!(got.first().map(|m| m.status), want, "auto threshold {auto}");
        assert_eq!(got[0].confidence.basis_points(), 9550);
    }
    // Below the suggestion threshold a proposal is dropped.
    let rules = RuleSet {
        auto_threshold: Confidence::new(9990).unwrap(),
        suggest_threshold: Confidence::new(9560).unwrap(),
        ..RuleSet::default()
    };
    assert!(matches_with(&b, &l, &rules).is_empty());
}

#[test]
fn rule_confidences_are_configuration() {
    let (b, l) = acme_pair();
    let rules = RuleSet {
        passes: vec![Pass::AmountDateCounterparty(AmountDateCounterparty {
            name: "same amount and name".into(),
            name_confidence: Confidence::new(8000).unwrap(),
            ..AmountDateCounterparty::default()
        })],
        ..RuleSet::default()
    };
    let got = matches_with(&b, &l, &rules);
    assert_eq!(got[0].rule, "same amount and name");
    assert_eq!(got[0].status, Suggested);
    assert_eq!(got[0].confidence.basis_points(), 7950);
}

#[test]
fn manual_match_and_unmatch() {
    let mut set = MatchSet::default();
    let made = set
        .manual_match(
            vec!["B1".into()],
            vec!["L1".into(), "L2".into()],
            "cheque paid two invoices",
        )
        .unwrap();
    assert_eq!(made.created.id, MatchId(1));
    assert_eq!(made.created.status, Manual);
    assert_eq!(made.created.rule, "manual");
    assert_eq!(made.created.reason, "matched by hand: cheque paid two invoices");
    assert!(made.replaced.is_empty());
    assert_eq!(set.find(Side::Ledger, "L2").map(|m| m.id), Some(MatchId(1)));

    let refused = set.manual_match(vec!["B2".into()], vec!["L2".into()], "");
    assert_eq!(
        refused,
        Err(MatchError::AlreadyMatched {
            side: Side::Ledger,
            id: "L2".into(),
            match_id: MatchId(1)
        })
    );
    assert_eq!(
        set.manual_match(vec!["B2".into(), "B2".into()], vec![], ""),
        Err(MatchError::Repeated {
            side: Side::Bank,
            id: "B2".into()
        })
    );
    assert_eq!(
        set.manual_match(vec!["B2".into()], vec![], ""),
        Err(MatchError::NothingToMatch)
    );
    assert_eq!(
        set.manual_match(vec![], vec!["L9".into()], ""),
        Err(MatchError::NothingToMatch)
    );

    let removed = set.unmatch(MatchId(1)).unwrap();
    assert_eq!(removed.ledger, ["L1", "L2"]);
    assert!(set.is_empty());
    assert_eq!(set.unmatch(MatchId(1)), Err(MatchError::UnknownMatch(MatchId(1))));
    // Ids are never reused.
    let again = set.manual_match(vec!["B1".into()], vec!["L1".into()], "").unwrap();
    assert_eq!(again.created.id, MatchId(2));
}

#[test]
fn a_manual_match_replaces_suggestions_and_confirm_keeps_one() {
    let b = vec![bank("B1", "2024-03-02", "-2.50"), bank("B2", "2024-03-02", "-9.90")];
    let l = vec![ledger("L1", "2024-03-02", "-2.50"), ledger("L2", "2024-03-02", "-9.90")];
    let mut set = recon::run(&b, &l, &RuleSet::default()).unwrap().to_match_set();
    assert!(set.matches().iter().all(|m| m.status == Suggested), "{set:?}");
    let suggestion = set.find(Side::Bank, "B1").unwrap().id;

    let made = set
        .manual_match(vec!["B1".into()], vec!["L2".into()], "fee booked wrong")
        .unwrap();
    assert_eq!(made.replaced.len(), 2, "both suggestions touching B1 or L2 give way");
    assert_eq!(set.get(suggestion), None);
    assert_eq!(set.len(), 1);

    let mut set = recon::run(&b, &l, &RuleSet::default()).unwrap().to_match_set();
    let id = set.find(Side::Bank, "B2").unwrap().id;
    assert_eq!(set.confirm(id).unwrap().status, Manual);
    assert_eq!(set.confirm(id), Err(MatchError::NotASuggestion(id)));
}

#[test]
fn runs_keep_manual_matches() {
    let (b, l) = acme_pair();
    let mut set = MatchSet::default();
    // A person matched B1 elsewhere; the engine must not touch it or its partner.
    set.manual_match(vec!["B1".into()], vec!["L-other".into()], "").unwrap();
    let kept: Vec<_> = set.matches().to_vec();
    let run = run_keeping(&b, &l, &RuleSet::default(), kept.clone()).unwrap();
    let all = run.to_match_set();
    assert_eq!(all.matches(), &kept[..], "only the manual match: L1 stays open");
    assert_eq!(summary(all.matches())[0].3, Manual);
}
