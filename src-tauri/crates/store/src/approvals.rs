use domain::{Approval, ApprovalStatus, Provenance};
use sqlx::SqliteConnection;

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
/// same or newer. Returns how many changed. Runs on the bulk path (`raw`).
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
        let mut changed = 0;
        for rec in batch {
            let a = &rec.approval;
            let p = &a.provenance;
            changed += upsert.execute(rusqlite::params![
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
            ])? as u64;
        }
        Ok(changed)
    })
    .await
}

fn corrupt(column: &'static str) -> impl Fn(String) -> StoreError {
    move |reason| StoreError::corrupt("approvals", column, reason)
}

pub async fn all(store: &Store) -> Result<Vec<Approval>> {
    load(store, None).await
}

pub async fn get(store: &Store, connection_id: &str, external_id: &str) -> Result<Option<Approval>> {
    Ok(load(store, Some((connection_id, external_id))).await?.pop())
}

async fn load(store: &Store, only: Option<(&str, &str)>) -> Result<Vec<Approval>> {
    let (conn, ext) = only.unzip();
    let rows = sqlx::query!(
        "SELECT connection_id, external_id, invoice_external_id, step, step_count, step_name, approver_id, status,
                assigned_at, decided_at, decided_by, comment, source_version, source_updated_at, fetched_at
         FROM approvals
         WHERE (?1 IS NULL OR (connection_id = ?1 AND external_id = ?2))
         ORDER BY connection_id, external_id",
        conn,
        ext
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| {
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
        })
        .collect()
}
