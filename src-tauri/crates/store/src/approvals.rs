use domain::{Approval, ApprovalStatus, Provenance};
use sqlx::SqliteConnection;

use crate::approval_queue::Upkeep;
use crate::{format_ts, parse_ts, raw, Result, Store, StoreError};

/// An approval step as mirrored, with the entity it belongs to and the business-day ordinal of
/// the day it was assigned on that entity's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRecord {
    pub approval: Approval,
    pub entity_code: String,
    pub assigned_ordinal: i64,
}

/// Inserts or updates a batch of approval steps, skipping every step whose stored version is the
/// same or newer. Returns how many changed. Runs on the bulk path (`raw`); the approval queue's
/// keys of the changed steps follow at the end of the batch.
pub async fn upsert_batch(tx: &mut SqliteConnection, batch: &[ApprovalRecord]) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    raw::with_connection(tx, |conn| {
        let mut upsert = conn.prepare_cached(
            "INSERT INTO approvals (connection_id, external_id, invoice_external_id, entity_code, step, step_count,
                 step_name, approver_id, status, assigned_at, assigned_ordinal, decided_at, decided_by, comment,
                 source_version, source_updated_at, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
             ON CONFLICT(connection_id, external_id) DO UPDATE SET
                 invoice_external_id = excluded.invoice_external_id, entity_code = excluded.entity_code,
                 step = excluded.step, step_count = excluded.step_count, step_name = excluded.step_name,
                 approver_id = excluded.approver_id, status = excluded.status, assigned_at = excluded.assigned_at,
                 assigned_ordinal = excluded.assigned_ordinal, decided_at = excluded.decided_at,
                 decided_by = excluded.decided_by, comment = excluded.comment,
                 source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
                 fetched_at = excluded.fetched_at
             WHERE excluded.source_version > approvals.source_version",
        )?;
        let mut upkeep = Upkeep::begin(conn)?;
        let mut changed = 0;
        for rec in batch {
            let a = &rec.approval;
            let p = &a.provenance;
            let n = upsert.execute(rusqlite::params![
                p.connection_id,
                p.external_id,
                a.invoice_external_id,
                rec.entity_code,
                a.step,
                a.step_count,
                a.step_name,
                a.approver_id,
                a.status.as_str(),
                format_ts(a.assigned_at),
                rec.assigned_ordinal,
                a.decided_at.map(format_ts),
                a.decided_by,
                a.comment,
                p.source_version,
                format_ts(p.source_updated_at),
                format_ts(p.fetched_at),
            ])?;
            if n == 0 {
                continue;
            }
            changed += 1;
            if let Some(upkeep) = &mut upkeep {
                upkeep.step(&p.connection_id, &p.external_id)?;
            }
        }
        if let Some(upkeep) = upkeep {
            upkeep.apply()?;
        }
        Ok(changed)
    })
    .await
}

fn corrupt(column: &'static str) -> impl Fn(String) -> StoreError {
    move |reason| StoreError::corrupt("approvals", column, reason)
}

pub async fn all(store: &Store) -> Result<Vec<Approval>> {
    load(store, None, false).await
}

/// The steps waiting for a decision now.
pub async fn pending(store: &Store) -> Result<Vec<Approval>> {
    load(store, None, true).await
}

pub async fn get(store: &Store, connection_id: &str, external_id: &str) -> Result<Option<Approval>> {
    Ok(load(store, Some((connection_id, external_id)), false).await?.pop())
}

async fn load(store: &Store, only: Option<(&str, &str)>, pending_only: bool) -> Result<Vec<Approval>> {
    let (conn, ext) = only.unzip();
    sqlx::query_as!(
        ApprovalRow,
        "SELECT connection_id, external_id, invoice_external_id, step, step_count, step_name, approver_id, status,
                assigned_at, decided_at, decided_by, comment, source_version, source_updated_at, fetched_at
         FROM approvals
         WHERE (?1 IS NULL OR (connection_id = ?1 AND external_id = ?2)) AND (NOT ?3 OR status = 'pending')
         ORDER BY connection_id, external_id",
        conn,
        ext,
        pending_only
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(approval)
    .collect()
}

/// Steps fetched after `since`, whatever their status.
pub async fn fetched_since(store: &Store, since: chrono::DateTime<chrono::Utc>) -> Result<Vec<Approval>> {
    let since = crate::format_ts(since);
    sqlx::query_as!(
        ApprovalRow,
        "SELECT connection_id, external_id, invoice_external_id, step, step_count, step_name, approver_id, status,
                assigned_at, decided_at, decided_by, comment, source_version, source_updated_at, fetched_at
         FROM approvals WHERE fetched_at > ?1",
        since
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(approval)
    .collect()
}

/// Every step of these invoices (external ids, any AP connection), whatever its status. (The
/// index is named: without statistics SQLite would walk every step of the connection instead.)
pub async fn of_invoices(store: &Store, invoice_ids: &[String]) -> Result<Vec<Approval>> {
    if invoice_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(invoice_ids).map_err(|e| corrupt("invoice_external_id")(e.to_string()))?;
    sqlx::query_as!(
        ApprovalRow,
        "SELECT connection_id, external_id, invoice_external_id, step, step_count, step_name, approver_id, status,
                assigned_at, decided_at, decided_by, comment, source_version, source_updated_at, fetched_at
         FROM approvals INDEXED BY approvals_by_invoice
         WHERE connection_id IN (SELECT id FROM connections)
           AND invoice_external_id IN (SELECT value FROM json_each(?1))",
        ids
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(approval)
    .collect()
}

/// An `approvals` row as every query of it selects it.
struct ApprovalRow {
    connection_id: String,
    external_id: String,
    invoice_external_id: String,
    step: i64,
    step_count: i64,
    step_name: String,
    approver_id: String,
    status: String,
    assigned_at: String,
    decided_at: Option<String>,
    decided_by: Option<String>,
    comment: Option<String>,
    source_version: i64,
    source_updated_at: String,
    fetched_at: String,
}

fn approval(r: ApprovalRow) -> Result<Approval> {
    let ts = |s: &str, col: &'static str| parse_ts(s).map_err(|e| corrupt(col)(e.to_string()));
    Ok(Approval {
        provenance: Provenance {
            connection_id: r.connection_id,
            external_id: r.external_id,
            source_version: r.source_version,
            source_updated_at: ts(&r.source_updated_at, "source_updated_at")?,
            fetched_at: ts(&r.fetched_at, "fetched_at")?,
        },
        invoice_external_id: r.invoice_external_id,
        step: r.step,
        step_count: r.step_count,
        step_name: r.step_name,
        approver_id: r.approver_id,
        status: ApprovalStatus::parse(&r.status)?,
        assigned_at: ts(&r.assigned_at, "assigned_at")?,
        decided_at: r.decided_at.as_deref().map(|s| ts(s, "decided_at")).transpose()?,
        decided_by: r.decided_by,
        comment: r.comment,
    })
}

/// A pending step past its SLA, with who keyed and coded the invoice (for segregation of duties).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    pub connection_id: String,
    pub approval_id: String,
    pub approver_id: String,
    pub source_version: i64,
    pub age_business_days: i64,
    pub created_by: Option<String>,
    pub coded_by: Option<String>,
}

/// Pending steps older than `sla` business days on their entity's calendar, oldest first.
pub async fn overdue(store: &Store, sla: i64, limit: i64) -> Result<Vec<Overdue>> {
    let rows = sqlx::query!(
        r#"SELECT a.connection_id, a.external_id, a.approver_id, a.source_version,
                  (e.today_ordinal - a.assigned_ordinal) AS "age!: i64", i.created_by, i.coded_by
           FROM approvals a
           JOIN legal_entities e ON e.connection_id = a.connection_id AND e.code = a.entity_code
           JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
           WHERE a.status = 'pending' AND (e.today_ordinal - a.assigned_ordinal) > ?1
           ORDER BY a.assigned_ordinal LIMIT ?2"#,
        sla,
        limit
    )
    .fetch_all(store.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Overdue {
            connection_id: r.connection_id,
            approval_id: r.external_id,
            approver_id: r.approver_id,
            source_version: r.source_version,
            age_business_days: r.age,
            created_by: r.created_by,
            coded_by: r.coded_by,
        })
        .collect())
}
