//! Several bank lines, one ledger entry: partial payments quoting the same invoice, or from the same
//! counterparty, that sum exactly to the entry — and no other subset does.

use rayon::prelude::*;

use super::{bank_days, bank_ledger_cp, distance, rows, same_sign, Ctx, Evidence, Ids, Link, Proposal, SUBSET_BUDGET};
use crate::index::Index;
use crate::normalize;
use crate::rules::ManyToOne;
use crate::subset::{self, Subset};

pub(crate) fn propose(ctx: &Ctx, rule: &ManyToOne) -> Vec<Proposal> {
    let open_bank = || {
        ctx.bank_ids()
            .filter(|&b| !ctx.b.items[b].reversal && ctx.b.items[b].minor != 0)
    };
    let min = rule.min_digits;
    let by_invoice = Index::build(rows(open_bank(), ctx.b, |b| ctx.b.invoice_keys(b, min))).with_lookup();
    let by_counterparty = Index::build(rows(open_bank(), ctx.b, |b| ctx.b.items[b].counterparty_keys())).with_lookup();
    ctx.ledger_ids()
        .filter(|&l| ctx.l.items[l].minor != 0)
        .filter_map(|l| {
            let li = ctx.l.items[l];
            let (from, to) = bank_days(&rule.window, li.date);
            for k in ctx.l.invoice_keys(l, min) {
                let found: Vec<u32> = by_invoice
                    .window(normalize::mix(li.acct, k), from, to)
                    .iter()
                    .map(|&(_, _, b)| b)
                    .collect();
                let conf = rule.invoice_confidence.basis_points();
                if let Some(p) = sum_to(ctx, rule, l, found, conf, Link::Invoice(k)) {
                    return Some(p);
                }
            }
            let mut found: Vec<u32> = li
                .counterparty_keys()
                .flat_map(|k| {
                    by_counterparty
                        .window(normalize::mix(li.acct, k), from, to)
                        .iter()
                        .map(|&(_, _, b)| b)
                })
                .collect();
            found.sort_unstable();
            found.dedup();
            found.retain(|&b| bank_ledger_cp(ctx, b as usize, l).agrees());
            sum_to(
                ctx,
                rule,
                l,
                found,
                rule.counterparty_confidence.basis_points(),
                Link::Counterparty,
            )
        })
        .collect()
}

fn sum_to(ctx: &Ctx, rule: &ManyToOne, l: usize, found: Vec<u32>, confidence: u16, link: Link) -> Option<Proposal> {
    let target = ctx.l.items[l].minor;
    let (cands, amounts) = same_sign(&ctx.b.items, &found, target);
    if cands.len() < 2 || cands.len() > usize::from(rule.max_candidates) {
        return None;
    }
    let picked = match subset::find(
        &amounts,
        target.saturating_abs(),
        1,
        usize::from(rule.max_items),
        SUBSET_BUDGET,
    ) {
        // One line equal to the entry is the one-to-one passes' business; here it only makes the
        // data ambiguous.
        Subset::Unique(picked) if picked.len() >= 2 => picked,
        _ => return None,
    };
    let mut bank: Vec<u32> = picked.iter().map(|&p| cands[p]).collect();
    bank.sort_unstable();
    let day = ctx.l.items[l].date;
    let far = bank
        .iter()
        .map(|&b| distance(day, ctx.b.items[b as usize].date))
        .max()
        .unwrap_or(0);
    Some(Proposal {
        bank: Ids::Many(bank.into_boxed_slice()),
        ledger: Ids::One(l as u32),
        confidence,
        distance: far,
        evidence: Evidence::Partial {
            link,
            of: u16::try_from(cands.len()).unwrap_or(u16::MAX),
        },
        ambiguous: false,
    })
}
