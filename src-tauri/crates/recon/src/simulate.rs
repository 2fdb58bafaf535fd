//! "What would change": run a new rule set against the same history and compare with the current
//! matches before anything is applied. Manual matches are kept by both, so only the engine's own
//! decisions can differ.

use std::collections::HashMap;

use serde::Serialize;

use crate::engine::{run_keeping, EngineError, Run};
use crate::input::{BankLine, LedgerEntry};
use crate::match_set::{Match, MatchRef, MatchSet, MatchStatus};
use crate::rules::RuleSet;

/// A match whose items stay together but whose rule, confidence or status would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub before: Match,
    pub after: Match,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Matches the new rules would make that do not exist now.
    pub added: Vec<Match>,
    /// Current matches the new rules would not make (their items may be matched differently: then
    /// the new match is in `added`).
    pub removed: Vec<Match>,
    pub changed: Vec<Change>,
    pub unchanged: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The diff, and the run to adopt (`run.to_match_set()`) if the change is applied.
pub struct Simulation<'a> {
    pub diff: Diff,
    pub run: Run<'a>,
}

pub fn simulate<'a>(
    bank: &'a [BankLine],
    ledger: &'a [LedgerEntry],
    current: &MatchSet,
    new_rules: &RuleSet,
) -> Result<Simulation<'a>, EngineError> {
    let manual: Vec<Match> = current
        .matches()
        .iter()
        .filter(|m| m.status == MatchStatus::Manual)
        .cloned()
        .collect();
    let run = run_keeping(bank, ledger, new_rules, manual)?;
    Ok(Simulation {
        diff: diff(current.iter(), run.iter()),
        run,
    })
}

/// Compares two match lists by the items each match joins; ids are ignored and manual matches are
/// left out (both sides keep them).
pub fn diff<'b, 'c>(
    before: impl IntoIterator<Item = MatchRef<'b>>,
    after: impl IntoIterator<Item = MatchRef<'c>>,
) -> Diff {
    let engine_made = |m: &MatchRef| m.status() != MatchStatus::Manual;
    let before: Vec<MatchRef<'b>> = before.into_iter().filter(engine_made).collect();
    let after: Vec<MatchRef<'c>> = after.into_iter().filter(engine_made).collect();
    let after_by_items: HashMap<_, &MatchRef> = after.iter().map(|m| (m.items(), m)).collect();
    let mut before_items = HashMap::with_capacity(before.len());
    let mut d = Diff::default();
    for m in &before {
        let items = m.items();
        match after_by_items.get(&items) {
            None => d.removed.push(m.to_match()),
            Some(a) if a.rule() != m.rule() || a.confidence() != m.confidence() || a.status() != m.status() => {
                d.changed.push(Change {
                    before: m.to_match(),
                    after: a.to_match(),
                })
            }
            Some(_) => d.unchanged += 1,
        }
        before_items.insert(items, ());
    }
    d.added = after
        .iter()
        .filter(|m| !before_items.contains_key(&m.items()))
        .map(MatchRef::to_match)
        .collect();
    d
}
