//! Builders for the tests: a bank line or ledger entry on one default account in EUR, changed
//! with struct-update syntax where a test cares.

#![allow(dead_code)]

use chrono::NaiveDate;
use domain::Money;
use recon::{BankLine, LedgerEntry, Match, MatchStatus, RuleSet};

pub const ACCOUNT: &str = "DE02120300000000202051";

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn eur(s: &str) -> Money {
    Money::parse(s, "EUR").expect("test amount")
}

pub fn bank(id: &str, date: &str, amount: &str) -> BankLine {
    BankLine {
        id: id.into(),
        account_iban: ACCOUNT.into(),
        booking_date: day(date),
        amount: eur(amount),
        end_to_end_id: String::new(),
        reference: String::new(),
        counterparty_name: String::new(),
        counterparty_iban: String::new(),
        remittance: String::new(),
        reversal: false,
    }
}

pub fn ledger(id: &str, date: &str, amount: &str) -> LedgerEntry {
    LedgerEntry {
        id: id.into(),
        account_iban: ACCOUNT.into(),
        booking_date: day(date),
        amount: eur(amount),
        reference: String::new(),
        counterparty: String::new(),
        description: String::new(),
    }
}

/// Owned matches of a run with `rules`.
pub fn matches_with(bank: &[BankLine], ledger: &[LedgerEntry], rules: &RuleSet) -> Vec<Match> {
    recon::run(bank, ledger, rules)
        .expect("valid rules")
        .to_match_set()
        .into_matches()
}

pub fn matches(bank: &[BankLine], ledger: &[LedgerEntry]) -> Vec<Match> {
    matches_with(bank, ledger, &RuleSet::default())
}

/// A match as the tables state it: sorted bank ids, sorted ledger ids, rule, status.
pub type Expected = (Vec<&'static str>, Vec<&'static str>, &'static str, MatchStatus);

pub fn summary(matches: &[Match]) -> Vec<(Vec<String>, Vec<String>, String, MatchStatus)> {
    let mut out: Vec<_> = matches
        .iter()
        .map(|m| {
            let (b, l) = m.items();
            (
                b.into_iter().map(str::to_string).collect(),
                l.into_iter().map(str::to_string).collect(),
                m.rule.clone(),
                m.status,
            )
        })
        .collect();
    out.sort();
    out
}

pub fn expected(rows: &[Expected]) -> Vec<(Vec<String>, Vec<String>, String, MatchStatus)> {
    let mut out: Vec<_> = rows
        .iter()
        .map(|(b, l, rule, status)| {
            let mut b: Vec<String> = b.iter().map(|s| s.to_string()).collect();
            let mut l: Vec<String> = l.iter().map(|s| s.to_string()).collect();
            b.sort();
            l.sort();
            (b, l, rule.to_string(), *status)
        })
        .collect();
    out.sort();
    out
}

/// One table row: a named situation and the matches the default rules must make, nothing else.
pub struct Case {
    pub name: &'static str,
    pub bank: Vec<BankLine>,
    pub ledger: Vec<LedgerEntry>,
    pub expect: Vec<Expected>,
}

pub fn check(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for case in cases {
        let got = matches(&case.bank, &case.ledger);
        if summary(&got) != expected(&case.expect) {
            let reasons: Vec<String> = got
                .iter()
                .map(|m| {
                    format!(
                        "{:?}/{:?} {} {} {}: {}",
                        m.bank,
                        m.ledger,
                        m.rule,
                        m.confidence,
                        serde_name(m.status),
                        m.reason
                    )
                })
                .collect();
            failures.push(format!(
                "case {:?}:\n  expected {:?}\n  got      {:?}\n  {}",
                case.name,
                expected(&case.expect),
                summary(&got),
                reasons.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn serde_name(s: MatchStatus) -> &'static str {
    match s {
        MatchStatus::Auto => "auto",
        MatchStatus::Suggested => "suggested",
        MatchStatus::Manual => "manual",
    }
}
