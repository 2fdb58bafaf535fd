//! Sync bookkeeping: delta cursors, the record of every run, and dead letters.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::{format_ts, Result, Store};

pub async fn cursor(store: &Store, connection_id: &str, resource: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT cursor FROM sync_cursors WHERE connection_id = ? AND resource = ?",
        connection_id,
        resource
    )
    .fetch_optional(store.writer())
    .await?)
}

/// Saves a cursor inside the caller's transaction, so it only moves once the data it covers is
/// committed with it.
pub async fn set_cursor(tx: &mut SqliteConnection, connection_id: &str, resource: &str, cursor: &str) -> Result<()> {
    let now = format_ts(Utc::now());
    sqlx::query!(
        "INSERT INTO sync_cursors (connection_id, resource, cursor, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(connection_id, resource) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
        connection_id,
        resource,
        cursor,
        now
    )
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn add_dead_letter(
    tx: &mut SqliteConnection,
    connection_id: &str,
    resource: &str,
    position: &str,
    reason: &str,
    raw: &str,
) -> Result<()> {
    let now = format_ts(Utc::now());
    sqlx::query!(
        "INSERT INTO dead_letters (connection_id, resource, position, reason, raw, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        connection_id,
        resource,
        position,
        reason,
        raw,
        now
    )
    .execute(tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub id: i64,
    pub connection_id: String,
    pub resource: String,
    pub position: String,
    pub reason: String,
    pub raw: String,
}

/// Dead letters waiting for a replay, of one connection or of all.
pub async fn dead_letters(store: &Store, connection_id: Option<&str>) -> Result<Vec<DeadLetter>> {
    Ok(sqlx::query_as!(
        DeadLetter,
        "SELECT id, connection_id, resource, position, reason, raw FROM dead_letters
         WHERE replayed_at IS NULL AND (?1 IS NULL OR connection_id = ?1) ORDER BY id",
        connection_id
    )
    .fetch_all(store.reader())
    .await?)
}

pub async fn start_run(store: &Store, connection_id: &str, now: DateTime<Utc>) -> Result<i64> {
    let now = format_ts(now);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO sync_runs (connection_id, started_at, status) VALUES (?, ?, 'running') RETURNING id AS "id!: i64""#,
        connection_id,
        now
    )
    .fetch_one(store.writer())
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOutcome {
    pub records: i64,
    pub changed: i64,
    pub bytes: i64,
    pub malformed: i64,
    pub error: Option<String>,
}

impl RunOutcome {
    pub fn status(&self) -> &'static str {
        match (&self.error, self.malformed) {
            (Some(_), _) if self.records == 0 => "failed",
            (Some(_), _) | (None, 1..) => "partial",
            _ => "ok",
        }
    }
}

pub async fn finish_run(store: &Store, id: i64, outcome: &RunOutcome, now: DateTime<Utc>) -> Result<()> {
    let now = format_ts(now);
    let status = outcome.status();
    sqlx::query!(
        "UPDATE sync_runs SET finished_at = ?, status = ?, records = ?, bytes = ?, malformed = ?, error = ? WHERE id = ?",
        now,
        status,
        outcome.records,
        outcome.bytes,
        outcome.malformed,
        outcome.error,
        id
    )
    .execute(store.writer())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub id: i64,
    pub connection_id: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub records: i64,
    pub bytes: i64,
    pub malformed: i64,
    pub error: Option<String>,
}

pub async fn last_run(store: &Store, connection_id: &str) -> Result<Option<RunSummary>> {
    Ok(sqlx::query_as!(
        RunSummary,
        "SELECT id, connection_id, started_at, finished_at, status, records, bytes, malformed, error
         FROM sync_runs WHERE connection_id = ? AND status != 'running' ORDER BY id DESC LIMIT 1",
        connection_id
    )
    .fetch_optional(store.reader())
    .await?)
}

/// Records that could not be mapped and wait for a fix, per connection.
pub async fn open_dead_letter_count(store: &Store, connection_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar!(
        "SELECT COUNT(*) FROM dead_letters WHERE connection_id = ? AND replayed_at IS NULL",
        connection_id
    )
    .fetch_one(store.reader())
    .await?)
}

/// The latest runs of a connection, newest first.
pub async fn recent_runs(store: &Store, connection_id: &str, limit: i64) -> Result<Vec<RunSummary>> {
    Ok(sqlx::query_as!(
        RunSummary,
        "SELECT id, connection_id, started_at, finished_at, status, records, bytes, malformed, error
         FROM sync_runs WHERE connection_id = ? ORDER BY id DESC LIMIT ?",
        connection_id,
        limit
    )
    .fetch_all(store.reader())
    .await?)
}

/// The last successful run's end: how fresh the mirror of this connection is.
pub async fn last_success_at(store: &Store, connection_id: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT MAX(finished_at) FROM sync_runs WHERE connection_id = ? AND status IN ('ok', 'partial')",
        connection_id
    )
    .fetch_one(store.reader())
    .await?)
}

pub async fn dead_letter(store: &Store, id: i64) -> Result<Option<DeadLetter>> {
    Ok(sqlx::query_as!(
        DeadLetter,
        "SELECT id, connection_id, resource, position, reason, raw FROM dead_letters WHERE id = ?",
        id
    )
    .fetch_optional(store.reader())
    .await?)
}

/// Marks a dead letter as replayed inside the transaction that applied it.
pub async fn mark_replayed(tx: &mut SqliteConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    let now = format_ts(now);
    sqlx::query!("UPDATE dead_letters SET replayed_at = ? WHERE id = ?", now, id)
        .execute(tx)
        .await?;
    Ok(())
}

/// The mirror's fingerprints of one connection, comparable with the source's
/// (`domain::checksum`).
pub async fn checksums(store: &Store, connection_id: &str) -> Result<domain::checksum::Checksums> {
    use domain::checksum::TableChecksum;
    let mut c = domain::checksum::Checksums::default();
    let users = sqlx::query!(
        "SELECT external_id, source_version FROM users WHERE connection_id = ?",
        connection_id
    )
    .fetch_all(store.reader())
    .await?;
    c.tables.insert(
        "users".into(),
        TableChecksum::of(users.iter().map(|r| (r.external_id.as_str(), r.source_version))),
    );
    let rows = sqlx::query!(
        "SELECT external_id, source_version FROM legal_entities WHERE connection_id = ?",
        connection_id
    )
    .fetch_all(store.reader())
    .await?;
    c.tables.insert(
        "entities".into(),
        TableChecksum::of(rows.iter().map(|r| (r.external_id.as_str(), r.source_version))),
    );
    let rows = sqlx::query!(
        "SELECT external_id, source_version FROM suppliers WHERE connection_id = ?",
        connection_id
    )
    .fetch_all(store.reader())
    .await?;
    c.tables.insert(
        "suppliers".into(),
        TableChecksum::of(rows.iter().map(|r| (r.external_id.as_str(), r.source_version))),
    );
    let rows = sqlx::query!(
        "SELECT external_id, source_version FROM invoices WHERE connection_id = ?",
        connection_id
    )
    .fetch_all(store.reader())
    .await?;
    c.tables.insert(
        "invoices".into(),
        TableChecksum::of(rows.iter().map(|r| (r.external_id.as_str(), r.source_version))),
    );
    let rows = sqlx::query!(
        "SELECT external_id, source_version FROM approvals WHERE connection_id = ?",
        connection_id
    )
    .fetch_all(store.reader())
    .await?;
    c.tables.insert(
        "approvals".into(),
        TableChecksum::of(rows.iter().map(|r| (r.external_id.as_str(), r.source_version))),
    );
    c.tables
        .extend(crate::source_records::checksums(store, connection_id).await?);
    // A connection holds only the tables of its kind; the empty ones say nothing.
    c.tables.retain(|_, t| t.count > 0);
    Ok(c)
}
