//! Invoice numbers in the remittance text: a number found in the bank's remittance (however noisy)
//! equals one in the ledger reference or description, same account, same amount.

use rayon::prelude::*;

use super::{
    bank_ledger_cp, bank_ledger_pairs, day_score, distance, ledger_days, rows, Cand, Cp, Ctx, Evidence, Proposal,
};
use crate::index::{self, Index};
use crate::normalize;
use crate::rules::InvoiceInRemittance;

pub(crate) fn propose(ctx: &Ctx, rule: &InvoiceInRemittance) -> Vec<Proposal> {
    let min = rule.min_digits;
    // The amount is part of the key: this pass only ever proposes equal amounts.
    let index = Index::build(rows(ctx.ledger_ids(), ctx.l, |i| {
        let amount = ctx.l.items[i].minor as u64;
        ctx.l.invoice_keys(i, min).map(move |k| normalize::mix(amount, k))
    }));
    let queries: Vec<(u64, (u32, u64))> = ctx
        .bank_ids()
        .flat_map_iter(|b| {
            let it = ctx.b.items[b];
            ctx.b.invoice_keys(b, min).map(move |k| {
                (
                    normalize::mix(it.acct, normalize::mix(it.minor as u64, k)),
                    (b as u32, k),
                )
            })
        })
        .collect();
    let cands = index.join(queries, |&(b, key), run| {
        let bi = &ctx.b.items[b as usize];
        let (from, to) = ledger_days(&rule.window, bi.date);
        index::days(run, from, to).iter().map(move |&(_, day, l)| {
            let cp = bank_ledger_cp(ctx, b as usize, l as usize);
            let base = match cp {
                Cp::Iban | Cp::Name | Cp::NamePrefix => rule.with_counterparty_confidence,
                Cp::Absent => rule.confidence,
                Cp::Differs => rule.counterparty_differs_confidence,
            };
            let d = distance(bi.date, day);
            Cand {
                left: b,
                right: l,
                score: day_score(base.basis_points(), rule.per_day_penalty, d),
                distance: d,
                evidence: Evidence::Invoice { key, cp },
            }
        })
    });
    bank_ledger_pairs(ctx, cands, rule.ambiguity)
}
