//! The rule set is configuration: JSON in and out, defaults for what is left out, and checks for
//! what serde cannot see.

use recon::rules::{DateWindow, ExactReference, Pass};
use recon::{Confidence, RuleError, RuleSet};

#[test]
fn round_trips_as_json() {
    let rules = RuleSet::default();
    let json = serde_json::to_string_pretty(&rules).unwrap();
    assert!(json.contains("\"kind\": \"exact_reference\""), "{json}");
    let back: RuleSet = serde_json::from_str(&json).unwrap();
    assert_eq!(back, rules);
}

#[test]
fn omitted_fields_take_defaults() {
    let rules: RuleSet = serde_json::from_str(
        r#"{
            "auto_threshold": 9500,
            "passes": [
                {"kind": "exact_reference", "window": {"days_before": 1, "days_after": 3}},
                {"kind": "amount_date_counterparty", "name": "amount", "no_counterparty_confidence": null}
            ]
        }"#,
    )
    .unwrap();
    assert_eq!(rules.auto_threshold, Confidence::new(9500).unwrap());
    assert_eq!(rules.suggest_threshold, RuleSet::default().suggest_threshold);
    assert_eq!(
        rules.passes[0],
        Pass::ExactReference(ExactReference {
            window: DateWindow::new(1, 3),
            ..ExactReference::default()
        })
    );
    match &rules.passes[1] {
        Pass::AmountDateCounterparty(r) => {
            assert_eq!(r.name, "amount");
            assert_eq!(r.no_counterparty_confidence, None);
        }
        other => panic!("{other:?}"),
    }
    assert!(rules.validate().is_ok());
}

#[test]
fn refuses_what_it_does_not_know() {
    for bad in [
        r#"{"auto_threshold": 10001}"#,
        r#"{"auto_threshold": 0.95}"#,
        r#"{"treshold": 9000}"#,
        r#"{"passes": [{"kind": "fuzzy_magic"}]}"#,
        r#"{"passes": [{"kind": "exact_reference", "confidance": 9000}]}"#,
    ] {
        assert!(serde_json::from_str::<RuleSet>(bad).is_err(), "{bad}");
    }
}

#[test]
fn validate_checks_order_names_windows_and_sizes() {
    let mut rules = RuleSet {
        suggest_threshold: Confidence::new(9500).unwrap(),
        auto_threshold: Confidence::new(9000).unwrap(),
        ..RuleSet::default()
    };
    assert!(matches!(rules.validate(), Err(RuleError::Thresholds { .. })));
    rules = RuleSet::default();
    rules.passes.push(Pass::ExactReference(ExactReference::default()));
    assert_eq!(
        rules.validate(),
        Err(RuleError::DuplicateName("exact_reference".into()))
    );
    rules = RuleSet {
        passes: vec![Pass::ExactReference(ExactReference {
            window: DateWindow::new(0, 5000),
            ..ExactReference::default()
        })],
        ..RuleSet::default()
    };
    assert!(matches!(rules.validate(), Err(RuleError::WindowTooWide { .. })));
    let json = r#"{"passes": [{"kind": "one_to_many", "max_items": 200}]}"#;
    let rules: RuleSet = serde_json::from_str(json).unwrap();
    assert!(matches!(
        rules.validate(),
        Err(RuleError::OutOfRange { field: "max_items", .. })
    ));
    // The engine refuses an invalid rule set rather than running it.
    assert!(recon::run(&[], &[], &rules).is_err());
}
