//! The matching configuration: which passes run, in which order, with which windows, confidences
//! and thresholds. Serde-loadable so a region or a customer differs by configuration, not code;
//! omitted fields take the defaults below.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::confidence::Confidence;

/// Ordered passes plus the two thresholds that sort their proposals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleSet {
    /// At or above: an automatic match.
    pub auto_threshold: Confidence,
    /// At or above (and below `auto_threshold`): a suggestion for a person to confirm. Below: dropped.
    pub suggest_threshold: Confidence,
    /// Run in this order; an item matched by one pass is not offered to the next.
    pub passes: Vec<Pass>,
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet {
            auto_threshold: bp(9000),
            suggest_threshold: bp(5000),
            passes: vec![
                Pass::ExactReference(ExactReference::default()),
                Pass::InvoiceInRemittance(InvoiceInRemittance::default()),
                Pass::AmountDateCounterparty(AmountDateCounterparty::default()),
                Pass::OneToMany(OneToMany::default()),
                Pass::ManyToOne(ManyToOne::default()),
                Pass::Reversal(Reversal::default()),
            ],
        }
    }
}

/// One pass. The `kind` tag selects the algorithm; `name` is what matches and reports show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pass {
    ExactReference(ExactReference),
    AmountDateCounterparty(AmountDateCounterparty),
    InvoiceInRemittance(InvoiceInRemittance),
    OneToMany(OneToMany),
    ManyToOne(ManyToOne),
    Reversal(Reversal),
}

impl Pass {
    pub fn name(&self) -> &str {
        match self {
            Pass::ExactReference(r) => &r.name,
            Pass::AmountDateCounterparty(r) => &r.name,
            Pass::InvoiceInRemittance(r) => &r.name,
            Pass::OneToMany(r) => &r.name,
            Pass::ManyToOne(r) => &r.name,
            Pass::Reversal(r) => &r.name,
        }
    }

    pub fn window(&self) -> &DateWindow {
        match self {
            Pass::ExactReference(r) => &r.window,
            Pass::AmountDateCounterparty(r) => &r.window,
            Pass::InvoiceInRemittance(r) => &r.window,
            Pass::OneToMany(r) => &r.window,
            Pass::ManyToOne(r) => &r.window,
            Pass::Reversal(r) => &r.window,
        }
    }
}

/// Bank booking date relative to the ledger booking date: the bank may book up to `days_before`
/// days earlier and up to `days_after` days later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateWindow {
    pub days_before: u16,
    pub days_after: u16,
}

impl DateWindow {
    pub const fn new(days_before: u16, days_after: u16) -> Self {
        DateWindow {
            days_before,
            days_after,
        }
    }
}

/// How a one-to-one pass treats a candidate with a rival for the same bank line or ledger entry:
/// when the rival scores at least as well, less `margin`, the data cannot tell them apart and the
/// candidate loses `penalty` basis points (usually down to a suggestion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ambiguity {
    pub penalty: u16,
    /// Basis points; 0 = only an exact tie counts.
    pub margin: u16,
}

impl Default for Ambiguity {
    fn default() -> Self {
        Ambiguity {
            penalty: 3000,
            margin: 0,
        }
    }
}

/// The longest window a pass may use; wider ones would make every same-amount line a candidate.
pub const MAX_WINDOW_DAYS: u16 = 400;

/// End-to-end id or payment reference of the bank line equals the ledger reference, same amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExactReference {
    pub name: String,
    pub window: DateWindow,
    /// Confidence for a match booked on the same day.
    pub confidence: Confidence,
    /// Basis points taken off per day between the two booking dates.
    pub per_day_penalty: u16,
    pub ambiguity: Ambiguity,
}

impl Default for ExactReference {
    fn default() -> Self {
        ExactReference {
            name: "exact_reference".into(),
            window: DateWindow::new(5, 30),
            confidence: bp(10_000),
            per_day_penalty: 10,
            ambiguity: Ambiguity::default(),
        }
    }
}

/// Same account and exact amount, booked within the window, with agreeing counterparties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AmountDateCounterparty {
    pub name: String,
    pub window: DateWindow,
    /// Counterparty IBAN equal.
    pub iban_confidence: Confidence,
    /// Normalized counterparty names equal.
    pub name_confidence: Confidence,
    /// One name is the other cut short (banks truncate names to 27–70 characters).
    pub name_prefix_confidence: Confidence,
    /// One side has no counterparty at all; `None` = such pairs are not proposed.
    pub no_counterparty_confidence: Option<Confidence>,
    pub per_day_penalty: u16,
    pub ambiguity: Ambiguity,
}

impl Default for AmountDateCounterparty {
    fn default() -> Self {
        AmountDateCounterparty {
            name: "amount_date_counterparty".into(),
            window: DateWindow::new(5, 5),
            iban_confidence: bp(9700),
            name_confidence: bp(9600),
            name_prefix_confidence: bp(9400),
            no_counterparty_confidence: Some(bp(6000)),
            per_day_penalty: 50,
            // Two same-amount entries of one counterparty a few days apart: a person decides.
            ambiguity: Ambiguity {
                margin: 300,
                ..Ambiguity::default()
            },
        }
    }
}

/// An invoice number found in the bank's remittance text equals one in the ledger reference or
/// description, same amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InvoiceInRemittance {
    pub name: String,
    pub window: DateWindow,
    /// Shortest invoice number (after leading zeros) worth comparing.
    pub min_digits: u8,
    /// Counterparties agree too.
    pub with_counterparty_confidence: Confidence,
    /// One side has no counterparty.
    pub confidence: Confidence,
    /// Counterparties disagree (a parent company or factor paying): invoice number and exact amount
    /// still agree.
    pub counterparty_differs_confidence: Confidence,
    pub per_day_penalty: u16,
    pub ambiguity: Ambiguity,
}

impl Default for InvoiceInRemittance {
    fn default() -> Self {
        InvoiceInRemittance {
            name: "invoice_in_remittance".into(),
            window: DateWindow::new(10, 60),
            min_digits: 4,
            with_counterparty_confidence: bp(9800),
            confidence: bp(9500),
            counterparty_differs_confidence: bp(9100),
            per_day_penalty: 2,
            ambiguity: Ambiguity::default(),
        }
    }
}

/// One bank line equal to the exact sum of several ledger entries: a payment-run debit (ledger
/// entries sharing the bank's batch reference), or one transfer settling several entries whose
/// invoice numbers its remittance names or that belong to its counterparty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OneToMany {
    pub name: String,
    pub window: DateWindow,
    /// All entries carrying the bank line's reference sum to it.
    pub reference_confidence: Confidence,
    /// A unique subset of the entries carrying the reference sums to it.
    pub reference_subset_confidence: Confidence,
    /// The entries whose invoice numbers the bank's remittance names sum to it (all, or a unique
    /// subset).
    pub invoice_confidence: Confidence,
    /// A unique subset of one counterparty's entries sums to it.
    pub counterparty_confidence: Confidence,
    pub min_digits: u8,
    /// Most entries in one subset (payment runs with a shared reference are summed whole, any size).
    pub max_items: u8,
    /// Most candidate entries searched for a subset; more and the pass proposes nothing.
    pub max_candidates: u8,
}

impl Default for OneToMany {
    fn default() -> Self {
        OneToMany {
            name: "one_to_many".into(),
            window: DateWindow::new(2, 5),
            reference_confidence: bp(9800),
            reference_subset_confidence: bp(9200),
            invoice_confidence: bp(9600),
            counterparty_confidence: bp(9300),
            min_digits: 4,
            max_items: 8,
            max_candidates: 24,
        }
    }
}

/// Several bank lines (partial payments) summing exactly to one ledger entry, linked by an invoice
/// number in their remittance or by their counterparty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ManyToOne {
    pub name: String,
    pub window: DateWindow,
    pub min_digits: u8,
    pub invoice_confidence: Confidence,
    pub counterparty_confidence: Confidence,
    pub max_items: u8,
    pub max_candidates: u8,
}

impl Default for ManyToOne {
    fn default() -> Self {
        ManyToOne {
            name: "many_to_one".into(),
            window: DateWindow::new(2, 30),
            min_digits: 4,
            invoice_confidence: bp(9500),
            counterparty_confidence: bp(9100),
            max_items: 6,
            max_candidates: 24,
        }
    }
}

/// A bank line flagged as reversal or return pairs with the original bank line it cancels (opposite
/// amount, booked before it). Runs last by default, so a return the ledger booked is matched to that
/// ledger entry first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Reversal {
    pub name: String,
    /// Original's booking date relative to the reversal's: `days_before` = how long before it.
    pub window: DateWindow,
    /// Same end-to-end id or reference.
    pub reference_confidence: Confidence,
    /// Same counterparty.
    pub counterparty_confidence: Confidence,
    /// Only the amount agrees; `None` = not proposed.
    pub amount_only_confidence: Option<Confidence>,
    pub ambiguity: Ambiguity,
}

impl Default for Reversal {
    fn default() -> Self {
        Reversal {
            name: "reversal".into(),
            window: DateWindow::new(60, 0),
            reference_confidence: bp(9800),
            counterparty_confidence: bp(9300),
            amount_only_confidence: Some(bp(6000)),
            ambiguity: Ambiguity::default(),
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RuleError {
    #[error("suggest_threshold {suggest} is above auto_threshold {auto}")]
    Thresholds { suggest: Confidence, auto: Confidence },
    #[error("pass {index} has an empty name")]
    EmptyName { index: usize },
    #[error("two passes are named {0:?}; names identify a pass in matches and reports")]
    DuplicateName(String),
    #[error("pass {pass:?}: date window wider than {MAX_WINDOW_DAYS} days")]
    WindowTooWide { pass: String },
    #[error("pass {pass:?}: {field} must be between {min} and {max}")]
    OutOfRange {
        pass: String,
        field: &'static str,
        min: u32,
        max: u32,
    },
}

impl RuleSet {
    /// Checks what serde cannot: threshold order, unique names, bounded windows and search sizes.
    pub fn validate(&self) -> Result<(), RuleError> {
        if self.suggest_threshold > self.auto_threshold {
            return Err(RuleError::Thresholds {
                suggest: self.suggest_threshold,
                auto: self.auto_threshold,
            });
        }
        let mut names: Vec<&str> = Vec::new();
        for (index, pass) in self.passes.iter().enumerate() {
            let name = pass.name();
            if name.trim().is_empty() {
                return Err(RuleError::EmptyName { index });
            }
            if names.contains(&name) {
                return Err(RuleError::DuplicateName(name.into()));
            }
            names.push(name);
            let w = pass.window();
            if w.days_before > MAX_WINDOW_DAYS || w.days_after > MAX_WINDOW_DAYS {
                return Err(RuleError::WindowTooWide { pass: name.into() });
            }
            let range = |field, value: u8, min: u32, max: u32| {
                if (min..=max).contains(&u32::from(value)) {
                    Ok(())
                } else {
                    Err(RuleError::OutOfRange {
                        pass: name.into(),
                        field,
                        min,
                        max,
                    })
                }
            };
            match pass {
                Pass::InvoiceInRemittance(r) => range("min_digits", r.min_digits, 1, 16)?,
                Pass::OneToMany(r) => {
                    range("min_digits", r.min_digits, 1, 16)?;
                    range("max_items", r.max_items, 2, 12)?;
                    range("max_candidates", r.max_candidates, 2, 40)?;
                }
                Pass::ManyToOne(r) => {
                    range("min_digits", r.min_digits, 1, 16)?;
                    range("max_items", r.max_items, 2, 12)?;
                    range("max_candidates", r.max_candidates, 2, 40)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// For the literal defaults above, all within range.
const fn bp(v: u16) -> Confidence {
    match Confidence::new(v) {
        Some(c) => c,
        None => Confidence::MAX,
    }
}
