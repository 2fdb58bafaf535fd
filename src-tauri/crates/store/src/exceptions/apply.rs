//! Writing a derivation's changes: each raise, reopen, update and resolve with its history line
//! and its anchors, in one transaction, on the bulk path (`raw`): a first derivation writes
//! hundreds of thousands, where a statement through sqlx costs tens of microseconds more than
//! SQLite needs. `exception_counts` and the text index follow the rows by trigger.

use chrono::{DateTime, Utc};
use domain::exception::{Change, ExceptionPolicy, Raised};

use super::{minor, Applied};
use crate::{format_ts, raw, Result, Store, StoreError};

/// An exception's row as written, everything that can fail converted before SQLite sees it.
struct Row<'a> {
    raised: &'a Raised,
    event: &'static str,
    detail: String,
    amount: Option<String>,
    currency: Option<String>,
    amount_minor: i64,
    since: String,
    sla_due: String,
    evidence: String,
    subject: Option<String>,
    fingerprint: String,
}

impl<'a> Row<'a> {
    fn new(c: &Change, r: &'a Raised, policy: &ExceptionPolicy) -> Result<Self> {
        let (event, detail) = match c {
            Change::Raise(_) => ("raised", r.summary.clone()),
            Change::Reopen(_) => ("reopened", format!("back at the source: {}", r.summary)),
            _ => ("updated", r.summary.clone()),
        };
        Ok(Row {
            raised: r,
            event,
            detail,
            amount: r.amount.as_ref().map(|m| m.amount_string()),
            currency: r.amount.as_ref().map(|m| m.currency().to_string()),
            amount_minor: minor(&r.amount),
            since: format_ts(r.since),
            sla_due: format_ts(r.sla_due(policy)),
            evidence: serde_json::to_string(&r.evidence)
                .map_err(|e| StoreError::corrupt("exceptions", "evidence", e))?,
            subject: r
                .subject
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| StoreError::corrupt("exceptions", "subject", e))?,
            fingerprint: r.fingerprint(),
        })
    }
}

/// Applies a derivation's changes in one transaction, each with its history line.
pub async fn apply(store: &Store, changes: &[Change], policy: &ExceptionPolicy, now: DateTime<Utc>) -> Result<Applied> {
    let at = format_ts(now);
    let rows = changes
        .iter()
        .map(|c| match c {
            Change::Raise(r) | Change::Reopen(r) | Change::Update(r) => Row::new(c, r, policy).map(Ok),
            Change::Resolve(id) => Ok(Err(id.as_str())),
        })
        .collect::<Result<Vec<_>>>()?;
    let mut tx = store.begin().await?;
    raw::with_connection(&mut tx, |conn| {
        let mut upsert = conn.prepare_cached(
            "INSERT INTO exceptions (id, kind, queue, entity, severity, amount, currency, amount_minor, since, sla_due,
                                     status, summary, evidence, invoice_ref, supplier_ref, subject, fingerprint,
                                     raised_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'open', ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)
             ON CONFLICT (id) DO UPDATE SET
                 severity = excluded.severity, amount = excluded.amount, currency = excluded.currency,
                 amount_minor = excluded.amount_minor, since = excluded.since, sla_due = excluded.sla_due,
                 status = CASE WHEN exceptions.status = 'overridden' THEN 'overridden' ELSE 'open' END,
                 summary = excluded.summary, evidence = excluded.evidence, subject = excluded.subject,
                 fingerprint = excluded.fingerprint, updated_at = excluded.updated_at, resolved_at = NULL",
        )?;
        let mut resolve = conn.prepare_cached(
            "UPDATE exceptions SET status = 'resolved', resolved_at = ?2, updated_at = ?2, pending_action = NULL
             WHERE id = ?1",
        )?;
        let mut event = conn.prepare_cached(
            "INSERT INTO exception_events (exception_id, at, event, actor_id, detail) VALUES (?1, ?2, ?3, NULL, ?4)",
        )?;
        // An exception's anchors never change (its id names them): existing rows stay as they are.
        let mut anchor =
            conn.prepare_cached("INSERT OR IGNORE INTO exception_anchors (anchor, exception_id) VALUES (?1, ?2)")?;
        for row in &rows {
            match row {
                Ok(w) => {
                    let r = w.raised;
                    upsert.execute(rusqlite::params![
                        r.id,
                        r.kind.as_str(),
                        r.kind.queue().as_str(),
                        r.entity,
                        r.severity.rank(),
                        w.amount,
                        w.currency,
                        w.amount_minor,
                        w.since,
                        w.sla_due,
                        r.summary,
                        w.evidence,
                        r.invoice,
                        r.supplier,
                        w.subject,
                        w.fingerprint,
                        at,
                    ])?;
                    event.execute(rusqlite::params![r.id, at, w.event, w.detail])?;
                    for a in &r.anchors {
                        anchor.execute(rusqlite::params![a, r.id])?;
                    }
                }
                Err(id) => {
                    resolve.execute(rusqlite::params![id, at])?;
                    event.execute(rusqlite::params![
                        id,
                        at,
                        "resolved",
                        "the condition cleared at the source"
                    ])?;
                }
            }
        }
        Ok(())
    })
    .await?;
    tx.commit().await?;
    let count = |f: fn(&Change) -> bool| changes.iter().filter(|c| f(c)).count() as u64;
    Ok(Applied {
        raised: count(|c| matches!(c, Change::Raise(_) | Change::Reopen(_))),
        updated: count(|c| matches!(c, Change::Update(_))),
        resolved: count(|c| matches!(c, Change::Resolve(_))),
    })
}
