//! Runs the configured passes in order over bank lines and ledger entries: each pass proposes over
//! the items still open, proposals are accepted best first, and an accepted item is closed for every
//! later proposal and pass.
//!
//! The result stays compact (item positions, rule, confidence, evidence) and borrows the inputs;
//! ids and reason text are produced when read, so a million matches cost tens of megabytes, not
//! hundreds, until someone needs them as owned `Match`es.

use std::collections::HashSet;
use std::fmt;

use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

use crate::confidence::Confidence;
use crate::input::{BankLine, LedgerEntry};
use crate::match_set::{next_id, Match, MatchId, MatchRef, MatchSet, MatchStatus};
use crate::passes::{self, Ctx, Proposal};
use crate::prepare;
use crate::reason;
use crate::rules::{Pass, RuleError, RuleSet};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EngineError {
    #[error("invalid rule set: {0}")]
    Rules(#[from] RuleError),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// Bank lines that can never match: no account, or more decimals than the currency has.
    pub unusable_bank: Vec<String>,
    pub unusable_ledger: Vec<String>,
    /// Per pass, in order: how many automatic matches and suggestions it made.
    pub passes: Vec<PassReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassReport {
    pub name: String,
    pub automatic: usize,
    pub suggested: usize,
}

/// An accepted proposal with the pass that made it.
#[derive(Debug)]
pub(crate) struct Proposed {
    proposal: Proposal,
    pass: u16,
    status: MatchStatus,
}

/// The result of a run: the kept matches first, then the engine's, in pass order.
pub struct Run<'a> {
    bank: &'a [BankLine],
    ledger: &'a [LedgerEntry],
    rule_names: Vec<String>,
    kept: Vec<Match>,
    proposed: Vec<Proposed>,
    first_id: u64,
    report: RunReport,
}

/// Matches everything from scratch.
pub fn run<'a>(bank: &'a [BankLine], ledger: &'a [LedgerEntry], rules: &RuleSet) -> Result<Run<'a>, EngineError> {
    run_keeping(bank, ledger, rules, Vec::new())
}

/// Matches what `keep` (typically the manual matches) leaves open; `keep` comes first in the
/// result, unchanged. Ids in `keep` that are not in the inputs are kept all the same.
pub fn run_keeping<'a>(
    bank: &'a [BankLine],
    ledger: &'a [LedgerEntry],
    rules: &RuleSet,
    keep: Vec<Match>,
) -> Result<Run<'a>, EngineError> {
    rules.validate()?;
    let min_digits = rules
        .passes
        .iter()
        .filter_map(|p| match p {
            Pass::InvoiceInRemittance(r) => Some(r.min_digits),
            Pass::ManyToOne(r) => Some(r.min_digits),
            Pass::OneToMany(r) => Some(r.min_digits),
            _ => None,
        })
        .min()
        .map_or(4, usize::from);
    let (b, l) = rayon::join(
        || prepare::bank(bank, min_digits),
        || prepare::ledger(ledger, min_digits),
    );
    let mut bank_used = used_by(bank.iter().map(|x| x.id.as_str()), keep.iter().flat_map(|m| &m.bank));
    let mut ledger_used = used_by(
        ledger.iter().map(|x| x.id.as_str()),
        keep.iter().flat_map(|m| &m.ledger),
    );

    // Passes see only what is not automatically matched: a weak suggestion of an early pass must
    // not keep a later pass from matching its items with confidence.
    let auto = rules.auto_threshold.basis_points();
    let mut automatic: Vec<Proposed> = Vec::new();
    let mut suggestions: Vec<Proposed> = Vec::new();
    for (pass_no, pass) in rules.passes.iter().enumerate() {
        let ctx = Ctx {
            bank,
            ledger,
            b: &b,
            l: &l,
            bank_used: &bank_used,
            ledger_used: &ledger_used,
            floor: rules.suggest_threshold.basis_points(),
        };
        let proposals = match pass {
            Pass::ExactReference(r) => passes::reference::propose(&ctx, r),
            Pass::AmountDateCounterparty(r) => passes::amount::propose(&ctx, r),
            Pass::InvoiceInRemittance(r) => passes::invoice::propose(&ctx, r),
            Pass::OneToMany(r) => passes::one_to_many::propose(&ctx, r),
            Pass::ManyToOne(r) => passes::many_to_one::propose(&ctx, r),
            Pass::Reversal(r) => passes::reversal::propose(&ctx, r),
        };
        let mut pass_bank = bank_used.clone();
        let mut pass_ledger = ledger_used.clone();
        for p in accept(proposals, &mut pass_bank, &mut pass_ledger) {
            let is_auto = p.confidence >= auto;
            if is_auto {
                mark(&p, &mut bank_used, &mut ledger_used);
            }
            let proposed = Proposed {
                proposal: p,
                pass: pass_no as u16,
                status: if is_auto {
                    MatchStatus::Auto
                } else {
                    MatchStatus::Suggested
                },
            };
            if is_auto {
                automatic.push(proposed);
            } else {
                suggestions.push(proposed);
            }
        }
    }
    // Suggestions keep what no automatic match took, earlier passes first.
    suggestions.retain(|s| {
        let free = is_free(&s.proposal, &bank_used, &ledger_used);
        if free {
            mark(&s.proposal, &mut bank_used, &mut ledger_used);
        }
        free
    });
    let mut proposed = automatic;
    proposed.append(&mut suggestions);
    // Report order: by pass, then by the first bank line (first ledger entry for bank-less ones).
    // Every item is in one match at most, so the key is unique.
    proposed.par_sort_unstable_by_key(|p| {
        let first = |ids: &[u32]| ids.first().copied().unwrap_or(u32::MAX);
        (
            p.pass,
            first(p.proposal.bank.as_slice()),
            first(p.proposal.ledger.as_slice()),
        )
    });

    let rule_names: Vec<String> = rules.passes.iter().map(|p| p.name().to_string()).collect();
    let mut counts = vec![(0usize, 0usize); rule_names.len()];
    for p in &proposed {
        let c = &mut counts[usize::from(p.pass)];
        if p.status == MatchStatus::Auto {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    let report = RunReport {
        unusable_bank: unusable(&b.items, bank.iter().map(|x| &x.id)),
        unusable_ledger: unusable(&l.items, ledger.iter().map(|x| &x.id)),
        passes: rule_names
            .iter()
            .zip(counts)
            .map(|(name, (automatic, suggested))| PassReport {
                name: name.clone(),
                automatic,
                suggested,
            })
            .collect(),
    };
    Ok(Run {
        bank,
        ledger,
        rule_names,
        first_id: next_id(&keep),
        kept: keep,
        proposed,
        report,
    })
}

/// Marks the items whose ids `keep` holds.
fn used_by<'a>(ids: impl Iterator<Item = &'a str>, kept: impl Iterator<Item = &'a String>) -> Vec<bool> {
    let kept: HashSet<&str> = kept.map(String::as_str).collect();
    if kept.is_empty() {
        return ids.map(|_| false).collect();
    }
    ids.map(|id| kept.contains(id)).collect()
}

/// Accepts proposals best first (confidence, then nearest dates, then item order, so equal input
/// gives equal output); a proposal touching an already accepted item is dropped.
fn accept(mut proposals: Vec<Proposal>, bank_used: &mut [bool], ledger_used: &mut [bool]) -> Vec<Proposal> {
    proposals.par_sort_unstable_by(|x, y| {
        y.confidence
            .cmp(&x.confidence)
            .then(x.distance.cmp(&y.distance))
            .then_with(|| x.bank.as_slice().cmp(y.bank.as_slice()))
            .then_with(|| x.ledger.as_slice().cmp(y.ledger.as_slice()))
    });
    proposals.dedup_by(|x, y| x.bank == y.bank && x.ledger == y.ledger);
    proposals.retain(|p| {
        let free = is_free(p, bank_used, ledger_used);
        if free {
            mark(p, bank_used, ledger_used);
        }
        free
    });
    proposals
}

fn is_free(p: &Proposal, bank_used: &[bool], ledger_used: &[bool]) -> bool {
    p.bank.as_slice().iter().all(|&i| !bank_used[i as usize])
        && p.ledger.as_slice().iter().all(|&i| !ledger_used[i as usize])
}

fn mark(p: &Proposal, bank_used: &mut [bool], ledger_used: &mut [bool]) {
    p.bank.as_slice().iter().for_each(|&i| bank_used[i as usize] = true);
    p.ledger.as_slice().iter().for_each(|&i| ledger_used[i as usize] = true);
}

fn unusable<'a>(items: &[prepare::Item], ids: impl Iterator<Item = &'a String>) -> Vec<String> {
    items
        .iter()
        .zip(ids)
        .filter(|(it, _)| !it.valid)
        .map(|(_, id)| id.clone())
        .collect()
}

impl<'a> Run<'a> {
    pub fn len(&self) -> usize {
        self.kept.len() + self.proposed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn report(&self) -> &RunReport {
        &self.report
    }

    /// The `i`-th match: kept ones first, then the engine's in pass order.
    pub fn get(&self, i: usize) -> Option<MatchRef<'_>> {
        if let Some(m) = self.kept.get(i) {
            return Some(MatchRef::Owned(m));
        }
        let n = i - self.kept.len();
        let m = self.proposed.get(n)?;
        Some(MatchRef::Engine(EngineMatch {
            id: MatchId(self.first_id + n as u64),
            bank: self.bank,
            ledger: self.ledger,
            rule: self.rule_names.get(usize::from(m.pass)).map_or("", String::as_str),
            m,
        }))
    }

    pub fn iter(&self) -> impl Iterator<Item = MatchRef<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every match as an owned `Match` (ids copied, reasons rendered), in parallel.
    pub fn to_match_set(&self) -> MatchSet {
        let mut all = Vec::with_capacity(self.len());
        all.par_extend(
            (0..self.len())
                .into_par_iter()
                .filter_map(|i| self.get(i).map(|m| m.to_match())),
        );
        MatchSet::new(all)
    }
}

/// One of the engine's matches, read from the compact form.
#[derive(Clone, Copy)]
pub struct EngineMatch<'r> {
    id: MatchId,
    bank: &'r [BankLine],
    ledger: &'r [LedgerEntry],
    rule: &'r str,
    m: &'r Proposed,
}

impl<'r> EngineMatch<'r> {
    pub fn id(&self) -> MatchId {
        self.id
    }

    pub fn bank_ids(&self) -> impl Iterator<Item = &'r str> + 'r {
        let bank = self.bank;
        self.m
            .proposal
            .bank
            .as_slice()
            .iter()
            .filter_map(move |&i| bank.get(i as usize).map(|b| b.id.as_str()))
    }

    pub fn ledger_ids(&self) -> impl Iterator<Item = &'r str> + 'r {
        let ledger = self.ledger;
        self.m
            .proposal
            .ledger
            .as_slice()
            .iter()
            .filter_map(move |&i| ledger.get(i as usize).map(|l| l.id.as_str()))
    }

    pub fn rule(&self) -> &'r str {
        self.rule
    }

    pub fn confidence(&self) -> Confidence {
        Confidence::clamped(i64::from(self.m.proposal.confidence))
    }

    pub fn status(&self) -> MatchStatus {
        self.m.status
    }

    pub fn reason(&self) -> String {
        reason::render(self.bank, self.ledger, &self.m.proposal)
    }
}

impl fmt::Debug for EngineMatch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EngineMatch")
            .field("id", &self.id)
            .field("bank", &self.bank_ids().collect::<Vec<_>>())
            .field("ledger", &self.ledger_ids().collect::<Vec<_>>())
            .field("rule", &self.rule)
            .field("confidence", &self.confidence())
            .field("status", &self.status())
            .finish()
    }
}
