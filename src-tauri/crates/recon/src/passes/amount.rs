//! Amount, date window and counterparty: same account, exact amount, and counterparties that agree
//! by IBAN or normalized name. A same-amount line of another counterparty is never a candidate.

use rayon::prelude::*;

use super::{
    bank_ledger_cp, bank_ledger_pairs, day_score, distance, ledger_days, rows, Cand, Cp, Ctx, Evidence, Proposal,
};
use crate::index::{self, Index};
use crate::normalize;
use crate::rules::AmountDateCounterparty;

pub(crate) fn propose(ctx: &Ctx, rule: &AmountDateCounterparty) -> Vec<Proposal> {
    let index = Index::build(rows(ctx.ledger_ids(), ctx.l, |i| Some(ctx.l.items[i].minor as u64)));
    let queries: Vec<(u64, u32)> = ctx
        .bank_ids()
        .map(|b| {
            let it = &ctx.b.items[b];
            (normalize::mix(it.acct, it.minor as u64), b as u32)
        })
        .collect();
    let cands = index.join(queries, |&b, run| {
        let bi = &ctx.b.items[b as usize];
        let (from, to) = ledger_days(&rule.window, bi.date);
        index::days(run, from, to).iter().filter_map(move |&(_, day, l)| {
            let cp = bank_ledger_cp(ctx, b as usize, l as usize);
            let base = match cp {
                Cp::Iban => rule.iban_confidence,
                Cp::Name => rule.name_confidence,
                Cp::NamePrefix => rule.name_prefix_confidence,
                Cp::Absent => rule.no_counterparty_confidence?,
                Cp::Differs => return None,
            };
            let d = distance(bi.date, day);
            Some(Cand {
                left: b,
                right: l,
                score: day_score(base.basis_points(), rule.per_day_penalty, d),
                distance: d,
                evidence: Evidence::Counterparty { cp },
            })
        })
    });
    bank_ledger_pairs(ctx, cands, rule.ambiguity)
}
