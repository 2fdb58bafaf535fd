//! Matching runs: who ran them with which rules, what they changed, and break aging against the
//! run before (items newly open, still open, no longer open).

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::{format_ts, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub bank_lines: i64,
    pub ledger_entries: i64,
    pub automatic: i64,
    pub suggested: i64,
    pub manual: i64,
    pub added: i64,
    pub removed: i64,
    pub changed: i64,
    pub unchanged: i64,
    pub open_bank: i64,
    pub open_ledger: i64,
    pub breaks_new: i64,
    pub breaks_persisting: i64,
    pub breaks_resolved: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub id: i64,
    pub started_at: String,
    pub finished_at: String,
    pub actor_id: String,
    /// JSON of the rule set the run used.
    pub rules: String,
    /// JSON: per pass, its automatic and suggested counts.
    pub passes: String,
    pub counts: RunCounts,
}

pub async fn insert(
    tx: &mut SqliteConnection,
    actor_id: &str,
    rules: &str,
    passes: &str,
    c: &RunCounts,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
) -> Result<i64> {
    let (started, finished) = (format_ts(started_at), format_ts(finished_at));
    let id = sqlx::query_scalar!(
        r#"INSERT INTO recon_runs (started_at, finished_at, actor_id, rules, bank_lines, ledger_entries, automatic,
               suggested, manual, added, removed, changed, unchanged, open_bank, open_ledger, breaks_new,
               breaks_persisting, breaks_resolved, passes)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           RETURNING id AS "id!: i64""#,
        started,
        finished,
        actor_id,
        rules,
        c.bank_lines,
        c.ledger_entries,
        c.automatic,
        c.suggested,
        c.manual,
        c.added,
        c.removed,
        c.changed,
        c.unchanged,
        c.open_bank,
        c.open_ledger,
        c.breaks_new,
        c.breaks_persisting,
        c.breaks_resolved,
        passes
    )
    .fetch_one(tx)
    .await?;
    Ok(id)
}

/// Break aging is known only once the matches are written; the run row exists before them.
pub async fn set_breaks(
    tx: &mut SqliteConnection,
    id: i64,
    open_bank: i64,
    open_ledger: i64,
    new: i64,
    persisting: i64,
    resolved: i64,
) -> Result<()> {
    sqlx::query!(
        "UPDATE recon_runs SET open_bank = ?2, open_ledger = ?3, breaks_new = ?4, breaks_persisting = ?5,
             breaks_resolved = ?6
         WHERE id = ?1",
        id,
        open_bank,
        open_ledger,
        new,
        persisting,
        resolved
    )
    .execute(tx)
    .await?;
    Ok(())
}

struct Row {
    id: i64,
    started_at: String,
    finished_at: String,
    actor_id: String,
    rules: String,
    passes: String,
    bank_lines: i64,
    ledger_entries: i64,
    automatic: i64,
    suggested: i64,
    manual: i64,
    added: i64,
    removed: i64,
    changed: i64,
    unchanged: i64,
    open_bank: i64,
    open_ledger: i64,
    breaks_new: i64,
    breaks_persisting: i64,
    breaks_resolved: i64,
}

impl From<Row> for Run {
    fn from(r: Row) -> Self {
        Run {
            id: r.id,
            started_at: r.started_at,
            finished_at: r.finished_at,
            actor_id: r.actor_id,
            rules: r.rules,
            passes: r.passes,
            counts: RunCounts {
                bank_lines: r.bank_lines,
                ledger_entries: r.ledger_entries,
                automatic: r.automatic,
                suggested: r.suggested,
                manual: r.manual,
                added: r.added,
                removed: r.removed,
                changed: r.changed,
                unchanged: r.unchanged,
                open_bank: r.open_bank,
                open_ledger: r.open_ledger,
                breaks_new: r.breaks_new,
                breaks_persisting: r.breaks_persisting,
                breaks_resolved: r.breaks_resolved,
            },
        }
    }
}

/// The latest runs, newest first.
pub async fn recent<'e>(ex: impl SqliteExecutor<'e>, limit: i64) -> Result<Vec<Run>> {
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!: i64", started_at, finished_at, actor_id, rules, passes, bank_lines, ledger_entries,
                  automatic, suggested, manual, added, removed, changed, unchanged, open_bank, open_ledger,
                  breaks_new, breaks_persisting, breaks_resolved
           FROM recon_runs ORDER BY id DESC LIMIT ?"#,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(Run::from).collect())
}
