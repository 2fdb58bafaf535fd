//! The JSON the AP sandbox speaks, as its API documentation would describe it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub version: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub code: String,
    pub name: String,
    pub currency: String,
    pub time_zone: String,
    pub weekend: Vec<String>,
    pub holidays: Vec<String>,
    pub version: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplier {
    pub id: String,
    pub name: String,
    pub country: String,
    pub bank_account: Option<String>,
    pub on_hold: bool,
    pub version: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub line_no: i64,
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
    pub gl_account: String,
    pub cost_center: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: String,
    pub entity: String,
    pub supplier_id: String,
    pub number: String,
    pub invoice_date: String,
    pub due_date: String,
    pub currency: String,
    pub total: String,
    pub status: String,
    pub po_number: Option<String>,
    pub created_by: Option<String>,
    pub coded_by: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub version: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalStep {
    pub id: String,
    pub invoice_id: String,
    pub entity: String,
    pub step: i64,
    pub step_count: i64,
    pub step_name: String,
    pub approver_id: String,
    pub status: String,
    pub assigned_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub comment: Option<String>,
    pub version: i64,
    pub updated_at: String,
}

/// One page of a list endpoint. `next_cursor` resumes after the last record; when `has_more`
/// is false it is the delta cursor for the next sync.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: String,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRequest {
    pub decision: String,
    pub comment: Option<String>,
    pub actor_id: String,
    /// The approver the actor stands in for (out-of-office delegation).
    #[serde(default)]
    pub on_behalf_of: Option<String>,
    /// For `delegate`: who the step goes to instead.
    #[serde(default)]
    pub delegate_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<ApprovalStep>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldRequest {
    pub on_hold: bool,
    pub reason: Option<String>,
    pub actor_id: String,
}

/// A hold or release the system applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldRecord {
    pub supplier_id: String,
    pub on_hold: bool,
    pub actor_id: String,
    pub reason: Option<String>,
    pub idempotency_key: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub approval_id: String,
    pub decision: String,
    pub actor_id: String,
    pub comment: Option<String>,
    pub idempotency_key: String,
    pub at: String,
}

/// A change notice pushed to webhook subscribers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub resource: String,
    pub record_id: String,
    pub version: i64,
    pub occurred_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub users: Vec<User>,
    pub entities: Vec<Entity>,
    pub suppliers: Vec<Supplier>,
    pub invoices: Vec<Invoice>,
    pub approvals: Vec<ApprovalStep>,
}

pub use domain::checksum::{Checksums, TableChecksum};

impl Snapshot {
    /// The fingerprints a mirror of this data must have (see `domain::checksum`).
    pub fn checksums(&self) -> Checksums {
        let mut tables = std::collections::BTreeMap::new();
        tables.insert(
            "users".into(),
            TableChecksum::of(self.users.iter().map(|r| (r.id.as_str(), r.version))),
        );
        tables.insert(
            "entities".into(),
            TableChecksum::of(self.entities.iter().map(|r| (r.id.as_str(), r.version))),
        );
        tables.insert(
            "suppliers".into(),
            TableChecksum::of(self.suppliers.iter().map(|r| (r.id.as_str(), r.version))),
        );
        tables.insert(
            "invoices".into(),
            TableChecksum::of(self.invoices.iter().map(|r| (r.id.as_str(), r.version))),
        );
        tables.insert(
            "approvals".into(),
            TableChecksum::of(self.approvals.iter().map(|r| (r.id.as_str(), r.version))),
        );
        Checksums { tables }
    }
}
