//! The durable outbox. An action is committed here before anyone is told it is queued, carries an
//! idempotency key from birth, and is re-sent with the same key until the source answers, so a
//! crash or an outage delays it but never drops or repeats it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::audit::{self, NewEvent};
use crate::{format_ts, Result, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Waiting for (re)delivery.
    Queued,
    /// Handed to the source; if the process dies now, it is re-sent with the same key.
    Delivering,
    /// The source accepted it.
    Delivered,
    /// The source answered with a final refusal (stale version, validation); a person must look.
    Refused,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Queued => "queued",
            ActionStatus::Delivering => "delivering",
            ActionStatus::Delivered => "delivered",
            ActionStatus::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "queued" => Ok(ActionStatus::Queued),
            "delivering" => Ok(ActionStatus::Delivering),
            "delivered" => Ok(ActionStatus::Delivered),
            "refused" => Ok(ActionStatus::Refused),
            other => Err(StoreError::corrupt(
                "outbox",
                "status",
                format!("unknown status {other:?}"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub connection_id: String,
    pub kind: String,
    pub target_external_id: String,
    pub payload: serde_json::Value,
    pub if_match: Option<i64>,
    pub actor_id: String,
    /// What the person saw when they acted, for the audit trail.
    pub before: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxAction {
    pub id: String,
    pub idempotency_key: String,
    pub connection_id: String,
    pub kind: String,
    pub target_external_id: String,
    pub payload: String,
    pub if_match: Option<i64>,
    pub actor_id: String,
    pub status: ActionStatus,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub source_status: Option<i64>,
    pub source_message: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}

struct Row {
    id: String,
    idempotency_key: String,
    connection_id: String,
    kind: String,
    target_external_id: String,
    payload: String,
    if_match: Option<i64>,
    actor_id: String,
    status: String,
    attempts: i64,
    next_attempt_at: String,
    last_error: Option<String>,
    source_status: Option<i64>,
    source_message: Option<String>,
    created_at: String,
    delivered_at: Option<String>,
}

impl TryFrom<Row> for OutboxAction {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(OutboxAction {
            id: r.id,
            idempotency_key: r.idempotency_key,
            connection_id: r.connection_id,
            kind: r.kind,
            target_external_id: r.target_external_id,
            payload: r.payload,
            if_match: r.if_match,
            actor_id: r.actor_id,
            status: ActionStatus::parse(&r.status)?,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            source_status: r.source_status,
            source_message: r.source_message,
            created_at: r.created_at,
            delivered_at: r.delivered_at,
        })
    }
}

/// Commits a new action and its audit event together. Refuses a second undelivered action on the
/// same target, so a double key press cannot queue two decisions.
pub async fn enqueue(store: &Store, a: &NewAction, at: DateTime<Utc>) -> Result<OutboxAction> {
    let mut tx = store.begin().await?;
    let id = enqueue_in(&mut tx, a, at).await?;
    tx.commit().await?;
    get(store, &id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("outbox action {id}")))
}

/// `enqueue` inside the caller's transaction, for an action that commits with other records
/// (an exception's history line); returns the action's id.
pub async fn enqueue_in(tx: &mut SqliteConnection, a: &NewAction, at: DateTime<Utc>) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let key = uuid::Uuid::new_v4().to_string();
    let now = format_ts(at);
    let payload = a.payload.to_string();
    let open = sqlx::query_scalar!(
        "SELECT COUNT(*) FROM outbox WHERE connection_id = ? AND target_external_id = ?
             AND status IN ('queued', 'delivering')",
        a.connection_id,
        a.target_external_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if open > 0 {
        return Err(StoreError::Conflict(format!(
            "an action on {} is already queued",
            a.target_external_id
        )));
    }
    sqlx::query!(
        "INSERT INTO outbox (id, idempotency_key, connection_id, kind, target_external_id, payload, if_match, actor_id,
             status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)",
        id,
        key,
        a.connection_id,
        a.kind,
        a.target_external_id,
        payload,
        a.if_match,
        a.actor_id,
        now,
        now,
        now
    )
    .execute(&mut *tx)
    .await?;
    let mut after = a.payload.clone();
    after["action_id"] = serde_json::json!(id);
    after["idempotency_key"] = serde_json::json!(key);
    let event = NewEvent {
        actor_id: &a.actor_id,
        action: &format!("{}.queued", a.kind),
        object_type: &a.kind,
        object_id: &format!("{}/{}", a.connection_id, a.target_external_id),
        before: a.before.clone(),
        after: Some(after),
    };
    audit::append(tx, &event, at).await?;
    Ok(id)
}

/// The latest action on a target that nobody dismissed: what a screen shows beside the record.
pub async fn latest_for(store: &Store, connection_id: &str, target: &str) -> Result<Option<OutboxAction>> {
    let id = sqlx::query_scalar!(
        "SELECT id FROM outbox WHERE connection_id = ? AND target_external_id = ? AND dismissed_at IS NULL
         ORDER BY created_at DESC LIMIT 1",
        connection_id,
        target
    )
    .fetch_optional(store.reader())
    .await?;
    match id {
        Some(id) => get(store, &id).await,
        None => Ok(None),
    }
}

pub async fn get(store: &Store, id: &str) -> Result<Option<OutboxAction>> {
    let row = sqlx::query_as!(
        Row,
        "SELECT id, idempotency_key, connection_id, kind, target_external_id, payload, if_match, actor_id, status,
                attempts, next_attempt_at, last_error, source_status, source_message, created_at, delivered_at
         FROM outbox WHERE id = ?",
        id
    )
    .fetch_optional(store.writer())
    .await?;
    row.map(OutboxAction::try_from).transpose()
}

/// Actions due for delivery at `now`, oldest first. Includes actions left "delivering" by a
/// crash: the same idempotency key makes re-sending them safe.
pub async fn due(store: &Store, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutboxAction>> {
    let now = format_ts(now);
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, idempotency_key, connection_id, kind, target_external_id, payload, if_match, actor_id, status,
                attempts, next_attempt_at, last_error, source_status, source_message, created_at, delivered_at
         FROM outbox WHERE status IN ('queued', 'delivering') AND next_attempt_at <= ?
         ORDER BY created_at, id LIMIT ?",
        now,
        limit
    )
    .fetch_all(store.writer())
    .await?;
    rows.into_iter().map(OutboxAction::try_from).collect()
}

pub async fn mark_delivering(store: &Store, id: &str, now: DateTime<Utc>) -> Result<()> {
    let now = format_ts(now);
    sqlx::query!(
        "UPDATE outbox SET status = 'delivering', attempts = attempts + 1, updated_at = ? WHERE id = ?",
        now,
        id
    )
    .execute(store.writer())
    .await?;
    Ok(())
}

pub async fn mark_delivered(
    store: &Store,
    action: &OutboxAction,
    http_status: i64,
    answer: Option<serde_json::Value>,
    at: DateTime<Utc>,
) -> Result<()> {
    let now = format_ts(at);
    let mut tx = store.begin().await?;
    sqlx::query!(
        "UPDATE outbox SET status = 'delivered', source_status = ?, last_error = NULL, delivered_at = ?, updated_at = ?
         WHERE id = ?",
        http_status,
        now,
        now,
        action.id
    )
    .execute(&mut *tx)
    .await?;
    let answer = serde_json::json!({ "action_id": action.id, "http_status": http_status, "source": answer });
    source_event(&mut tx, action, "applied", answer, at).await?;
    tx.commit().await?;
    Ok(())
}

/// Records the source's answer to an action in the audit trail.
async fn source_event(
    tx: &mut sqlx::SqliteConnection,
    action: &OutboxAction,
    outcome: &str,
    answer: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<i64> {
    let event = NewEvent {
        actor_id: &format!("source:{}", action.connection_id),
        action: &format!("{}.{outcome}", action.kind),
        object_type: &action.kind,
        object_id: &format!("{}/{}", action.connection_id, action.target_external_id),
        before: None,
        after: Some(answer),
    };
    audit::append(tx, &event, at).await
}

/// A transient failure: keep the action and try again at `next_at`.
pub async fn retry_later(
    store: &Store,
    id: &str,
    error: &str,
    next_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (next_at, now) = (format_ts(next_at), format_ts(now));
    sqlx::query!(
        "UPDATE outbox SET status = 'queued', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
        error,
        next_at,
        now,
        id
    )
    .execute(store.writer())
    .await?;
    Ok(())
}

/// A final answer from the source that the action cannot be applied as asked.
pub async fn refuse(
    store: &Store,
    action: &OutboxAction,
    http_status: i64,
    message: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let now = format_ts(at);
    let mut tx = store.begin().await?;
    sqlx::query!(
        "UPDATE outbox SET status = 'refused', source_status = ?, source_message = ?, updated_at = ? WHERE id = ?",
        http_status,
        message,
        now,
        action.id
    )
    .execute(&mut *tx)
    .await?;
    let answer = serde_json::json!({ "action_id": action.id, "http_status": http_status, "message": message });
    source_event(&mut tx, action, "refused", answer, at).await?;
    tx.commit().await?;
    Ok(())
}

/// The person has seen the outcome; the action leaves their queue but stays in the outbox.
pub async fn dismiss(store: &Store, id: &str, actor_id: &str, at: DateTime<Utc>) -> Result<()> {
    let now = format_ts(at);
    let mut tx = store.begin().await?;
    let done = sqlx::query!(
        "UPDATE outbox SET dismissed_at = ?, updated_at = ?
         WHERE id = ? AND actor_id = ? AND status IN ('refused', 'delivered') AND dismissed_at IS NULL",
        now,
        now,
        id,
        actor_id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("a finished action {id} of yours")));
    }
    let event = NewEvent {
        actor_id,
        action: "outbox.dismissed",
        object_type: "outbox_action",
        object_id: id,
        before: None,
        after: None,
    };
    audit::append(&mut tx, &event, at).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxCounts {
    pub pending: i64,
    pub refused: i64,
}

pub async fn counts(store: &Store) -> Result<OutboxCounts> {
    let r = sqlx::query!(
        r#"SELECT
             COALESCE(SUM(status IN ('queued', 'delivering')), 0) AS "pending!: i64",
             COALESCE(SUM(status = 'refused' AND dismissed_at IS NULL), 0) AS "refused!: i64"
           FROM outbox"#
    )
    .fetch_one(store.reader())
    .await?;
    Ok(OutboxCounts {
        pending: r.pending,
        refused: r.refused,
    })
}

/// Actions still on their way or refused and not yet seen, newest first (for the health screen).
pub async fn open_actions(store: &Store, limit: i64) -> Result<Vec<OutboxAction>> {
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, idempotency_key, connection_id, kind, target_external_id, payload, if_match, actor_id, status,
                attempts, next_attempt_at, last_error, source_status, source_message, created_at, delivered_at
         FROM outbox WHERE status IN ('queued', 'delivering') OR (status = 'refused' AND dismissed_at IS NULL)
         ORDER BY created_at DESC LIMIT ?",
        limit
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter().map(OutboxAction::try_from).collect()
}
