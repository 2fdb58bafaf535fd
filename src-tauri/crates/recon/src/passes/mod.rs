//! The passes: each proposes candidate matches over the items still open; the engine then accepts
//! them greedily (highest confidence first) so every item is matched at most once.

pub(crate) mod amount;
pub(crate) mod invoice;
pub(crate) mod many_to_one;
pub(crate) mod one_to_many;
pub(crate) mod reference;
pub(crate) mod reversal;

use rayon::prelude::*;

use crate::index::Entry;
use crate::input::{BankLine, LedgerEntry};
use crate::normalize::{self, NAME_PREFIX_LEN};
use crate::prepare::{Item, Prepared};
use crate::rules::{Ambiguity, DateWindow};

/// Nodes a subset search may visit for one item: bounds the worst case, never the common one.
pub(crate) const SUBSET_BUDGET: u32 = 20_000;

/// What every pass reads: the inputs, their prepared keys and which items earlier passes took.
pub(crate) struct Ctx<'a> {
    pub bank: &'a [BankLine],
    pub ledger: &'a [LedgerEntry],
    pub b: &'a Prepared,
    pub l: &'a Prepared,
    pub bank_used: &'a [bool],
    pub ledger_used: &'a [bool],
    /// Proposals below this confidence are not worth making (the suggestion threshold).
    pub floor: u16,
}

impl Ctx<'_> {
    pub fn open_bank(&self, i: usize) -> bool {
        !self.bank_used[i] && self.b.items[i].valid
    }
    pub fn open_ledger(&self, i: usize) -> bool {
        !self.ledger_used[i] && self.l.items[i].valid
    }
    pub fn bank_ids(&self) -> impl ParallelIterator<Item = usize> + '_ {
        (0..self.bank.len()).into_par_iter().filter(|&i| self.open_bank(i))
    }
    pub fn ledger_ids(&self) -> impl ParallelIterator<Item = usize> + '_ {
        (0..self.ledger.len()).into_par_iter().filter(|&i| self.open_ledger(i))
    }
}

/// The items on one side of a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ids {
    None,
    One(u32),
    Many(Box<[u32]>),
}

impl Ids {
    pub fn as_slice(&self) -> &[u32] {
        match self {
            Ids::None => &[],
            Ids::One(i) => std::slice::from_ref(i),
            Ids::Many(v) => v,
        }
    }
}

/// A candidate match from one pass.
#[derive(Debug, Clone)]
pub(crate) struct Proposal {
    pub bank: Ids,
    pub ledger: Ids,
    pub confidence: u16,
    /// Largest booking-day distance inside the match; the tie-breaker after confidence.
    pub distance: u16,
    pub evidence: Evidence,
    /// Another candidate for one of its items was exactly as good.
    pub ambiguous: bool,
}

/// How two counterparties compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cp {
    Iban,
    Name,
    /// One normalized name is the start of the other (a bank-truncated name).
    NamePrefix,
    Differs,
    /// One side has none, or they carry different kinds (IBAN vs name).
    Absent,
}

impl Cp {
    pub fn agrees(self) -> bool {
        matches!(self, Cp::Iban | Cp::Name | Cp::NamePrefix)
    }
}

/// Which bank field carried the reference: 0 = end-to-end id, 1 = reference.
pub(crate) type RefField = u8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    Reference(RefField),
    Counterparty,
    /// One invoice number (its key).
    Invoice(u64),
    /// The invoice numbers the bank line's remittance names.
    Invoices,
}

/// Why a pass proposed a match, kept small; `reason::render` turns it into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    Reference {
        field: RefField,
    },
    Counterparty {
        cp: Cp,
    },
    Invoice {
        key: u64,
        cp: Cp,
    },
    /// One bank line = several ledger entries; `whole` = all candidates, `of` = how many there were.
    Batch {
        link: Link,
        whole: bool,
        of: u16,
    },
    /// Several bank lines = one ledger entry.
    Partial {
        link: Link,
        of: u16,
    },
    /// Bank ids are [original, reversal].
    Reversal {
        link: Link,
        cp: Cp,
    },
}

/// Compares counterparties: IBAN with IBAN, else name with name (exactly, or one cut short). The
/// texts are read only in the rare case of a possibly truncated name.
pub(crate) fn compare_cp<'n>(a: &Item, b: &Item, names: impl FnOnce() -> (&'n str, &'n str)) -> Cp {
    if a.iban != 0 && b.iban != 0 {
        return if a.iban == b.iban { Cp::Iban } else { Cp::Differs };
    }
    if a.name == 0 || b.name == 0 {
        return Cp::Absent;
    }
    if a.name == b.name {
        return Cp::Name;
    }
    // Equal first bytes are rare between different names; only then compare the texts.
    if a.name16 == b.name16 {
        let (a_name, b_name) = names();
        let (x, y) = (normalize::name(a_name), normalize::name(b_name));
        let (short, long) = if x.len() <= y.len() { (&x, &y) } else { (&y, &x) };
        if short.len() >= NAME_PREFIX_LEN && long.starts_with(short.as_str()) {
            return Cp::NamePrefix;
        }
    }
    Cp::Differs
}

pub(crate) fn bank_ledger_cp(ctx: &Ctx, b: usize, l: usize) -> Cp {
    compare_cp(&ctx.b.items[b], &ctx.l.items[l], || {
        (
            ctx.bank[b].counterparty_name.as_str(),
            ctx.ledger[l].counterparty.as_str(),
        )
    })
}

/// A one-to-one candidate: `left` is a bank line, `right` a ledger entry (or, for reversals, the
/// original bank line).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cand {
    pub left: u32,
    pub right: u32,
    pub score: u16,
    pub distance: u16,
    pub evidence: Evidence,
}

/// `score` less `per_day` basis points per day of distance, never below 0.
pub(crate) fn day_score(confidence: u16, per_day: u16, distance: u16) -> u16 {
    confidence.saturating_sub(per_day.saturating_mul(distance))
}

pub(crate) fn distance(a: i32, b: i32) -> u16 {
    u16::try_from(a.abs_diff(b)).unwrap_or(u16::MAX)
}

/// The best score seen for one item, how often, and the best below it.
#[derive(Debug, Clone, Copy, Default)]
struct Top {
    best: u16,
    count: u16,
    second: Option<u16>,
}

impl Top {
    fn add(&mut self, score: u16) {
        if self.count == 0 || score > self.best {
            if self.count > 0 {
                self.second = Some(self.best);
            }
            (self.best, self.count) = (score, 1);
        } else if score == self.best {
            self.count = self.count.saturating_add(1);
        } else if self.second.is_none_or(|s| score > s) {
            self.second = Some(score);
        }
    }

    /// The best score among the item's other candidates, for a candidate scoring `score`.
    fn rival(&self, score: u16) -> Option<u16> {
        if self.count == 0 {
            None
        } else if score < self.best || self.count > 1 {
            Some(self.best)
        } else {
            self.second
        }
    }
}

/// Turns one-to-one candidates into proposals: duplicates of a pair keep their best score, and a
/// candidate with a rival for the same bank line or ledger entry scoring at least as well (less the
/// margin) loses the penalty — the data cannot tell them apart, so a person should.
pub(crate) fn resolve_pairs(
    mut cands: Vec<Cand>,
    n_left: usize,
    n_right: usize,
    ambiguity: Ambiguity,
    floor: u16,
    make: impl Fn(&Cand) -> (Ids, Ids) + Sync,
) -> Vec<Proposal> {
    cands.par_sort_unstable_by(|a, b| {
        (a.left, a.right, std::cmp::Reverse(a.score), a.distance).cmp(&(
            b.left,
            b.right,
            std::cmp::Reverse(b.score),
            b.distance,
        ))
    });
    cands.dedup_by(|later, first| later.left == first.left && later.right == first.right);
    let mut top_left = vec![Top::default(); n_left];
    let mut top_right = vec![Top::default(); n_right];
    for c in &cands {
        for (top, i) in [(&mut top_left, c.left), (&mut top_right, c.right)] {
            if let Some(t) = top.get_mut(i as usize) {
                t.add(c.score);
            }
        }
    }
    let contested = |top: &[Top], i: u32, score: u16| {
        top.get(i as usize)
            .and_then(|t| t.rival(score))
            .is_some_and(|r| r.saturating_add(ambiguity.margin) >= score)
    };
    cands
        .par_iter()
        .filter_map(|c| {
            let ambiguous = contested(&top_left, c.left, c.score) || contested(&top_right, c.right, c.score);
            let confidence = if ambiguous {
                c.score.saturating_sub(ambiguity.penalty)
            } else {
                c.score
            };
            (confidence >= floor).then(|| {
                let (bank, ledger) = make(c);
                Proposal {
                    bank,
                    ledger,
                    confidence,
                    distance: c.distance,
                    evidence: c.evidence,
                    ambiguous,
                }
            })
        })
        .collect()
}

/// Index rows (key, day, item) for `items` of one side: each key of `keys(item)` within the item's
/// account and currency.
pub(crate) fn rows<K>(
    items: impl ParallelIterator<Item = usize>,
    side: &Prepared,
    keys: impl Fn(usize) -> K + Sync + Send,
) -> Vec<Entry>
where
    K: IntoIterator<Item = u64>,
{
    items
        .flat_map_iter(|i| {
            let it = side.items[i];
            keys(i)
                .into_iter()
                .map(move |k| (normalize::mix(it.acct, k), it.date, i as u32))
        })
        .collect()
}

/// The ledger days a bank line booked on `bank_day` may meet.
pub(crate) fn ledger_days(w: &DateWindow, bank_day: i32) -> (i32, i32) {
    (bank_day - i32::from(w.days_after), bank_day + i32::from(w.days_before))
}

/// The bank days a ledger entry booked on `ledger_day` may meet.
pub(crate) fn bank_days(w: &DateWindow, ledger_day: i32) -> (i32, i32) {
    (
        ledger_day - i32::from(w.days_before),
        ledger_day + i32::from(w.days_after),
    )
}

/// Proposals from bank line → ledger entry candidates (the one-to-one passes).
pub(crate) fn bank_ledger_pairs(ctx: &Ctx, cands: Vec<Cand>, ambiguity: Ambiguity) -> Vec<Proposal> {
    resolve_pairs(cands, ctx.bank.len(), ctx.ledger.len(), ambiguity, ctx.floor, |c| {
        (Ids::One(c.left), Ids::One(c.right))
    })
}

/// Positions of `cands` whose amounts have the sign of `target`, as positive minor units.
pub(crate) fn same_sign(items: &[Item], cands: &[u32], target: i64) -> (Vec<u32>, Vec<i64>) {
    cands
        .iter()
        .filter_map(|&i| {
            let m = items[i as usize].minor;
            (m != 0 && m.signum() == target.signum()).then_some((i, m.saturating_abs()))
        })
        .unzip()
}
