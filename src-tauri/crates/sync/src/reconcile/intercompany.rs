//! Intercompany: the ledger cash entries one legal entity booked with another as counterparty,
//! paired per entity pair and per document (the reference both sides quote). What A booked with B
//! and what B booked with A must cancel: A's money in is B's money out. Amounts are compared in the
//! transaction currency, and across currencies at the period's rate into the group currency
//! (exact decimals, rounded once to the group currency's minor unit).

use std::collections::{BTreeMap, HashMap};

use domain::{Currency, Money};
use rust_decimal::Decimal;
use serde::Serialize;
use store::{bank_accounts, entities, fx_rates, ledger_entries, Store};

use super::{Period, ReconError};

/// The currency pairs are compared in when their documents' currencies differ.
pub const GROUP_CURRENCY: &str = "EUR";

/// One side of a document: the entries an entity booked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IcSide {
    pub entries: Vec<String>,
    /// Signed as the entity booked it (money in positive); `None` when its entries mix currencies.
    pub amount: Option<Money>,
    /// Converted at the period rate; `None` when a rate is missing.
    pub group_amount: Option<Money>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IcIssue {
    /// Only B booked it.
    MissingAtA,
    /// Only A booked it.
    MissingAtB,
    /// Same currency, amounts do not cancel.
    AmountDiffers,
    /// Different currencies whose amounts do not cancel at the period rate.
    CurrencyDiffers,
}

/// A document the two entities do not agree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IcDocument {
    /// The reference as booked (the first side's spelling).
    pub reference: String,
    pub issue: IcIssue,
    pub a: IcSide,
    pub b: IcSide,
    /// a + b in the transaction currency, when both sides share one.
    pub difference: Option<Money>,
    /// a + b in the group currency, when the rates are known.
    pub group_difference: Option<Money>,
}

/// Per transaction currency: what each side booked with the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IcTotal {
    pub currency: String,
    pub a: Money,
    pub b: Money,
    pub difference: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IcPair {
    /// The entity codes, A before B.
    pub entity_a: String,
    pub entity_b: String,
    pub totals: Vec<IcTotal>,
    /// A's and B's bookings with each other in the group currency, and their sum (zero when they agree).
    pub group_a: Option<Money>,
    pub group_b: Option<Money>,
    pub group_difference: Option<Money>,
    pub documents: usize,
    pub documents_agreeing: usize,
    pub mismatches: Vec<IcDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Intercompany {
    pub period: Period,
    pub group_currency: String,
    pub pairs: Vec<IcPair>,
    /// Currencies without a rate for the period: their amounts are not converted.
    pub missing_rates: Vec<String>,
}

/// An intercompany entry: who booked it, with whom, for which document.
struct Booked {
    entity: String,
    other: String,
    id: String,
    reference: String,
    amount: Money,
}

#[tracing::instrument(name = "recon.intercompany", skip_all, fields(period = %period))]
pub async fn intercompany(store: &Store, period: Period) -> Result<Intercompany, ReconError> {
    let group = Currency::new(GROUP_CURRENCY)?;
    let rates = fx_rates::for_period(store.reader(), &period.to_string(), group).await?;
    let owners: HashMap<String, String> = bank_accounts::list(store.reader())
        .await?
        .into_iter()
        .filter_map(|a| a.entity_code.map(|e| (a.iban, e)))
        .collect();
    // Counterparties are recognised by the entity's normalized name or its code.
    let mut names: HashMap<String, String> = HashMap::new();
    for e in entities::list(store).await? {
        names.insert(recon::normalize::name(&e.name), e.code.clone());
        names.insert(e.code.to_uppercase(), e.code);
    }
    for code in owners.values() {
        names.insert(code.to_uppercase(), code.clone());
    }
    let entries = ledger_entries::between(store.reader(), None, period.first_day(), period.last_day()).await?;
    let booked: Vec<Booked> = entries
        .into_iter()
        .filter_map(|e| {
            let entity = owners.get(&e.account_iban)?.clone();
            let other = names
                .get(&recon::normalize::name(&e.counterparty))
                .or_else(|| names.get(&e.counterparty.trim().to_uppercase()))?
                .clone();
            (other != entity).then(|| Booked {
                entity,
                other,
                reference: e.reference.clone(),
                id: e.id,
                amount: e.amount,
            })
        })
        .collect();

    let mut missing_rates: Vec<String> = Vec::new();
    let mut convert = |m: &Money| -> Option<Money> {
        let c = m.currency();
        let rate = if c == group {
            Some(Decimal::ONE)
        } else {
            rates.get(&c).copied()
        };
        match rate {
            Some(r) => m.amount().checked_mul(r).map(|a| Money::new(a, group).round()),
            None => {
                if !missing_rates.contains(&c.to_string()) {
                    missing_rates.push(c.to_string());
                }
                None
            }
        }
    };

    // (A, B) → document key → (A's entries, B's entries)
    type Docs<'a> = BTreeMap<String, (String, Vec<&'a Booked>, Vec<&'a Booked>)>;
    let mut pairs: BTreeMap<(String, String), Docs> = BTreeMap::new();
    for b in &booked {
        let (a_side, pair) = if b.entity < b.other {
            (true, (b.entity.clone(), b.other.clone()))
        } else {
            (false, (b.other.clone(), b.entity.clone()))
        };
        // A document without a reference cannot be paired: it stands alone, as a mismatch.
        let key = recon::normalize::reference(&b.reference).unwrap_or_else(|| format!("(no reference) {}", b.id));
        let doc = pairs
            .entry(pair)
            .or_default()
            .entry(key)
            .or_insert_with(|| (b.reference.clone(), Vec::new(), Vec::new()));
        if a_side {
            doc.1.push(b);
        } else {
            doc.2.push(b);
        }
    }

    let mut out = Vec::with_capacity(pairs.len());
    for ((entity_a, entity_b), docs) in pairs {
        let mut totals: BTreeMap<Currency, (Money, Money)> = BTreeMap::new();
        let (mut group_a, mut group_b) = (Some(Money::zero(group)), Some(Money::zero(group)));
        let mut mismatches = Vec::new();
        let documents = docs.len();
        for (reference, a, b) in docs.into_values() {
            let side = |entries: &[&Booked], convert: &mut dyn FnMut(&Money) -> Option<Money>| -> IcSide {
                let amount = sum(entries.iter().map(|e| &e.amount));
                let mut group_amount = Some(Money::zero(group));
                for e in entries {
                    group_amount = match (group_amount, convert(&e.amount)) {
                        (Some(acc), Some(g)) => acc.checked_add(&g).ok(),
                        _ => None,
                    };
                }
                IcSide {
                    entries: entries.iter().map(|e| e.id.clone()).collect(),
                    amount,
                    group_amount,
                }
            };
            for e in &a {
                let t = totals
                    .entry(e.amount.currency())
                    .or_insert_with(|| (Money::zero(e.amount.currency()), Money::zero(e.amount.currency())));
                t.0 = t.0.checked_add(&e.amount)?;
            }
            for e in &b {
                let t = totals
                    .entry(e.amount.currency())
                    .or_insert_with(|| (Money::zero(e.amount.currency()), Money::zero(e.amount.currency())));
                t.1 = t.1.checked_add(&e.amount)?;
            }
            let (a, b) = (side(&a, &mut convert), side(&b, &mut convert));
            group_a = add_opt(group_a, a.group_amount);
            group_b = add_opt(group_b, b.group_amount);
            let difference = match (a.amount, b.amount) {
                (Some(x), Some(y)) => x.checked_add(&y).ok(),
                _ => None,
            };
            let group_difference = add_opt(a.group_amount, b.group_amount);
            let issue = if a.entries.is_empty() {
                Some(IcIssue::MissingAtA)
            } else if b.entries.is_empty() {
                Some(IcIssue::MissingAtB)
            } else if let Some(d) = difference {
                (!d.amount().is_zero()).then_some(IcIssue::AmountDiffers)
            } else {
                // Different currencies: they agree when they cancel at the period rate.
                group_difference
                    .is_none_or(|d| !d.amount().is_zero())
                    .then_some(IcIssue::CurrencyDiffers)
            };
            if let Some(issue) = issue {
                mismatches.push(IcDocument {
                    reference,
                    issue,
                    a,
                    b,
                    difference,
                    group_difference,
                });
            }
        }
        let totals = totals
            .into_iter()
            .map(|(c, (a, b))| {
                Ok(IcTotal {
                    currency: c.to_string(),
                    difference: a.checked_add(&b)?,
                    a,
                    b,
                })
            })
            .collect::<Result<Vec<_>, ReconError>>()?;
        out.push(IcPair {
            entity_a,
            entity_b,
            totals,
            group_difference: add_opt(group_a, group_b),
            group_a,
            group_b,
            documents_agreeing: documents - mismatches.len(),
            documents,
            mismatches,
        });
    }
    missing_rates.sort();
    Ok(Intercompany {
        period,
        group_currency: group.to_string(),
        pairs: out,
        missing_rates,
    })
}

/// The sum of amounts in one currency; `None` for none or mixed currencies.
fn sum<'a>(mut amounts: impl Iterator<Item = &'a Money>) -> Option<Money> {
    let first = *amounts.next()?;
    amounts.try_fold(first, |acc, m| acc.checked_add(m).ok())
}

fn add_opt(a: Option<Money>, b: Option<Money>) -> Option<Money> {
    a?.checked_add(&b?).ok()
}
