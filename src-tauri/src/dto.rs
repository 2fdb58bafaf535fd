//! The shapes commands exchange with the UI. TypeScript types are generated from these
//! (tauri-specta) into `ui/src/bindings.ts`; money travels as decimal strings.

use serde::{Deserialize, Serialize};
use specta::Type;

pub mod close;
pub mod exceptions;
pub mod payments;
pub mod recon;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Money {
    pub amount: String,
    pub currency: String,
}

impl From<domain::Money> for Money {
    fn from(m: domain::Money) -> Self {
        Money {
            amount: m.amount_string(),
            currency: m.currency().to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum AgingBucket {
    #[serde(rename = "d0_2")]
    D0To2,
    #[serde(rename = "d3_5")]
    D3To5,
    #[serde(rename = "d6_10")]
    D6To10,
    #[serde(rename = "d11_20")]
    D11To20,
    #[serde(rename = "over20")]
    Over20,
}

impl From<domain::AgingBucket> for AgingBucket {
    fn from(b: domain::AgingBucket) -> Self {
        match b {
            domain::AgingBucket::D0_2 => AgingBucket::D0To2,
            domain::AgingBucket::D3_5 => AgingBucket::D3To5,
            domain::AgingBucket::D6_10 => AgingBucket::D6To10,
            domain::AgingBucket::D11_20 => AgingBucket::D11To20,
            domain::AgingBucket::Over20 => AgingBucket::Over20,
        }
    }
}

impl From<AgingBucket> for domain::AgingBucket {
    fn from(b: AgingBucket) -> Self {
        match b {
            AgingBucket::D0To2 => domain::AgingBucket::D0_2,
            AgingBucket::D3To5 => domain::AgingBucket::D3_5,
            AgingBucket::D6To10 => domain::AgingBucket::D6_10,
            AgingBucket::D11To20 => domain::AgingBucket::D11_20,
            AgingBucket::Over20 => domain::AgingBucket::Over20,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    Approve,
    Reject,
}

impl From<Decision> for domain::Decision {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Approve => domain::Decision::Approve,
            Decision::Reject => domain::Decision::Reject,
        }
    }
}

/// What a queued approval action does: a decision, or handing the step to someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum PendingDecision {
    Approve,
    Reject,
    Delegate,
}

impl From<Decision> for PendingDecision {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Approve => PendingDecision::Approve,
            Decision::Reject => PendingDecision::Reject,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
}

impl From<domain::User> for User {
    fn from(u: domain::User) -> Self {
        User {
            id: u.id,
            name: u.name,
            email: u.email,
            roles: u.roles.iter().map(|r| r.as_str().to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Session {
    pub user: User,
    pub users: Vec<User>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EntityInfo {
    pub code: String,
    pub name: String,
    pub currency: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SortKey {
    DueDate,
    Amount,
    Age,
    Supplier,
    InvoiceNumber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SortDir {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct QueueSort {
    pub key: SortKey,
    pub dir: SortDir,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct QueueFilter {
    pub entity: Option<String>,
    pub bucket: Option<AgingBucket>,
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct QueuePageRequest {
    pub filter: QueueFilter,
    pub sort: QueueSort,
    pub after: Option<String>,
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ActionStatus {
    Queued,
    Delivering,
    Delivered,
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PendingAction {
    pub action_id: String,
    pub decision: PendingDecision,
    pub status: ActionStatus,
    pub reason: Option<String>,
    pub source_message: Option<String>,
    pub queued_at: String,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRow {
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
    pub age_business_days: u32,
    pub bucket: AgingBucket,
    pub step: u32,
    pub step_count: u32,
    pub step_name: String,
    pub status: String,
    /// Why the signed-in user may not decide this step (segregation of duties), if so.
    pub blocked_reason: Option<String>,
    pub pending_action: Option<PendingAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QueuePage {
    pub rows: Vec<ApprovalRow>,
    pub next_cursor: Option<String>,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BucketCell {
    pub bucket: AgingBucket,
    pub count: u32,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EntityAging {
    pub entity_code: String,
    pub entity_name: String,
    pub currency: String,
    pub cells: Vec<BucketCell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct AgingSummary {
    pub entities: Vec<EntityAging>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub connection_name: String,
    pub endpoint: String,
    pub last_sync_at: Option<String>,
    pub last_sync_ok: bool,
    pub last_error: Option<String>,
    pub records_last_run: u32,
    pub pending_actions: u32,
    pub failed_actions: u32,
    pub malformed_records: u32,
}

/// Emitted whenever the mirror changed (a sync landed, an action was delivered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct MirrorChanged {
    pub reason: String,
}

/// Narrows a count to the u32 the UI gets (counts never get near 4 billion).
pub fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

impl From<connect::circuit::CircuitState> for CircuitState {
    fn from(s: connect::circuit::CircuitState) -> Self {
        match s {
            connect::circuit::CircuitState::Closed => CircuitState::Closed,
            connect::circuit::CircuitState::Open => CircuitState::Open,
            connect::circuit::CircuitState::HalfOpen => CircuitState::HalfOpen,
        }
    }
}

/// One connection's health card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionHealth {
    pub connection_id: String,
    pub name: String,
    pub kind: String,
    pub endpoint: String,
    pub last_run_at: Option<String>,
    pub last_run_status: Option<String>,
    pub last_success_at: Option<String>,
    /// Seconds since the last successful run ended.
    pub freshness_seconds: Option<u32>,
    /// Records per second of the last run.
    pub throughput_per_second: Option<u32>,
    pub last_run_ms: Option<u32>,
    /// Failed or partial runs among the recent ones, in whole percent.
    pub error_rate_percent: u32,
    pub recent_run_count: u32,
    pub circuit: CircuitState,
    pub consecutive_failures: u32,
    pub pending_actions: u32,
    pub refused_actions: u32,
    pub dead_letters: u32,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncRunView {
    pub id: u32,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub records: u32,
    pub bytes: u32,
    pub malformed: u32,
    pub duration_ms: Option<u32>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetterView {
    pub id: u32,
    pub connection_id: String,
    pub resource: String,
    pub position: String,
    pub reason: String,
    /// The record as the source sent it, shortened for display.
    pub raw_preview: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReplayResult {
    pub applied: bool,
    pub refetched: bool,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OutboxView {
    pub action_id: String,
    pub connection_id: String,
    pub kind: String,
    pub target: String,
    pub actor_id: String,
    pub status: ActionStatus,
    pub attempts: u32,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub source_status: Option<u32>,
    pub source_message: Option<String>,
    pub created_at: String,
}

/// Fault mode of the demo source systems, per mille of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoFaults {
    pub per_mille: u32,
}

/// One item of a bulk approval: queued (its action id) or refused (why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BulkResult {
    pub approval_id: String,
    pub action_id: Option<String>,
    pub refusal: Option<String>,
}
