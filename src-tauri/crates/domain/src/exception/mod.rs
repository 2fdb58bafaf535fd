//! Exceptions: what the rules raise from the mirror, who owns them, and how a fresh derivation
//! turns into changes of the stored queue (raise, update, resolve) — a pure diff, so the store
//! only applies what this module decided.

pub mod policy;
pub mod rules;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::user::Role;
use crate::Money;

pub use policy::ExceptionPolicy;

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PriceVariance,
    QuantityVariance,
    MissingReceipt,
    MissingPo,
    CurrencyMismatch,
    SuspectedDuplicate,
    SupplierOnHold,
    BankDetailsChanged,
    PostingFailed,
    BankRejection,
    PaymentUnconfirmed,
    ApprovalOverdue,
    StateMismatch,
    IntercompanyMismatch,
    CloseTaskLate,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::PriceVariance,
        Kind::QuantityVariance,
        Kind::MissingReceipt,
        Kind::MissingPo,
        Kind::CurrencyMismatch,
        Kind::SuspectedDuplicate,
        Kind::SupplierOnHold,
        Kind::BankDetailsChanged,
        Kind::PostingFailed,
        Kind::BankRejection,
        Kind::PaymentUnconfirmed,
        Kind::ApprovalOverdue,
        Kind::StateMismatch,
        Kind::IntercompanyMismatch,
        Kind::CloseTaskLate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PriceVariance => "price_variance",
            Kind::QuantityVariance => "quantity_variance",
            Kind::MissingReceipt => "missing_receipt",
            Kind::MissingPo => "missing_po",
            Kind::CurrencyMismatch => "currency_mismatch",
            Kind::SuspectedDuplicate => "suspected_duplicate",
            Kind::SupplierOnHold => "supplier_on_hold",
            Kind::BankDetailsChanged => "bank_details_changed",
            Kind::PostingFailed => "posting_failed",
            Kind::BankRejection => "bank_rejection",
            Kind::PaymentUnconfirmed => "payment_unconfirmed",
            Kind::ApprovalOverdue => "approval_overdue",
            Kind::StateMismatch => "state_mismatch",
            Kind::IntercompanyMismatch => "intercompany_mismatch",
            Kind::CloseTaskLate => "close_task_late",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::PriceVariance => "Price variance",
            Kind::QuantityVariance => "Quantity variance",
            Kind::MissingReceipt => "Missing goods receipt",
            Kind::MissingPo => "Missing purchase order",
            Kind::CurrencyMismatch => "Currency differs from PO",
            Kind::SuspectedDuplicate => "Suspected duplicate",
            Kind::SupplierOnHold => "Supplier on hold",
            Kind::BankDetailsChanged => "Bank details changed before payment",
            Kind::PostingFailed => "ERP posting failed",
            Kind::BankRejection => "Bank rejection",
            Kind::PaymentUnconfirmed => "Payment not confirmed",
            Kind::ApprovalOverdue => "Approval overdue",
            Kind::StateMismatch => "AP / ERP / treasury mismatch",
            Kind::IntercompanyMismatch => "Intercompany mismatch",
            Kind::CloseTaskLate => "Close task late or blocked",
        }
    }

    /// The queue that owns the kind: the people whose work resolves it.
    pub fn queue(self) -> Role {
        match self {
            Kind::BankDetailsChanged | Kind::PaymentUnconfirmed => Role::TreasuryAnalyst,
            Kind::ApprovalOverdue => Role::Approver,
            Kind::IntercompanyMismatch | Kind::CloseTaskLate => Role::Controller,
            _ => Role::ApClerk,
        }
    }

    /// What a person can do about it; each goes to the source through the outbox, except the
    /// override, which is the tower's own decision and is logged with its reason.
    pub fn actions(self) -> &'static [ActionKind] {
        use ActionKind::*;
        match self {
            Kind::PriceVariance | Kind::QuantityVariance => &[AcceptVariance, RequestCreditNote, Override],
            Kind::MissingReceipt | Kind::MissingPo | Kind::CurrencyMismatch => &[RequestCreditNote, Override],
            Kind::SuspectedDuplicate => &[PlaceHold, NotDuplicate],
            Kind::SupplierOnHold => &[ReleaseHold, Override],
            Kind::BankDetailsChanged => &[PlaceHold, Override],
            Kind::PostingFailed => &[ResubmitPosting, Override],
            Kind::BankRejection => &[CorrectAndResend, Override],
            _ => &[Override],
        }
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    AcceptVariance,
    RequestCreditNote,
    PlaceHold,
    ReleaseHold,
    ResubmitPosting,
    CorrectAndResend,
    NotDuplicate,
    Override,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::AcceptVariance => "accept_variance",
            ActionKind::RequestCreditNote => "request_credit_note",
            ActionKind::PlaceHold => "place_hold",
            ActionKind::ReleaseHold => "release_hold",
            ActionKind::ResubmitPosting => "resubmit_posting",
            ActionKind::CorrectAndResend => "correct_and_resend",
            ActionKind::NotDuplicate => "not_duplicate",
            ActionKind::Override => "override",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        [
            ActionKind::AcceptVariance,
            ActionKind::RequestCreditNote,
            ActionKind::PlaceHold,
            ActionKind::ReleaseHold,
            ActionKind::ResubmitPosting,
            ActionKind::CorrectAndResend,
            ActionKind::NotDuplicate,
            ActionKind::Override,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }

    /// Actions that set the tower's own finding aside need a reason in the log.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            ActionKind::NotDuplicate | ActionKind::Override | ActionKind::PlaceHold | ActionKind::RequestCreditNote
        )
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn rank(self) -> i64 {
        match self {
            Severity::Low => 1,
            Severity::Medium => 2,
            Severity::High => 3,
        }
    }

    pub fn from_rank(rank: i64) -> Severity {
        match rank {
            i64::MIN..=1 => Severity::Low,
            2 => Severity::Medium,
            _ => Severity::High,
        }
    }
}

/// The record an action is sent to: which connection, which resource, which id.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub connection_id: String,
    pub resource: String,
    pub external_id: String,
}

/// Evidence as a side-by-side table: one column per record (PO, receipt, invoice; both suspected
/// duplicates; the instruction and the bank's answer), one row per compared field.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub columns: Vec<String>,
    pub rows: Vec<EvidenceRow>,
    pub notes: Vec<String>,
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRow {
    pub label: String,
    pub values: Vec<String>,
    /// The values disagree: the screen highlights the row.
    pub differs: bool,
}

impl Evidence {
    pub fn new(columns: &[&str]) -> Evidence {
        Evidence {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ..Evidence::default()
        }
    }

    /// Adds a row; it differs when its non-empty values are not all equal.
    pub fn row(mut self, label: &str, values: &[String]) -> Evidence {
        let filled: Vec<&String> = values.iter().filter(|v| !v.is_empty() && *v != "—").collect();
        let differs = filled.windows(2).any(|w| w[0] != w[1]);
        self.rows.push(EvidenceRow {
            label: label.into(),
            values: values.to_vec(),
            differs,
        });
        self
    }

    /// Adds a row whose difference the rule decided (e.g. within tolerance is not a difference).
    pub fn row_marked(mut self, label: &str, values: &[String], differs: bool) -> Evidence {
        self.rows.push(EvidenceRow {
            label: label.into(),
            values: values.to_vec(),
            differs,
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Evidence {
        self.notes.push(note.into());
        self
    }
}

/// One exception as the rules see it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Raised {
    /// Stable across derivations: kind plus the records it is about.
    pub id: String,
    pub kind: Kind,
    pub entity: String,
    pub severity: Severity,
    pub amount: Option<Money>,
    /// When the condition started at the source (posting error time, rejection time, …).
    pub since: DateTime<Utc>,
    pub summary: String,
    pub evidence: Evidence,
    /// The AP invoice it concerns, for the invoice trace.
    pub invoice: Option<String>,
    pub supplier: Option<String>,
    /// Where the resolving actions go.
    pub subject: Option<Subject>,
    /// The mirror records it was derived from (see [`anchor`]): a change to any of them makes
    /// an incremental derivation look at it again.
    #[serde(default)]
    pub anchors: Vec<String>,
}

/// The key of one mirror record, as exceptions name the records they were derived from.
pub fn anchor(connection_id: &str, resource: &str, external_id: &str) -> String {
    format!("{connection_id}/{resource}/{external_id}")
}

impl Raised {
    /// Due time for the owner: the condition's start plus the kind's SLA.
    pub fn sla_due(&self, policy: &ExceptionPolicy) -> DateTime<Utc> {
        self.since + Duration::hours(policy.sla_hours(self.kind))
    }

    /// What an update compares: a changed amount, severity or evidence is worth a history line.
    pub fn fingerprint(&self) -> String {
        let text =
            serde_json::to_string(&(&self.severity, &self.amount, &self.summary, &self.evidence)).unwrap_or_default();
        crate::checksum::sha256_hex(text.as_bytes())
    }
}

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    /// A person set it aside with a reason (not a duplicate, manual override).
    Overridden,
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Overridden => "overridden",
            Status::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Open, Status::Overridden, Status::Resolved]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// What the store holds of an exception, as far as the diff needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: String,
    pub status: Status,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Raise(Raised),
    /// Still there, but its amount, severity or evidence moved.
    Update(Raised),
    /// The condition cleared at the source.
    Resolve(String),
    /// Resolved earlier, back again.
    Reopen(Raised),
}

/// The pure diff: derived now vs stored. `in_scope` says which stored ids this derivation
/// covered (an incremental run only re-derives some subjects and must not resolve the rest).
pub fn plan(stored: &[Stored], derived: Vec<Raised>, in_scope: impl Fn(&str) -> bool) -> Vec<Change> {
    let by_id: HashMap<&str, &Stored> = stored.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut seen = std::collections::HashSet::with_capacity(derived.len());
    let mut changes = Vec::new();
    for r in derived {
        if !seen.insert(r.id.clone()) {
            continue;
        }
        match by_id.get(r.id.as_str()) {
            None => changes.push(Change::Raise(r)),
            Some(s) if s.status == Status::Resolved => changes.push(Change::Reopen(r)),
            // An overridden exception stays set aside while its condition lasts.
            Some(s) if s.status == Status::Overridden => {}
            Some(s) if s.fingerprint != r.fingerprint() => changes.push(Change::Update(r)),
            Some(_) => {}
        }
    }
    for s in stored {
        if s.status != Status::Resolved && in_scope(&s.id) && !seen.contains(&s.id) {
            changes.push(Change::Resolve(s.id.clone()));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raised(id: &str, summary: &str) -> Raised {
        Raised {
            id: id.into(),
            kind: Kind::PostingFailed,
            entity: "DE01".into(),
            severity: Severity::High,
            amount: Some(Money::parse("10.00", "EUR").unwrap()),
            since: DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z").unwrap().into(),
            summary: summary.into(),
            evidence: Evidence::default(),
            invoice: None,
            supplier: None,
            subject: None,
            anchors: Vec::new(),
        }
    }

    fn stored(r: &Raised, status: Status) -> Stored {
        Stored {
            id: r.id.clone(),
            status,
            fingerprint: r.fingerprint(),
        }
    }

    #[test]
    fn plan_raises_updates_resolves_and_reopens() {
        let kept = raised("a", "same");
        let moved = raised("b", "before");
        let gone = raised("c", "cleared");
        let back = raised("d", "back");
        let aside = raised("e", "overridden");
        let store = vec![
            stored(&kept, Status::Open),
            stored(&moved, Status::Open),
            stored(&gone, Status::Open),
            stored(&back, Status::Resolved),
            stored(&aside, Status::Overridden),
        ];
        let fresh = raised("f", "new");
        let derived = vec![kept, raised("b", "after"), back.clone(), aside, fresh.clone()];
        let changes = plan(&store, derived, |_| true);
        assert_eq!(
            changes,
            vec![
                Change::Update(raised("b", "after")),
                Change::Reopen(back),
                Change::Raise(fresh),
                Change::Resolve("c".into()),
            ]
        );
    }

    #[test]
    fn out_of_scope_exceptions_are_left_alone() {
        let a = raised("a", "x");
        let changes = plan(&[stored(&a, Status::Open)], vec![], |id| id != "a");
        assert!(changes.is_empty());
        let changes = plan(&[stored(&a, Status::Overridden)], vec![], |_| true);
        assert_eq!(changes, vec![Change::Resolve("a".into())]);
    }

    #[test]
    fn evidence_rows_mark_differences() {
        let e = Evidence::new(&["PO", "Invoice"])
            .row("Unit price", &["10.00".into(), "10.50".into()])
            .row("Quantity", &["5".into(), "5".into()])
            .row("Receipt", &["—".into(), "3".into()]);
        assert!(e.rows[0].differs);
        assert!(!e.rows[1].differs);
        assert!(!e.rows[2].differs);
    }
}
