//! The approver's queue and its aging summary: the queries behind the Approvals screen.
//!
//! Ages are business days on each entity's calendar: `today_ordinal - assigned_ordinal`, both
//! maintained in Rust from `domain::BusinessCalendar`, so SQL only subtracts integers.
//!
//! A page walks `approval_queue_keys` (the pending steps with their invoice's and supplier's sort
//! keys, kept by triggers; see its migration) in the order asked for, one index walk per approver
//! and entity that stops after a page, merges the walks (with the few decided steps whose last
//! action was refused) and only then reads what the screen shows of the page's rows. Within an
//! entity a step's age only depends on its assigned ordinal, so every sort, age included, is an
//! index order there. A search reads the steps of the suppliers whose names match (or every step,
//! when an invoice number may match too) from one covering index and sorts those. Totals and the
//! aging summary add up `approval_queue_counts`. While a first pull has the keys suspended, the
//! queue reads the mirror's tables as it did before the keys, with the same rows, order and cursor.

use domain::{AgingBucket, Money};
use serde::{Deserialize, Serialize};

use crate::{Result, StoreError};

// Expands a query macro once per direction of the sort, appending the cursor's comparison and
// the ORDER BY direction to its arguments: checked queries need their whole text as literals.
macro_rules! either_way {
    ($descending:expr, $query:ident!($($body:tt)*)) => {
        if $descending {
            $query!($($body)*; "<", "DESC")
        } else {
            $query!($($body)*; ">", "ASC")
        }
    };
}

mod keys;
mod legacy;
mod page;
mod rows;
mod search;
mod summary;
mod walk;

pub use keys::{rebuild_if_suspended, suspend, suspend_for_first_pull};
pub use page::page;
pub use summary::{aging_summary, BucketCell, EntityAging};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    DueDate,
    Amount,
    Age,
    Supplier,
    InvoiceNumber,
}

impl SortKey {
    fn as_str(self) -> &'static str {
        match self {
            SortKey::DueDate => "due_date",
            SortKey::Amount => "amount",
            SortKey::Age => "age",
            SortKey::Supplier => "supplier",
            SortKey::InvoiceNumber => "invoice_number",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub entity: Option<String>,
    pub bucket: Option<AgingBucket>,
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRequest {
    /// The signed-in approver first, then anyone they stand in for today (delegation).
    pub approvers: Vec<String>,
    pub filter: QueueFilter,
    pub sort: SortKey,
    pub descending: bool,
    /// The opaque cursor of the previous page's last row.
    pub after: Option<String>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingActionView {
    pub action_id: String,
    pub decision: String,
    pub status: String,
    pub reason: Option<String>,
    pub source_message: Option<String>,
    pub queued_at: String,
    pub attempts: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub connection_id: String,
    pub approval_id: String,
    pub invoice_id: String,
    pub invoice_number: String,
    pub supplier_name: String,
    pub entity_code: String,
    pub entity_name: String,
    pub amount: Money,
    pub invoice_date: String,
    pub due_date: String,
    pub assigned_on: String,
    pub age_business_days: i64,
    pub bucket: AgingBucket,
    pub step: i64,
    pub step_count: i64,
    pub step_name: String,
    pub status: String,
    pub created_by: Option<String>,
    pub coded_by: Option<String>,
    pub pending_action: Option<PendingActionView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

pub(crate) fn like_pattern(search: &Option<String>) -> Option<String> {
    search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| {
        let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    })
}

fn approvers_json(approvers: &[String]) -> Result<String> {
    serde_json::to_string(approvers).map_err(|e| StoreError::corrupt("approvals", "approvers", e))
}
