//! Reversals and returns: a bank line the bank flagged as reversal pairs with the original bank line
//! it cancels — opposite amount, same account, booked no later, preferably the same reference.

use rayon::prelude::*;

use super::{bank_days, compare_cp, distance, resolve_pairs, rows, Cand, Cp, Ctx, Evidence, Ids, Link, Proposal};
use crate::index::{self, Index};
use crate::normalize;
use crate::rules::Reversal;

pub(crate) fn propose(ctx: &Ctx, rule: &Reversal) -> Vec<Proposal> {
    let originals = Index::build(rows(ctx.bank_ids().filter(|&b| !ctx.b.items[b].reversal), ctx.b, |b| {
        Some(ctx.b.items[b].minor as u64)
    }));
    let queries: Vec<(u64, u32)> = ctx
        .bank_ids()
        .filter(|&r| ctx.b.items[r].reversal)
        .map(|r| {
            let it = &ctx.b.items[r];
            (
                normalize::mix(it.acct, it.minor.checked_neg().unwrap_or(0) as u64),
                r as u32,
            )
        })
        .collect();
    let cands = originals.join(queries, |&r, run| {
        let ri = &ctx.b.items[r as usize];
        // The window places the original around the reversal as it places a bank line around a
        // ledger entry.
        let (from, to) = bank_days(&rule.window, ri.date);
        index::days(run, from, to).iter().filter_map(move |&(_, day, o)| {
            let oi = &ctx.b.items[o as usize];
            let (rl, ol) = (&ctx.bank[r as usize], &ctx.bank[o as usize]);
            let cp = compare_cp(ri, oi, || {
                (rl.counterparty_name.as_str(), ol.counterparty_name.as_str())
            });
            let same_ref = (0..2).find(|&f| {
                ri.refs[f] != 0 && ri.refs[f] == oi.refs[f] && normalize::reference_eq(ref_text(rl, f), ref_text(ol, f))
            });
            let (link, base) = match (same_ref, cp) {
                (Some(f), _) => (Link::Reference(f as u8), rule.reference_confidence),
                (None, cp) if cp.agrees() => (Link::Counterparty, rule.counterparty_confidence),
                (None, Cp::Absent) => (Link::Counterparty, rule.amount_only_confidence?),
                (None, _) => return None,
            };
            Some(Cand {
                left: r,
                right: o,
                score: base.basis_points(),
                distance: distance(ri.date, day),
                evidence: Evidence::Reversal { link, cp },
            })
        })
    });
    resolve_pairs(cands, ctx.bank.len(), ctx.bank.len(), rule.ambiguity, ctx.floor, |c| {
        (Ids::Many(vec![c.right, c.left].into_boxed_slice()), Ids::None)
    })
}

pub(crate) fn ref_text(line: &crate::input::BankLine, field: usize) -> &str {
    if field == 0 {
        &line.end_to_end_id
    } else {
        &line.reference
    }
}
