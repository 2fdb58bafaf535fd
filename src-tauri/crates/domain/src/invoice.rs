//! Supplier invoices and their lifecycle.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{DomainError, Money, Provenance};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Captured,
    PendingApproval,
    OnHold,
    Approved,
    Rejected,
    Posted,
    PostingFailed,
    Paid,
    Cancelled,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 9] = [
        InvoiceStatus::Captured,
        InvoiceStatus::PendingApproval,
        InvoiceStatus::OnHold,
        InvoiceStatus::Approved,
        InvoiceStatus::Rejected,
        InvoiceStatus::Posted,
        InvoiceStatus::PostingFailed,
        InvoiceStatus::Paid,
        InvoiceStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Captured => "captured",
            InvoiceStatus::PendingApproval => "pending_approval",
            InvoiceStatus::OnHold => "on_hold",
            InvoiceStatus::Approved => "approved",
            InvoiceStatus::Rejected => "rejected",
            InvoiceStatus::Posted => "posted",
            InvoiceStatus::PostingFailed => "posting_failed",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        InvoiceStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| DomainError::Invalid {
                field: "invoice status",
                reason: format!("unknown value {s:?}"),
            })
    }

    /// The lifecycle an invoice may follow. A rejected invoice can be corrected and resubmitted;
    /// paid and cancelled are final.
    pub fn can_become(self, next: InvoiceStatus) -> bool {
        use InvoiceStatus::*;
        matches!(
            (self, next),
            (Captured, PendingApproval)
                | (Captured, Cancelled)
                | (PendingApproval, Approved)
                | (PendingApproval, Rejected)
                | (PendingApproval, OnHold)
                | (OnHold, PendingApproval)
                | (OnHold, Cancelled)
                | (Rejected, PendingApproval)
                | (Rejected, Cancelled)
                | (Approved, Posted)
                | (Approved, PostingFailed)
                | (PostingFailed, Posted)
                | (PostingFailed, Cancelled)
                | (Posted, Paid)
        )
    }

    pub fn transition(self, next: InvoiceStatus) -> Result<InvoiceStatus, DomainError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(DomainError::IllegalTransition {
                object: "invoice",
                from: self.as_str().into(),
                to: next.as_str().into(),
            })
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub line_no: i64,
    pub description: String,
    pub quantity: Decimal,
    pub unit_price: Money,
    pub amount: Money,
    pub gl_account: String,
    pub cost_center: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    pub provenance: Provenance,
    pub entity_code: String,
    pub supplier_external_id: String,
    pub number: String,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total: Money,
    pub status: InvoiceStatus,
    pub po_number: Option<String>,
    /// Who captured or last changed the invoice: segregation of duties keys on it.
    pub created_by: Option<String>,
    pub coded_by: Option<String>,
    pub lines: Vec<InvoiceLine>,
}

impl Invoice {
    /// The lines must add up to the total, in the invoice's currency.
    pub fn check_lines(&self) -> Result<(), DomainError> {
        if self.lines.is_empty() {
            return Ok(());
        }
        let sum = Money::sum(self.total.currency(), self.lines.iter().map(|l| &l.amount))?;
        if sum != self.total {
            return Err(DomainError::Invalid {
                field: "invoice lines",
                reason: format!("lines add up to {sum}, the total is {}", self.total),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InvoiceStatus::*;

    #[test]
    fn every_transition_is_legal_or_illegal_as_designed() {
        let legal = [
            (Captured, PendingApproval),
            (Captured, Cancelled),
            (PendingApproval, Approved),
            (PendingApproval, Rejected),
            (PendingApproval, OnHold),
            (OnHold, PendingApproval),
            (OnHold, Cancelled),
            (Rejected, PendingApproval),
            (Rejected, Cancelled),
            (Approved, Posted),
            (Approved, PostingFailed),
            (PostingFailed, Posted),
            (PostingFailed, Cancelled),
            (Posted, Paid),
        ];
        for from in InvoiceStatus::ALL {
            for to in InvoiceStatus::ALL {
                let expected = legal.contains(&(from, to));
                assert_eq!(from.can_become(to), expected, "{from:?} -> {to:?}");
                assert_eq!(from.transition(to).is_ok(), expected, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for st in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::parse(st.as_str()).unwrap(), st);
        }
        assert!(InvoiceStatus::parse("approved ").is_err());
    }
}
