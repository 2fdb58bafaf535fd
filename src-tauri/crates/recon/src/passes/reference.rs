//! Exact reference: the bank's end-to-end id or payment reference equals the ledger reference
//! (compared normalized), same account, same amount, within the window.

use rayon::prelude::*;

use super::{bank_ledger_pairs, day_score, distance, ledger_days, rows, Cand, Ctx, Evidence, Proposal};
use crate::index::{self, Index};
use crate::normalize;
use crate::rules::ExactReference;

/// Open ledger entries by (account, reference).
pub(crate) fn ledger_by_reference(ctx: &Ctx) -> Index {
    Index::build(rows(ctx.ledger_ids(), ctx.l, |i| {
        Some(ctx.l.items[i].refs[0]).filter(|&r| r != 0)
    }))
}

pub(crate) fn propose(ctx: &Ctx, rule: &ExactReference) -> Vec<Proposal> {
    let index = ledger_by_reference(ctx);
    let queries: Vec<(u64, (u32, u8))> = ctx
        .bank_ids()
        .flat_map_iter(|b| {
            let it = ctx.b.items[b];
            (0..2u8)
                .filter(move |&f| it.refs[usize::from(f)] != 0)
                .map(move |f| (normalize::mix(it.acct, it.refs[usize::from(f)]), (b as u32, f)))
        })
        .collect();
    let cands = index.join(queries, |&(b, field), run| {
        let bi = &ctx.b.items[b as usize];
        let line = &ctx.bank[b as usize];
        let text = if field == 0 {
            &line.end_to_end_id
        } else {
            &line.reference
        };
        let (from, to) = ledger_days(&rule.window, bi.date);
        index::days(run, from, to).iter().filter_map(move |&(_, day, l)| {
            // The hash found the candidate; the texts decide, so "exact" stays exact.
            let same = ctx.l.items[l as usize].minor == bi.minor
                && normalize::reference_eq(text, &ctx.ledger[l as usize].reference);
            let d = distance(bi.date, day);
            same.then(|| Cand {
                left: b,
                right: l,
                score: day_score(rule.confidence.basis_points(), rule.per_day_penalty, d),
                distance: d,
                evidence: Evidence::Reference { field },
            })
        })
    });
    bank_ledger_pairs(ctx, cands, rule.ambiguity)
}
