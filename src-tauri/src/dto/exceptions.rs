//! Shapes of the Exceptions screen. Kinds, actions, severities and evidence are the domain's own
//! types (specta derives them), so the UI never restates them.

use domain::exception::{ActionKind, Evidence, Kind, Severity, Status, Subject};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionSort {
    Since,
    Amount,
    Severity,
    SlaDue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionPageRequest {
    /// The owning role (`ap_clerk`, `treasury_analyst`, `approver`, `controller`); none = all.
    pub queue: Option<String>,
    pub kind: Option<Kind>,
    pub entity: Option<String>,
    pub status: Option<Status>,
    pub search: Option<String>,
    pub breached_only: bool,
    pub sort: ExceptionSort,
    pub descending: bool,
    pub after: Option<String>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionRow {
    pub id: String,
    pub kind: Kind,
    pub kind_label: String,
    pub queue: String,
    pub entity: String,
    pub severity: Severity,
    pub amount: Option<Money>,
    pub since: String,
    pub sla_due: String,
    pub breached: bool,
    pub status: Status,
    pub summary: String,
    pub invoice: Option<String>,
    pub supplier: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionPage {
    pub rows: Vec<ExceptionRow>,
    pub next_cursor: Option<String>,
    pub total: u32,
    /// `total` is a lower bound (a text search stops counting at 1,000): shown as "1,000+".
    pub total_capped: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionEvent {
    pub at: String,
    pub event: String,
    pub actor_id: Option<String>,
    pub detail: String,
}

/// The action sent to resolve an exception, as the outbox last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SentAction {
    pub action_id: String,
    pub kind: String,
    pub status: String,
    pub source_message: Option<String>,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionDetail {
    pub row: ExceptionRow,
    pub evidence: Evidence,
    pub subject: Option<Subject>,
    pub actions: Vec<ActionKind>,
    pub history: Vec<ExceptionEvent>,
    pub sent: Option<SentAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionKindCount {
    pub kind: Kind,
    pub label: String,
    pub open: u32,
    pub breached: u32,
    pub amounts: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResolveRequest {
    pub id: String,
    pub action: ActionKind,
    pub reason: Option<String>,
    pub corrected_iban: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResolveOutcome {
    pub queued_action: Option<String>,
    pub overridden: bool,
}

impl From<store::exceptions::Row> for ExceptionRow {
    fn from(r: store::exceptions::Row) -> Self {
        ExceptionRow {
            kind_label: r.kind.label().into(),
            id: r.id,
            kind: r.kind,
            queue: r.queue,
            entity: r.entity,
            severity: r.severity,
            amount: r.amount.map(Into::into),
            since: r.since,
            sla_due: r.sla_due,
            breached: r.breached,
            status: r.status,
            summary: r.summary,
            invoice: r.invoice,
            supplier: r.supplier,
            updated_at: r.updated_at,
        }
    }
}

impl From<store::exceptions::Event> for ExceptionEvent {
    fn from(e: store::exceptions::Event) -> Self {
        ExceptionEvent {
            at: e.at,
            event: e.event,
            actor_id: e.actor_id,
            detail: e.detail,
        }
    }
}
