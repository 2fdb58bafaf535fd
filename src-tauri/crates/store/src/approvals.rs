use domain::{Approval, ApprovalStatus, Provenance};
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::{format_ts, parse_ts, Result, Store, StoreError};

/// An approval step as mirrored, with the entity it belongs to and the business-day ordinal of
/// the day it was assigned on that entity's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRecord {
    pub approval: Approval,
    pub entity_code: String,
    pub assigned_ordinal: i64,
}

#[derive(Serialize)]
struct Row<'a> {
    c: &'a str,
    id: &'a str,
    inv: &'a str,
    e: &'a str,
    n: i64,
    nn: i64,
    name: &'a str,
    who: &'a str,
    st: &'a str,
    at: String,
    ord: i64,
    dat: Option<String>,
    dby: Option<&'a str>,
    com: Option<&'a str>,
    v: i64,
    up: String,
    f: String,
}

/// Inserts or updates a batch of approval steps in one statement, skipping every step whose
/// stored version is the same or newer. Returns how many changed.
pub async fn upsert_batch(tx: &mut SqliteConnection, batch: &[ApprovalRecord]) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let rows: Vec<Row> = batch
        .iter()
        .map(|rec| {
            let a = &rec.approval;
            let p = &a.provenance;
            Row {
                c: &p.connection_id,
                id: &p.external_id,
                inv: &a.invoice_external_id,
                e: &rec.entity_code,
                n: a.step,
                nn: a.step_count,
                name: &a.step_name,
                who: &a.approver_id,
                st: a.status.as_str(),
                at: format_ts(a.assigned_at),
                ord: rec.assigned_ordinal,
                dat: a.decided_at.map(format_ts),
                dby: a.decided_by.as_deref(),
                com: a.comment.as_deref(),
                v: p.source_version,
                up: format_ts(p.source_updated_at),
                f: format_ts(p.fetched_at),
            }
        })
        .collect();
    let json = serde_json::to_string(&rows).map_err(|e| StoreError::corrupt("approvals", "batch", e))?;
    let done = sqlx::query!(
        "INSERT INTO approvals (connection_id, external_id, invoice_external_id, entity_code, step, step_count, step_name,
             approver_id, status, assigned_at, assigned_ordinal, decided_at, decided_by, comment,
             source_version, source_updated_at, fetched_at)
         SELECT j.value ->> 'c', j.value ->> 'id', j.value ->> 'inv', j.value ->> 'e', j.value ->> 'n',
                j.value ->> 'nn', j.value ->> 'name', j.value ->> 'who', j.value ->> 'st', j.value ->> 'at',
                j.value ->> 'ord', j.value ->> 'dat', j.value ->> 'dby', j.value ->> 'com', j.value ->> 'v',
                j.value ->> 'up', j.value ->> 'f'
         FROM json_each(?1) j WHERE true
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             invoice_external_id = excluded.invoice_external_id, entity_code = excluded.entity_code,
             step = excluded.step, step_count = excluded.step_count, step_name = excluded.step_name,
             approver_id = excluded.approver_id, status = excluded.status, assigned_at = excluded.assigned_at,
             assigned_ordinal = excluded.assigned_ordinal, decided_at = excluded.decided_at,
             decided_by = excluded.decided_by, comment = excluded.comment,
             source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
             fetched_at = excluded.fetched_at
         WHERE excluded.source_version > approvals.source_version",
        json
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
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
