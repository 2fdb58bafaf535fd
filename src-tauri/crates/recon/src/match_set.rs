//! Matches and the set they form, with the manual operations a person performs on it: match,
//! unmatch, confirm a suggestion. Pure: the store persists the set and audits each operation.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::confidence::Confidence;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// At or above the automatic threshold.
    Auto,
    /// Below it: proposed for a person to confirm.
    Suggested,
    /// Made or confirmed by a person; engine runs keep it.
    Manual,
}

/// A match id, shown and serialized as `M0000042`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatchId(pub u64);

impl fmt::Display for MatchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M{:07}", self.0)
    }
}

impl FromStr for MatchId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.strip_prefix('M')
            .and_then(|n| n.parse().ok())
            .map(MatchId)
            .ok_or_else(|| format!("{s:?} is not a match id like M0000042"))
    }
}

impl Serialize for MatchId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MatchId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// Bank lines and ledger entries that belong together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    pub id: MatchId,
    /// Bank line ids (for a reversal: the original, then the reversal).
    pub bank: Vec<String>,
    /// Ledger entry ids; empty when a reversal cancels its original on the bank side alone.
    pub ledger: Vec<String>,
    /// The name of the pass (or "manual").
    pub rule: String,
    pub confidence: Confidence,
    pub status: MatchStatus,
    pub reason: String,
}

impl Match {
    /// What the match joins, independent of order and id: two runs agree on a match when they
    /// join the same items.
    pub fn items(&self) -> (Vec<&str>, Vec<&str>) {
        MatchRef::Owned(self).items()
    }
}

/// A match as read: owned (in a `MatchSet`) or still in the engine's compact form (in a `Run`),
/// where ids and reason come from the inputs only when asked for.
#[derive(Debug, Clone, Copy)]
pub enum MatchRef<'r> {
    Owned(&'r Match),
    Engine(crate::engine::EngineMatch<'r>),
}

impl<'r> MatchRef<'r> {
    pub fn id(&self) -> MatchId {
        match self {
            MatchRef::Owned(m) => m.id,
            MatchRef::Engine(e) => e.id(),
        }
    }

    pub fn bank_ids(&self) -> Vec<&'r str> {
        match self {
            MatchRef::Owned(m) => m.bank.iter().map(String::as_str).collect(),
            MatchRef::Engine(e) => e.bank_ids().collect(),
        }
    }

    pub fn ledger_ids(&self) -> Vec<&'r str> {
        match self {
            MatchRef::Owned(m) => m.ledger.iter().map(String::as_str).collect(),
            MatchRef::Engine(e) => e.ledger_ids().collect(),
        }
    }

    /// Calls `f` for each (bank id, ledger id) pair; `None` for a bank-only match's lines.
    pub fn for_each_pair(&self, mut f: impl FnMut(&'r str, Option<&'r str>)) {
        let (bank, ledger) = (self.bank_ids(), self.ledger_ids());
        for b in &bank {
            if ledger.is_empty() {
                f(b, None);
            }
            for l in &ledger {
                f(b, Some(l));
            }
        }
    }

    pub fn rule(&self) -> &'r str {
        match self {
            MatchRef::Owned(m) => &m.rule,
            MatchRef::Engine(e) => e.rule(),
        }
    }

    pub fn confidence(&self) -> Confidence {
        match self {
            MatchRef::Owned(m) => m.confidence,
            MatchRef::Engine(e) => e.confidence(),
        }
    }

    pub fn status(&self) -> MatchStatus {
        match self {
            MatchRef::Owned(m) => m.status,
            MatchRef::Engine(e) => e.status(),
        }
    }

    pub fn reason(&self) -> Cow<'r, str> {
        match self {
            MatchRef::Owned(m) => Cow::Borrowed(&m.reason),
            MatchRef::Engine(e) => Cow::Owned(e.reason()),
        }
    }

    /// Sorted bank and ledger ids: the match's identity across runs.
    pub fn items(&self) -> (Vec<&'r str>, Vec<&'r str>) {
        let (mut bank, mut ledger) = (self.bank_ids(), self.ledger_ids());
        bank.sort_unstable();
        ledger.sort_unstable();
        (bank, ledger)
    }

    pub fn to_match(&self) -> Match {
        match self {
            MatchRef::Owned(m) => (*m).clone(),
            MatchRef::Engine(e) => Match {
                id: e.id(),
                bank: e.bank_ids().map(str::to_string).collect(),
                ledger: e.ledger_ids().map(str::to_string).collect(),
                rule: e.rule().to_string(),
                confidence: e.confidence(),
                status: e.status(),
                reason: e.reason(),
            },
        }
    }
}

pub const MANUAL_RULE: &str = "manual";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MatchError {
    #[error("a match needs a bank line and a ledger entry, or two bank lines")]
    NothingToMatch,
    #[error("{side} item {id} is listed twice")]
    Repeated { side: Side, id: String },
    #[error("{side} item {id} is already in match {match_id}; unmatch it first")]
    AlreadyMatched { side: Side, id: String, match_id: MatchId },
    #[error("no match {0}")]
    UnknownMatch(MatchId),
    #[error("match {0} is not a suggestion")]
    NotASuggestion(MatchId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Bank,
    Ledger,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Bank => "bank",
            Side::Ledger => "ledger",
        })
    }
}

/// What a manual match did: the new match and the suggestions it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualOutcome {
    pub created: Match,
    pub replaced: Vec<Match>,
}

/// A set of owned matches in which every item appears at most once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchSet {
    matches: Vec<Match>,
    next: u64,
}

impl Default for MatchSet {
    fn default() -> Self {
        MatchSet::new(Vec::new())
    }
}

impl MatchSet {
    /// Wraps matches whose items are disjoint (as the engine produces them); new ids continue after
    /// the highest id present.
    pub fn new(matches: Vec<Match>) -> MatchSet {
        let next = next_id(&matches);
        MatchSet { matches, next }
    }

    pub fn matches(&self) -> &[Match] {
        &self.matches
    }

    pub fn iter(&self) -> impl Iterator<Item = MatchRef<'_>> + '_ {
        self.matches.iter().map(MatchRef::Owned)
    }

    pub fn into_matches(self) -> Vec<Match> {
        self.matches
    }

    pub fn len(&self) -> usize {
        self.matches.len()
    }

    pub fn is_empty(&self) -> bool {
        self.matches.is_empty()
    }

    pub fn get(&self, id: MatchId) -> Option<&Match> {
        self.matches.iter().find(|m| m.id == id)
    }

    /// The match holding an item. A linear scan: the store indexes matches; this is the rule.
    pub fn find(&self, side: Side, id: &str) -> Option<&Match> {
        self.matches.iter().find(|m| match side {
            Side::Bank => m.bank.iter().any(|b| b == id),
            Side::Ledger => m.ledger.iter().any(|l| l == id),
        })
    }

    /// A person matches items by hand. Items in an automatic or manual match are refused (unmatch
    /// first); suggestions that hold any of them give way and are returned.
    pub fn manual_match(
        &mut self,
        bank: Vec<String>,
        ledger: Vec<String>,
        note: &str,
    ) -> Result<ManualOutcome, MatchError> {
        if bank.is_empty() || (ledger.is_empty() && bank.len() < 2) {
            return Err(MatchError::NothingToMatch);
        }
        for (side, ids) in [(Side::Bank, &bank), (Side::Ledger, &ledger)] {
            for (i, id) in ids.iter().enumerate() {
                if ids[..i].contains(id) {
                    return Err(MatchError::Repeated { side, id: id.clone() });
                }
                if let Some(m) = self.find(side, id).filter(|m| m.status != MatchStatus::Suggested) {
                    return Err(MatchError::AlreadyMatched {
                        side,
                        id: id.clone(),
                        match_id: m.id,
                    });
                }
            }
        }
        let touches =
            |m: &Match| m.bank.iter().any(|b| bank.contains(b)) || m.ledger.iter().any(|l| ledger.contains(l));
        let (replaced, kept): (Vec<Match>, Vec<Match>) =
            std::mem::take(&mut self.matches).into_iter().partition(touches);
        self.matches = kept;
        let reason = if note.trim().is_empty() {
            "matched by hand".to_string()
        } else {
            format!("matched by hand: {}", note.trim())
        };
        let created = Match {
            id: MatchId(self.next),
            bank,
            ledger,
            rule: MANUAL_RULE.into(),
            confidence: Confidence::MAX,
            status: MatchStatus::Manual,
            reason,
        };
        self.next += 1;
        self.matches.push(created.clone());
        Ok(ManualOutcome { created, replaced })
    }

    /// Removes a match (any status); its items are open again.
    pub fn unmatch(&mut self, id: MatchId) -> Result<Match, MatchError> {
        let pos = self
            .matches
            .iter()
            .position(|m| m.id == id)
            .ok_or(MatchError::UnknownMatch(id))?;
        Ok(self.matches.remove(pos))
    }

    /// A person accepts a suggestion: it becomes manual, so later runs keep it.
    pub fn confirm(&mut self, id: MatchId) -> Result<&Match, MatchError> {
        let m = self
            .matches
            .iter_mut()
            .find(|m| m.id == id)
            .ok_or(MatchError::UnknownMatch(id))?;
        if m.status != MatchStatus::Suggested {
            return Err(MatchError::NotASuggestion(id));
        }
        m.status = MatchStatus::Manual;
        Ok(m)
    }
}

/// The first id after those in `matches`.
pub(crate) fn next_id(matches: &[Match]) -> u64 {
    matches.iter().map(|m| m.id.0).max().map_or(1, |n| n + 1)
}
