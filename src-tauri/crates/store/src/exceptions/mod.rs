//! The exception queue: applying a derivation's changes with their history, and the queries
//! behind the Exceptions screen (filters, sorts, keyset pages, one exception with its history).

use chrono::{DateTime, Utc};
use domain::exception::{Evidence, Kind, Severity, Status, Stored, Subject};
use domain::{Currency, Money};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::approval_queue::like_pattern;

mod apply;
use crate::{format_ts, Result, Store, StoreError};
pub use apply::apply;

/// Every stored exception's id, status and fingerprint: what the diff compares against.
pub async fn stored(store: &Store) -> Result<Vec<Stored>> {
    let rows = sqlx::query!("SELECT id, status, fingerprint FROM exceptions")
        .fetch_all(store.reader())
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Stored {
                status: Status::parse(&r.status)
                    .ok_or_else(|| StoreError::corrupt("exceptions", "status", r.status.clone()))?,
                id: r.id,
                fingerprint: r.fingerprint,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub raised: u64,
    pub updated: u64,
    pub resolved: u64,
}

/// The sort key of an amount: minor units, 0 without one (the figure itself is `amount`).
fn minor(m: &Option<Money>) -> i64 {
    m.as_ref().and_then(|m| m.round().to_minor().ok()).unwrap_or(0)
}

/// Records which mirror records each exception was derived from, as (anchor, exception id); an
/// exception's anchors never change (its id names them), so existing rows are left as they are.
async fn put_anchors(tx: &mut SqliteConnection, pairs: &[(&str, &str)]) -> Result<()> {
    for chunk in pairs.chunks(5_000) {
        let json = serde_json::to_string(chunk).map_err(|e| StoreError::corrupt("exception_anchors", "anchor", e))?;
        sqlx::query!(
            "INSERT OR IGNORE INTO exception_anchors (anchor, exception_id)
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)
             WHERE EXISTS (SELECT 1 FROM exceptions e WHERE e.id = json_extract(value, '$[1]'))",
            json
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Makes sure every exception of a full derivation has its anchors, as (anchor, exception id):
/// those raised before anchors were kept get them on the first full pass.
pub async fn anchor_all(store: &Store, pairs: &[(&str, &str)]) -> Result<()> {
    let mut tx = store.begin().await?;
    put_anchors(&mut tx, pairs).await?;
    tx.commit().await?;
    Ok(())
}

/// What an incremental derivation diffs against: the stored rows of the `ids` it derived, and
/// the open rows of `kinds` derived from one of `anchors` — those are in scope, and resolved if
/// the derivation no longer raises them.
pub async fn stored_around(
    store: &Store,
    ids: &[&str],
    anchors: &[String],
    kinds: &[Kind],
) -> Result<(Vec<Stored>, std::collections::HashSet<String>)> {
    fn json<T: Serialize + ?Sized>(v: &T) -> Result<String> {
        serde_json::to_string(v).map_err(|e| StoreError::corrupt("exceptions", "id", e))
    }
    let ids = json(ids)?;
    let anchors = json(anchors)?;
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let kinds = json(&kinds)?;
    let derived = sqlx::query!(
        "SELECT e.id, e.status, e.fingerprint FROM json_each(?1) j JOIN exceptions e ON e.id = j.value",
        ids
    )
    .fetch_all(store.reader())
    .await?;
    let around = sqlx::query!(
        "SELECT DISTINCT e.id, e.status, e.fingerprint
         FROM json_each(?1) j
         JOIN exception_anchors a ON a.anchor = j.value
         JOIN exceptions e ON e.id = a.exception_id
         WHERE e.status != 'resolved' AND e.kind IN (SELECT value FROM json_each(?2))",
        anchors,
        kinds
    )
    .fetch_all(store.reader())
    .await?;
    let scope = around.iter().map(|r| r.id.clone()).collect();
    let rows = derived
        .into_iter()
        .map(|r| (r.id, r.status, r.fingerprint))
        .chain(around.into_iter().map(|r| (r.id, r.status, r.fingerprint)));
    let stored = rows
        .map(|(id, status, fingerprint)| {
            Ok(Stored {
                status: Status::parse(&status)
                    .ok_or_else(|| StoreError::corrupt("exceptions", "status", status.clone()))?,
                id,
                fingerprint,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((stored, scope))
}

async fn event_in(
    tx: &mut SqliteConnection,
    id: &str,
    event: &str,
    actor: Option<&str>,
    detail: &str,
    at: &str,
) -> Result<()> {
    sqlx::query!(
        "INSERT INTO exception_events (exception_id, at, event, actor_id, detail) VALUES (?, ?, ?, ?, ?)",
        id,
        at,
        event,
        actor,
        detail
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A person's step on an exception: an action sent to the source, or an override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<'a> {
    pub actor_id: &'a str,
    /// `action` or `override`
    pub event: &'a str,
    pub detail: &'a str,
    /// The outbox action that carries it, if any.
    pub pending_action: Option<&'a str>,
    /// Sets the exception aside (`overridden`) while its condition lasts.
    pub overridden: bool,
}

/// Records `step` in the caller's transaction, so it commits with the action it describes.
pub async fn record_action(tx: &mut SqliteConnection, id: &str, step: &Step<'_>, now: DateTime<Utc>) -> Result<()> {
    let at = format_ts(now);
    let changed = sqlx::query!(
        "UPDATE exceptions SET pending_action = COALESCE(?2, pending_action), updated_at = ?3,
                status = CASE WHEN ?4 THEN 'overridden' ELSE status END
         WHERE id = ?1 AND status != 'resolved'",
        id,
        step.pending_action,
        at,
        step.overridden
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::Conflict(format!(
            "exception {id} is resolved or does not exist"
        )));
    }
    event_in(tx, id, step.event, Some(step.actor_id), step.detail, &at).await
}

pub async fn record_run(store: &Store, run: &Run) -> Result<()> {
    let started = format_ts(run.started);
    let watermark = format_ts(run.watermark);
    let (raised, updated, resolved) = (
        run.applied.raised as i64,
        run.applied.updated as i64,
        run.applied.resolved as i64,
    );
    sqlx::query!(
        "INSERT INTO exception_runs (started_at, millis, raised, updated, resolved, open_total, watermark, full_pass)
         VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(SUM(n), 0) FROM exception_counts WHERE status = 'open'), ?, ?)",
        started,
        run.millis,
        raised,
        updated,
        resolved,
        watermark,
        run.full
    )
    .execute(store.writer())
    .await?;
    Ok(())
}

/// One derivation, as the runs log keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// The time the rules judged by (SLAs, ages).
    pub started: DateTime<Utc>,
    /// The wall clock when it began reading the mirror: records synced later are the next
    /// incremental run's work.
    pub watermark: DateTime<Utc>,
    pub millis: i64,
    pub applied: Applied,
    pub full: bool,
}

/// Where the next incremental derivation starts: the last run's watermark. `None` until a full
/// derivation has run with anchors and duplicate keys kept.
pub async fn watermark(store: &Store) -> Result<Option<DateTime<Utc>>> {
    let w = sqlx::query_scalar!(
        r#"SELECT watermark AS "watermark!: String" FROM exception_runs
           WHERE watermark IS NOT NULL ORDER BY id DESC LIMIT 1"#
    )
    .fetch_optional(store.reader())
    .await?;
    w.map(|w| crate::parse_ts(&w).map_err(|e| StoreError::corrupt("exception_runs", "watermark", e)))
        .transpose()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    Since,
    Amount,
    Severity,
    SlaDue,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The owning role's name (`ap_clerk`, …); `None` is every queue.
    pub queue: Option<String>,
    pub kind: Option<String>,
    pub entity: Option<String>,
    /// `open` (the default), `overridden`, `resolved`.
    pub status: Option<String>,
    pub search: Option<String>,
    pub breached_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub filter: Filter,
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<String>,
    pub limit: i64,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub kind: Kind,
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
    pub pending_action: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub rows: Vec<Row>,
    pub next_cursor: Option<String>,
    pub total: i64,
    /// `total` is a lower bound: a text search stops counting at [`SEARCH_COUNT_CAP`].
    pub total_capped: bool,
}

#[derive(Serialize, Deserialize)]
struct Cursor(i64, String, String);

struct Raw {
    id: String,
    kind: String,
    queue: String,
    entity: String,
    severity: i64,
    amount: Option<String>,
    currency: Option<String>,
    since: String,
    sla_due: String,
    status: String,
    summary: String,
    invoice_ref: Option<String>,
    supplier_ref: Option<String>,
    pending_action: Option<String>,
    updated_at: String,
    sort_int: i64,
    sort_text: String,
}

// One query per sort, so each can walk its index (status[, queue], sort key) and stop after a
// page instead of sorting the whole queue: `$int` and `$text` are the sort key's two parts.
macro_rules! page_query {
    ($scope:literal, $int:literal, $text:literal, $order:literal, $cmp:tt, $($arg:expr),*) => {
        page_query!(@from "", "exceptions", $scope, $int, $text, $order, $cmp, $($arg),*)
    };
    (@from $with:literal, $from:literal, $scope:literal, $int:literal, $text:literal, $order:literal, $cmp:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            Raw,
            $with + r#"SELECT id AS "id!: String", kind AS "kind!: String", queue AS "queue!: String", entity AS "entity!: String",
                      severity AS "severity!: i64", amount, currency, since AS "since!: String", sla_due AS "sla_due!: String",
                      status AS "status!: String", summary AS "summary!: String", invoice_ref, supplier_ref, pending_action,
                      updated_at AS "updated_at!: String", "# + $int + r#" AS "sort_int!: i64", "# + $text + r#" AS "sort_text!: String"
               FROM "# + $from + r#"
               WHERE status = ?1 AND "# + $scope + r#"
                 AND (?4 IS NULL OR entity = ?4)
                 AND (?5 IS NULL OR summary LIKE ?5 ESCAPE '\' OR invoice_ref LIKE ?5 ESCAPE '\'
                      OR supplier_ref LIKE ?5 ESCAPE '\')
                 AND (NOT ?6 OR sla_due < ?7)
                 AND (?8 IS NULL OR ("# + $int + ", " + $text + r#", id) "# + $cmp + r#" (?8, ?9, ?10))
               ORDER BY "# + $order + r#"
               LIMIT ?11"#,
            $($arg),*
        )
    };
}

// A kind or queue filter is written as a plain equality, so the (status, kind | queue, sort key)
// indexes serve it; a kind belongs to one queue, so with a kind the queue is only checked.
macro_rules! page_sorted {
    ($store:expr, $scoped:expr, $int:literal, $text:literal, $asc:literal, $desc:literal, $descending:expr, $($arg:expr),*) => {
        match ($scoped, $descending) {
            (Scope::Kind, true) => page_query!("kind = ?3 AND (?2 IS NULL OR queue = ?2)", $int, $text, $desc, "<", $($arg),*)
                .fetch_all($store.reader()).await?,
            (Scope::Kind, false) => page_query!("kind = ?3 AND (?2 IS NULL OR queue = ?2)", $int, $text, $asc, ">", $($arg),*)
                .fetch_all($store.reader()).await?,
            (Scope::Queue, true) => page_query!("queue = ?2 AND (?3 IS NULL OR kind = ?3)", $int, $text, $desc, "<", $($arg),*)
                .fetch_all($store.reader()).await?,
            (Scope::Queue, false) => page_query!("queue = ?2 AND (?3 IS NULL OR kind = ?3)", $int, $text, $asc, ">", $($arg),*)
                .fetch_all($store.reader()).await?,
            (Scope::All, true) => page_query!("(?2 IS NULL OR queue = ?2) AND (?3 IS NULL OR kind = ?3)", $int, $text, $desc, "<", $($arg),*)
                .fetch_all($store.reader()).await?,
            (Scope::All, false) => page_query!("(?2 IS NULL OR queue = ?2) AND (?3 IS NULL OR kind = ?3)", $int, $text, $asc, ">", $($arg),*)
                .fetch_all($store.reader()).await?,
        }
    };
}

// A search with few matches reads them from the trigram index (`exception_text`, ?12) and sorts
// just those; the LIKE still decides, so both paths select the same rows.
macro_rules! page_matched {
    ($store:expr, $int:literal, $text:literal, $asc:literal, $desc:literal, $descending:expr, $($arg:expr),*) => {
        if $descending {
            page_query!(@from
                "WITH matches(r) AS MATERIALIZED (SELECT rowid FROM exception_text WHERE exception_text MATCH ?12) ",
                "matches CROSS JOIN exceptions ON exceptions.rowid = matches.r",
                "(?2 IS NULL OR queue = ?2) AND (?3 IS NULL OR kind = ?3)", $int, $text, $desc, "<", $($arg),*)
            .fetch_all($store.reader()).await?
        } else {
            page_query!(@from
                "WITH matches(r) AS MATERIALIZED (SELECT rowid FROM exception_text WHERE exception_text MATCH ?12) ",
                "matches CROSS JOIN exceptions ON exceptions.rowid = matches.r",
                "(?2 IS NULL OR queue = ?2) AND (?3 IS NULL OR kind = ?3)", $int, $text, $asc, ">", $($arg),*)
            .fetch_all($store.reader()).await?
        }
    };
}

#[derive(Clone, Copy)]
enum Scope {
    Kind,
    Queue,
    All,
}

pub async fn page(store: &Store, req: &Request) -> Result<Page> {
    let f = &req.filter;
    let status = f.status.clone().unwrap_or_else(|| "open".into());
    let search = like_pattern(&f.search);
    let now = format_ts(req.now);
    let after = req
        .after
        .as_deref()
        .map(|c| {
            serde_json::from_str::<Cursor>(c).map_err(|e| StoreError::Conflict(format!("invalid page cursor: {e}")))
        })
        .transpose()?;
    let (a_int, a_text, a_key) = match after {
        Some(Cursor(i, t, k)) => (Some(i), Some(t), Some(k)),
        None => (None, None, None),
    };
    let limit = req.limit.clamp(1, 500);
    let breached = f.breached_only;
    let d = req.descending;
    // A kind belongs to one queue: asked for under another, it has nothing to show, and the
    // walk of its index would read every row of the kind to find that out.
    if let (Some(kind), Some(queue)) = (&f.kind, &f.queue) {
        if Kind::parse(kind).is_some_and(|k| k.queue().as_str() != queue) {
            return Ok(Page {
                rows: Vec::new(),
                next_cursor: None,
                total: 0,
                total_capped: false,
            });
        }
    }
    let scope = match (&f.kind, &f.queue) {
        (Some(_), _) => Scope::Kind,
        (None, Some(_)) => Scope::Queue,
        (None, None) => Scope::All,
    };
    let matched = few_matches(store, f.search.as_deref()).await?;
    // Every sort binds the same arguments; only its columns differ.
    macro_rules! sorted {
        ($int:literal, $text:literal, $asc:literal, $desc:literal) => {
            match &matched {
                Some(fts) => page_matched!(
                    store, $int, $text, $asc, $desc, d, status, f.queue, f.kind, f.entity, search, breached, now,
                    a_int, a_text, a_key, limit, fts
                ),
                None => page_sorted!(
                    store, scope, $int, $text, $asc, $desc, d, status, f.queue, f.kind, f.entity, search, breached,
                    now, a_int, a_text, a_key, limit
                ),
            }
        };
    }
    let rows = match req.sort {
        // The ORDER BY names only the columns that vary, so it matches an index.
        SortKey::Since => sorted!("0", "since", "since ASC, id ASC", "since DESC, id DESC"),
        SortKey::SlaDue => sorted!("0", "sla_due", "sla_due ASC, id ASC", "sla_due DESC, id DESC"),
        SortKey::Amount => sorted!(
            "amount_minor",
            "''",
            "amount_minor ASC, id ASC",
            "amount_minor DESC, id DESC"
        ),
        SortKey::Severity => sorted!(
            "severity",
            "since",
            "severity ASC, since ASC, id ASC",
            "severity DESC, since DESC, id DESC"
        ),
    };
    let (total, total_capped) = total(store, f, &status, &search, &now, matched.as_deref()).await?;
    let next_cursor = if rows.len() as i64 == limit {
        rows.last()
            .map(|r| serde_json::to_string(&Cursor(r.sort_int, r.sort_text.clone(), r.id.clone())))
            .transpose()
            .map_err(|e| StoreError::corrupt("exceptions", "cursor", e))?
    } else {
        None
    };
    let rows = rows.into_iter().map(|r| to_row(r, &now)).collect::<Result<Vec<_>>>()?;
    Ok(Page {
        rows,
        next_cursor,
        total,
        total_capped,
    })
}

/// Up to this many rows matching a search's text are read from the trigram index and sorted;
/// more, and the page walks the sort's index instead, where matches are that dense.
const FEW_MATCHES: i64 = 5_000;

/// The trigram query for `search` when its text has few matches (three characters or more;
/// a trigram index cannot answer shorter text).
async fn few_matches(store: &Store, search: Option<&str>) -> Result<Option<String>> {
    let Some(text) = search.map(str::trim).filter(|t| t.chars().count() >= 3) else {
        return Ok(None);
    };
    let fts = format!("\"{}\"", text.replace('"', "\"\""));
    let cap = FEW_MATCHES + 1;
    let n = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM (SELECT 1 FROM exception_text WHERE exception_text MATCH ?1 LIMIT ?2)"#,
        fts,
        cap
    )
    .fetch_one(store.reader())
    .await?;
    Ok((n <= FEW_MATCHES).then_some(fts))
}

/// A text search with many matches counts them up to this many; the screen shows "1,000+".
pub const SEARCH_COUNT_CAP: i64 = 1_000;

/// How many exceptions the filter selects, and whether that is only a lower bound. The kept
/// counts answer every filter but a text search; an SLA-breached list is those less the range
/// not yet due, read from one covering index.
async fn total(
    store: &Store,
    f: &Filter,
    status: &str,
    search: &Option<String>,
    now: &str,
    matched: Option<&str>,
) -> Result<(i64, bool)> {
    // How many rows a search selects, read from `$from` (?8 is its extra argument).
    macro_rules! searched {
        ($with:literal, $from:literal, $tail:literal, $extra:expr) => {
            sqlx::query_scalar!(
                $with
                    + r#"SELECT COUNT(*) AS "n!: i64" FROM ("#
                    + $from
                    + r#"
                   WHERE status = ?1 AND (?2 IS NULL OR queue = ?2) AND (?3 IS NULL OR kind = ?3)
                     AND (?4 IS NULL OR entity = ?4)
                     AND (summary LIKE ?5 ESCAPE '\' OR invoice_ref LIKE ?5 ESCAPE '\'
                          OR supplier_ref LIKE ?5 ESCAPE '\')
                     AND (NOT ?6 OR sla_due < ?7) "#
                    + $tail
                    + ")",
                status,
                f.queue,
                f.kind,
                f.entity,
                search,
                f.breached_only,
                now,
                $extra
            )
            .fetch_one(store.reader())
            .await?
        };
    }
    if let Some(fts) = matched {
        let n = searched!(
            "WITH matches(r) AS MATERIALIZED (SELECT rowid FROM exception_text WHERE exception_text MATCH ?8) ",
            "SELECT 1 FROM matches CROSS JOIN exceptions ON exceptions.rowid = matches.r",
            "",
            fts
        );
        return Ok((n, false));
    }
    if search.is_some() {
        let cap = SEARCH_COUNT_CAP + 1;
        let n = searched!("", "SELECT 1 FROM exceptions", "LIMIT ?8", cap);
        return Ok((n.min(SEARCH_COUNT_CAP), n > SEARCH_COUNT_CAP));
    }
    let kept = sqlx::query_scalar!(
        r#"SELECT COALESCE(SUM(n), 0) AS "n!: i64" FROM exception_counts
           WHERE status = ?1 AND (?2 IS NULL OR queue = ?2) AND (?3 IS NULL OR kind = ?3)
             AND (?4 IS NULL OR entity = ?4)"#,
        status,
        f.queue,
        f.kind,
        f.entity
    )
    .fetch_one(store.reader())
    .await?;
    if !f.breached_only {
        return Ok((kept, false));
    }
    let not_yet_due = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM exceptions INDEXED BY exceptions_sla_scope
           WHERE status = ?1 AND sla_due >= ?5 AND (?2 IS NULL OR queue = ?2) AND (?3 IS NULL OR kind = ?3)
             AND (?4 IS NULL OR entity = ?4)"#,
        status,
        f.queue,
        f.kind,
        f.entity,
        now
    )
    .fetch_one(store.reader())
    .await?;
    Ok((kept - not_yet_due, false))
}

fn money_of(amount: Option<String>, currency: Option<String>) -> Result<Option<Money>> {
    match (amount, currency) {
        (Some(a), Some(c)) => Ok(Some(Money::parse(&a, &c)?)),
        _ => Ok(None),
    }
}

fn to_row(r: Raw, now: &str) -> Result<Row> {
    Ok(Row {
        kind: Kind::parse(&r.kind).ok_or_else(|| StoreError::corrupt("exceptions", "kind", r.kind.clone()))?,
        status: Status::parse(&r.status)
            .ok_or_else(|| StoreError::corrupt("exceptions", "status", r.status.clone()))?,
        severity: Severity::from_rank(r.severity),
        amount: money_of(r.amount, r.currency)?,
        breached: r.status == "open" && r.sla_due.as_str() < now,
        id: r.id,
        queue: r.queue,
        entity: r.entity,
        since: r.since,
        sla_due: r.sla_due,
        summary: r.summary,
        invoice: r.invoice_ref,
        supplier: r.supplier_ref,
        pending_action: r.pending_action,
        updated_at: r.updated_at,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: String,
    pub event: String,
    pub actor_id: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub row: Row,
    pub evidence: Evidence,
    pub subject: Option<Subject>,
    pub history: Vec<Event>,
}

pub async fn get(store: &Store, id: &str, now: DateTime<Utc>) -> Result<Option<Detail>> {
    let Some(r) = sqlx::query!(
        r#"SELECT id AS "id!: String", kind, queue, entity, severity, amount, currency, since, sla_due, status, summary,
                  invoice_ref, supplier_ref, pending_action, updated_at, evidence, subject
           FROM exceptions WHERE id = ?"#,
        id
    )
    .fetch_optional(store.reader())
    .await?
    else {
        return Ok(None);
    };
    let evidence = serde_json::from_str(&r.evidence).map_err(|e| StoreError::corrupt("exceptions", "evidence", e))?;
    let subject = r
        .subject
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| StoreError::corrupt("exceptions", "subject", e))?;
    let history = sqlx::query_as!(
        Event,
        "SELECT at, event, actor_id, detail FROM exception_events WHERE exception_id = ? ORDER BY id",
        id
    )
    .fetch_all(store.reader())
    .await?;
    let row = to_row(
        Raw {
            id: r.id,
            kind: r.kind,
            queue: r.queue,
            entity: r.entity,
            severity: r.severity,
            amount: r.amount,
            currency: r.currency,
            since: r.since,
            sla_due: r.sla_due,
            status: r.status,
            summary: r.summary,
            invoice_ref: r.invoice_ref,
            supplier_ref: r.supplier_ref,
            pending_action: r.pending_action,
            updated_at: r.updated_at,
            sort_int: 0,
            sort_text: String::new(),
        },
        &format_ts(now),
    )?;
    Ok(Some(Detail {
        row,
        evidence,
        subject,
        history,
    }))
}

/// Open exceptions per kind: how many, how many past their SLA, and the amount at risk per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCount {
    pub kind: Kind,
    pub open: i64,
    pub breached: i64,
    pub amounts: Vec<Money>,
}

pub async fn summary(store: &Store, queue: Option<&str>, now: DateTime<Utc>) -> Result<Vec<KindCount>> {
    let now = format_ts(now);
    // Open counts and amounts from the kept counts; breached = open − not yet due, where "not
    // yet due" is a range of the (status, sla_due, queue, kind) index.
    let rows = sqlx::query!(
        r#"SELECT kind AS "kind!: String", currency AS "currency!: String", SUM(n) AS "open!: i64",
                  SUM(amount_minor) AS "minor!: i64"
           FROM exception_counts WHERE status = 'open' AND (?1 IS NULL OR queue = ?1) AND n > 0
           GROUP BY kind, currency ORDER BY kind, currency"#,
        queue
    )
    .fetch_all(store.reader())
    .await?;
    let due_later: std::collections::HashMap<String, i64> = sqlx::query!(
        r#"SELECT kind AS "kind!: String", COUNT(*) AS "n!: i64" FROM exceptions
           WHERE status = 'open' AND sla_due >= ?2 AND (?1 IS NULL OR queue = ?1) GROUP BY kind"#,
        queue,
        now
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(|r| (r.kind, r.n))
    .collect();
    let mut out: Vec<KindCount> = Vec::new();
    for r in rows {
        let kind = Kind::parse(&r.kind).ok_or_else(|| StoreError::corrupt("exceptions", "kind", r.kind.clone()))?;
        if out.last().map(|k| k.kind) != Some(kind) {
            out.push(KindCount {
                kind,
                open: 0,
                breached: 0,
                amounts: vec![],
            });
        }
        let k = out.last_mut().expect("pushed above");
        k.open += r.open;
        if !r.currency.is_empty() {
            k.amounts.push(Money::from_minor(r.minor, Currency::new(&r.currency)?));
        }
    }
    for k in &mut out {
        k.breached = k.open - due_later.get(k.kind.as_str()).copied().unwrap_or(0);
    }
    Ok(out)
}

/// Every exception, open or not, about one AP invoice: the trace shows them.
pub async fn for_invoice(store: &Store, invoice: &str, now: DateTime<Utc>) -> Result<Vec<Row>> {
    let rows = sqlx::query_as!(
        Raw,
        r#"SELECT id AS "id!: String", kind, queue, entity, severity, amount, currency, since, sla_due, status, summary,
                  invoice_ref, supplier_ref, pending_action, updated_at, 0 AS "sort_int!: i64", '' AS "sort_text!: String"
           FROM exceptions WHERE invoice_ref = ? ORDER BY since"#,
        invoice
    )
    .fetch_all(store.reader())
    .await?;
    let now = format_ts(now);
    rows.into_iter().map(|r| to_row(r, &now)).collect()
}

/// The status of each of `ids` that exists, in one query.
pub async fn statuses(store: &Store, ids: &[String]) -> Result<std::collections::HashMap<String, Status>> {
    let json = serde_json::to_string(ids).map_err(|e| StoreError::corrupt("exceptions", "id", e))?;
    let rows = sqlx::query!(
        r#"SELECT id AS "id!: String", status FROM exceptions WHERE id IN (SELECT value FROM json_each(?))"#,
        json
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| {
            let s = Status::parse(&r.status)
                .ok_or_else(|| StoreError::corrupt("exceptions", "status", r.status.clone()))?;
            Ok((r.id, s))
        })
        .collect()
}
