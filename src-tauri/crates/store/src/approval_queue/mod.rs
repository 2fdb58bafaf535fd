//! The approver's queue and its aging summary: the queries behind the Approvals screen.
//!
//! Ages are business days on each entity's calendar: `today_ordinal - assigned_ordinal`, both
//! maintained in Rust from `domain::BusinessCalendar`, so SQL only subtracts integers.
//!
//! A page walks `approval_queue_keys` (the pending steps with their invoice's and supplier's sort
//! keys, kept by the mirror's writes; see `keys`) in the order asked for, one index walk per approver
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

// Where a search's steps come from, handed on to `$then!` as its first argument: the FROM clause
// (in brackets) of the keys `k` beside their entity `e`, for the approvers (JSON, ?1) in the
// entity ?2 (or all); the caller adds its terms with AND. `every`: every step, from the covering
// supplier index. `matched ?N, ?M`: the steps of the invoice numbers in the JSON array ?N, each
// looked up in the number index (approver by approver, entity by entity), with the steps of the
// lowered supplier names in ?M, read from the supplier index. (Trailing arguments follow the body.)
macro_rules! search_steps {
    (every; $then:ident!($($body:tt)*) $($rest:tt)*) => {
        $then!(["FROM legal_entities e
           CROSS JOIN approval_queue_keys k INDEXED BY approval_queue_supplier
             ON k.connection_id = e.connection_id AND k.entity_code = e.code
           WHERE k.approver_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR e.code = ?2)"]
            $($body)* $($rest)*)
    };
    (matched $numbers:tt, $names:tt; $then:ident!($($body:tt)*) $($rest:tt)*) => {
        search_steps!(every; search_steps!(@matched $numbers, $names; $then!($($body)* $($rest)*)))
    };
    ([$($every:tt)+] @matched $numbers:tt, $names:tt; $then:ident!($($body:tt)*)) => {
        $then!(["FROM (
               SELECT k.connection_id, k.external_id, k.approver_id, k.entity_code, k.assigned_ordinal, k.number,
                      k.due_date, k.total_minor, k.currency, k.supplier_key
               FROM legal_entities e CROSS JOIN json_each(?1) a CROSS JOIN json_each(?" + $numbers + ") n
               CROSS JOIN approval_queue_keys k INDEXED BY approval_queue_number
                 ON k.approver_id = a.value AND k.connection_id = e.connection_id AND k.entity_code = e.code
                AND k.number = n.value
               WHERE ?2 IS NULL OR e.code = ?2
               UNION
               SELECT k.connection_id, k.external_id, k.approver_id, k.entity_code, k.assigned_ordinal, k.number,
                      k.due_date, k.total_minor, k.currency, k.supplier_key
               " + $($every)+ + " AND k.supplier_key IN (SELECT value FROM json_each(?" + $names + "))
           ) k
           CROSS JOIN legal_entities e ON e.connection_id = k.connection_id AND e.code = k.entity_code
           WHERE (?2 IS NULL OR e.code = ?2)"]
            $($body)*)
    };
}

mod keys;
mod legacy;
mod page;
mod rows;
mod search;
mod summary;
mod walk;

pub(crate) use keys::Upkeep;
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
