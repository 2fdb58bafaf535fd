//! One bank line, several ledger entries: a payment-run debit equal to the sum of the payments that
//! carry its batch reference, or one transfer settling several entries — those whose invoice
//! numbers its remittance names, else those of its counterparty. Only an exact sum counts, and
//! only when exactly one subset of the candidates gives it.

use rayon::prelude::*;

use super::reference::ledger_by_reference;
use super::{
    bank_ledger_cp, distance, ledger_days, rows, same_sign, Ctx, Evidence, Ids, Link, Proposal, SUBSET_BUDGET,
};
use crate::index::Index;
use crate::normalize;
use crate::rules::OneToMany;
use crate::subset::{self, Subset};

pub(crate) fn propose(ctx: &Ctx, rule: &OneToMany) -> Vec<Proposal> {
    let by_reference = ledger_by_reference(ctx).with_lookup();
    let by_invoice = Index::build(rows(ctx.ledger_ids(), ctx.l, |i| {
        ctx.l.invoice_keys(i, rule.min_digits)
    }))
    .with_lookup();
    let by_counterparty =
        Index::build(rows(ctx.ledger_ids(), ctx.l, |i| ctx.l.items[i].counterparty_keys())).with_lookup();
    ctx.bank_ids()
        .filter(|&b| !ctx.b.items[b].reversal && ctx.b.items[b].minor != 0)
        .filter_map(|b| {
            by_reference_sum(ctx, rule, &by_reference, b)
                .or_else(|| by_invoice_sum(ctx, rule, &by_invoice, b))
                .or_else(|| by_counterparty_sum(ctx, rule, &by_counterparty, b))
        })
        .collect()
}

fn by_reference_sum(ctx: &Ctx, rule: &OneToMany, index: &Index, b: usize) -> Option<Proposal> {
    let bi = &ctx.b.items[b];
    let (from, to) = ledger_days(&rule.window, bi.date);
    for (field, &r) in bi.refs.iter().enumerate() {
        if r == 0 {
            continue;
        }
        let found: Vec<u32> = index
            .window(normalize::mix(bi.acct, r), from, to)
            .iter()
            .map(|&(_, _, l)| l)
            .collect();
        let (cands, amounts) = same_sign(&ctx.l.items, &found, bi.minor);
        if cands.len() < 2 {
            continue;
        }
        let link = Link::Reference(field as u8);
        let target = bi.minor.saturating_abs();
        let total: i64 = amounts.iter().fold(0i64, |s, &a| s.saturating_add(a));
        if total == target {
            let of = cands.len();
            return Some(proposal(
                ctx,
                b,
                cands,
                rule.reference_confidence.basis_points(),
                link,
                true,
                of,
            ));
        }
        if let Some(picked) = reference_subset(rule, &amounts, target, total) {
            let ledger = picked.iter().map(|&p| cands[p]).collect();
            let conf = rule.reference_subset_confidence.basis_points();
            return Some(proposal(ctx, b, ledger, conf, link, false, cands.len()));
        }
    }
    None
}

/// The entries whose invoice numbers the remittance names: all of them, or the one subset, sum to
/// the bank amount.
fn by_invoice_sum(ctx: &Ctx, rule: &OneToMany, index: &Index, b: usize) -> Option<Proposal> {
    let bi = &ctx.b.items[b];
    let (from, to) = ledger_days(&rule.window, bi.date);
    let mut found: Vec<u32> = ctx
        .b
        .invoices(b)
        .iter()
        .filter(|k| k.digits() >= rule.min_digits)
        .flat_map(|k| {
            index
                .window(normalize::mix(bi.acct, k.key()), from, to)
                .iter()
                .map(|&(_, _, l)| l)
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    let (cands, amounts) = same_sign(&ctx.l.items, &found, bi.minor);
    if cands.len() < 2 {
        return None;
    }
    let target = bi.minor.saturating_abs();
    let total: i64 = amounts.iter().fold(0i64, |s, &a| s.saturating_add(a));
    let conf = rule.invoice_confidence.basis_points();
    if total == target {
        let of = cands.len();
        return Some(proposal(ctx, b, cands, conf, Link::Invoices, true, of));
    }
    let picked = unique_subset(rule, &amounts, target)?;
    let ledger = picked.iter().map(|&p| cands[p]).collect();
    Some(proposal(ctx, b, ledger, conf, Link::Invoices, false, cands.len()))
}

fn by_counterparty_sum(ctx: &Ctx, rule: &OneToMany, index: &Index, b: usize) -> Option<Proposal> {
    let bi = &ctx.b.items[b];
    let (from, to) = ledger_days(&rule.window, bi.date);
    let mut found: Vec<u32> = bi
        .counterparty_keys()
        .flat_map(|k| {
            index
                .window(normalize::mix(bi.acct, k), from, to)
                .iter()
                .map(|&(_, _, l)| l)
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found.retain(|&l| bank_ledger_cp(ctx, b, l as usize).agrees());
    let (cands, amounts) = same_sign(&ctx.l.items, &found, bi.minor);
    if cands.len() < 2 || cands.len() > usize::from(rule.max_candidates) {
        return None;
    }
    let picked = unique_subset(rule, &amounts, bi.minor.saturating_abs())?;
    let whole = picked.len() == cands.len();
    let ledger = picked.iter().map(|&p| cands[p]).collect();
    let conf = rule.counterparty_confidence.basis_points();
    Some(proposal(ctx, b, ledger, conf, Link::Counterparty, whole, cands.len()))
}

/// The one subset of two or more entries summing to `target`. A single entry equal to it makes the
/// data ambiguous (the one-to-one passes own that case), so no subset is returned then.
fn unique_subset(rule: &OneToMany, amounts: &[i64], target: i64) -> Option<Vec<usize>> {
    if amounts.len() > usize::from(rule.max_candidates) {
        return None;
    }
    match subset::find(amounts, target, 1, usize::from(rule.max_items), SUBSET_BUDGET) {
        Subset::Unique(picked) if picked.len() >= 2 => Some(picked),
        _ => None,
    }
}

/// A payment run whose debit lacks a few of the entries carrying its reference (payments rejected
/// before execution): searched both as a small subset that sums to the debit and as the fewest
/// entries left out, and accepted only when the two searches do not disagree.
fn reference_subset(rule: &OneToMany, amounts: &[i64], target: i64, total: i64) -> Option<Vec<usize>> {
    if total < target {
        return None;
    }
    let max = usize::from(rule.max_items);
    let include = if amounts.len() <= usize::from(rule.max_candidates) {
        subset::find(amounts, target, 1, max, SUBSET_BUDGET)
    } else {
        Subset::None
    };
    let exclude = match subset::find_fewest(amounts, total - target, max, SUBSET_BUDGET) {
        Subset::Unique(left_out) => Subset::Unique((0..amounts.len()).filter(|i| !left_out.contains(i)).collect()),
        other => other,
    };
    let picked = match (include, exclude) {
        (Subset::Unique(a), Subset::Unique(b)) if a == b => a,
        (Subset::Unique(a), Subset::None) | (Subset::None, Subset::Unique(a)) => a,
        _ => return None,
    };
    (picked.len() >= 2).then_some(picked)
}

fn proposal(
    ctx: &Ctx,
    b: usize,
    mut ledger: Vec<u32>,
    confidence: u16,
    link: Link,
    whole: bool,
    of: usize,
) -> Proposal {
    ledger.sort_unstable();
    let day = ctx.b.items[b].date;
    let far = ledger
        .iter()
        .map(|&l| distance(day, ctx.l.items[l as usize].date))
        .max()
        .unwrap_or(0);
    Proposal {
        bank: Ids::One(b as u32),
        ledger: Ids::Many(ledger.into_boxed_slice()),
        confidence,
        distance: far,
        evidence: Evidence::Batch {
            link,
            whole,
            of: u16::try_from(of).unwrap_or(u16::MAX),
        },
        ambiguous: false,
    }
}
