//! Approval steps, their lifecycle and who may decide them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{DomainError, Invoice, Provenance};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// An earlier step is not decided yet.
    Waiting,
    Pending,
    Approved,
    Rejected,
    Delegated,
    Cancelled,
}

impl ApprovalStatus {
    pub const ALL: [ApprovalStatus; 6] = [
        ApprovalStatus::Waiting,
        ApprovalStatus::Pending,
        ApprovalStatus::Approved,
        ApprovalStatus::Rejected,
        ApprovalStatus::Delegated,
        ApprovalStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::Waiting => "waiting",
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::Rejected => "rejected",
            ApprovalStatus::Delegated => "delegated",
            ApprovalStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        ApprovalStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| DomainError::Invalid {
                field: "approval status",
                reason: format!("unknown value {s:?}"),
            })
    }

    pub fn can_become(self, next: ApprovalStatus) -> bool {
        use ApprovalStatus::*;
        matches!(
            (self, next),
            (Waiting, Pending)
                | (Waiting, Cancelled)
                | (Pending, Approved)
                | (Pending, Rejected)
                | (Pending, Delegated)
                | (Pending, Cancelled)
        )
    }

    pub fn transition(self, next: ApprovalStatus) -> Result<ApprovalStatus, DomainError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(DomainError::IllegalTransition {
                object: "approval",
                from: self.as_str().into(),
                to: next.as_str().into(),
            })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "approve" => Ok(Decision::Approve),
            "reject" => Ok(Decision::Reject),
            other => Err(DomainError::Invalid {
                field: "decision",
                reason: format!("unknown value {other:?}"),
            }),
        }
    }

    pub fn resulting_status(self) -> ApprovalStatus {
        match self {
            Decision::Approve => ApprovalStatus::Approved,
            Decision::Reject => ApprovalStatus::Rejected,
        }
    }
}

/// One step of an invoice's approval chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub provenance: Provenance,
    pub invoice_external_id: String,
    pub step: i64,
    pub step_count: i64,
    pub step_name: String,
    pub approver_id: String,
    pub status: ApprovalStatus,
    pub assigned_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub comment: Option<String>,
}

/// Why a person may not decide an approval step. Enforced in the backend, whatever the UI shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRefusal {
    #[error("this step is assigned to {assigned_to}, not to you")]
    NotTheApprover { assigned_to: String },
    #[error("this step is {0}, only pending steps can be decided")]
    NotPending(&'static str),
    #[error("segregation of duties: you {0} this invoice, so someone else must approve it")]
    OwnWork(&'static str),
    #[error("a rejection needs a reason")]
    ReasonRequired,
}

/// Segregation of duties: whoever created or coded an invoice may not approve it.
pub fn own_work(user_id: &str, created_by: Option<&str>, coded_by: Option<&str>) -> Option<DecisionRefusal> {
    if created_by == Some(user_id) {
        Some(DecisionRefusal::OwnWork("created"))
    } else if coded_by == Some(user_id) {
        Some(DecisionRefusal::OwnWork("coded"))
    } else {
        None
    }
}

/// Checks that `user_id` may take `decision` on `approval` of `invoice`: the step is theirs and
/// pending, and they did not create or code the invoice (segregation of duties).
pub fn authorize_decision(
    user_id: &str,
    approval: &Approval,
    invoice: &Invoice,
    decision: Decision,
    reason: Option<&str>,
) -> Result<(), DecisionRefusal> {
    if approval.status != ApprovalStatus::Pending {
        return Err(DecisionRefusal::NotPending(approval.status.as_str()));
    }
    if let Some(refusal) = own_work(user_id, invoice.created_by.as_deref(), invoice.coded_by.as_deref()) {
        return Err(refusal);
    }
    if approval.approver_id != user_id {
        return Err(DecisionRefusal::NotTheApprover {
            assigned_to: approval.approver_id.clone(),
        });
    }
    if decision == Decision::Reject && reason.map(str::trim).unwrap_or("").is_empty() {
        return Err(DecisionRefusal::ReasonRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InvoiceStatus, Money};
    use ApprovalStatus::*;

    #[test]
    fn every_transition_is_legal_or_illegal_as_designed() {
        let legal = [
            (Waiting, Pending),
            (Waiting, Cancelled),
            (Pending, Approved),
            (Pending, Rejected),
            (Pending, Delegated),
            (Pending, Cancelled),
        ];
        for from in ApprovalStatus::ALL {
            for to in ApprovalStatus::ALL {
                let expected = legal.contains(&(from, to));
                assert_eq!(from.can_become(to), expected, "{from:?} -> {to:?}");
                assert_eq!(from.transition(to).is_ok(), expected, "{from:?} -> {to:?}");
            }
        }
    }

    fn fixture() -> (Approval, Invoice) {
        let p = |id: &str| Provenance {
            connection_id: "ap".into(),
            external_id: id.into(),
            source_version: 1,
            source_updated_at: Utc::now(),
            fetched_at: Utc::now(),
        };
        let invoice = Invoice {
            provenance: p("INV-1"),
            entity_code: "DE01".into(),
            supplier_external_id: "S1".into(),
            number: "A-100".into(),
            invoice_date: "2026-11-02".parse().unwrap(),
            due_date: "2026-12-02".parse().unwrap(),
            total: Money::parse("100.00", "EUR").unwrap(),
            status: InvoiceStatus::PendingApproval,
            po_number: None,
            created_by: Some("clerk".into()),
            coded_by: Some("coder".into()),
            lines: vec![],
        };
        let approval = Approval {
            provenance: p("APR-1"),
            invoice_external_id: "INV-1".into(),
            step: 1,
            step_count: 2,
            step_name: "Budget owner".into(),
            approver_id: "boss".into(),
            status: Pending,
            assigned_at: Utc::now(),
            decided_at: None,
            decided_by: None,
            comment: None,
        };
        (approval, invoice)
    }

    #[test]
    fn who_may_decide() {
        let (approval, invoice) = fixture();
        assert_eq!(
            authorize_decision("boss", &approval, &invoice, Decision::Approve, None),
            Ok(())
        );
        assert_eq!(
            authorize_decision("boss", &approval, &invoice, Decision::Reject, Some("wrong price")),
            Ok(())
        );
        assert_eq!(
            authorize_decision("boss", &approval, &invoice, Decision::Reject, Some("  ")),
            Err(DecisionRefusal::ReasonRequired)
        );
        assert!(matches!(
            authorize_decision("someone", &approval, &invoice, Decision::Approve, None),
            Err(DecisionRefusal::NotTheApprover { .. })
        ));
        // Even when the step is assigned to them, creators and coders may not approve.
        let mut own = approval.clone();
        own.approver_id = "clerk".into();
        assert_eq!(
            authorize_decision("clerk", &own, &invoice, Decision::Approve, None),
            Err(DecisionRefusal::OwnWork("created"))
        );
        own.approver_id = "coder".into();
        assert_eq!(
            authorize_decision("coder", &own, &invoice, Decision::Approve, None),
            Err(DecisionRefusal::OwnWork("coded"))
        );
        let mut done = approval.clone();
        done.status = Approved;
        assert_eq!(
            authorize_decision("boss", &done, &invoice, Decision::Approve, None),
            Err(DecisionRefusal::NotPending("approved"))
        );
    }
}
