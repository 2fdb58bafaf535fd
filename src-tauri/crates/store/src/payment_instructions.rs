//! Payment instructions as the payments screen pages them: by run, or by the bank's answer,
//! newest first, through partial expression indexes on the mirrored records.

use domain::treasury::PaymentInstruction;
use domain::Document;

use crate::{Result, Store, StoreError};

fn instruction(payload: &str) -> Result<PaymentInstruction> {
    match crate::source_records::parse("payment_instructions", payload)? {
        Document::PaymentInstruction(i) => Ok(i),
        _ => Err(StoreError::corrupt(
            "source_records",
            "payload",
            "not a payment instruction",
        )),
    }
}

/// Which instructions: every one, those with one ISO status, or those without a final answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    All,
    Status(String),
    InFlight,
}

/// One page of instructions, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub which: Which,
    /// Only this run's instructions.
    pub run_id: Option<String>,
    /// Only those the bank has not answered finally and that were created before this time
    /// (RFC 3339): the unconfirmed ones.
    pub created_before: Option<String>,
    /// Text anywhere in the record (creditor, end-to-end id, instruction or invoice id, IBAN),
    /// case-insensitive.
    pub search: Option<String>,
    /// The previous page's last row (see [`Page::next`]).
    pub after: Option<String>,
    pub limit: i64,
}

/// Instructions with the connection each came from, and the cursor of the next page if there
/// may be one.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub rows: Vec<(String, PaymentInstruction)>,
    pub next: Option<String>,
}

/// The keyset position: (modified_at, connection, id) of the last row shown.
#[derive(serde::Serialize, serde::Deserialize)]
struct Cursor(String, String, String);

// Each shape walks one index in (modified_at, connection, id) order, descending, from the
// cursor on (the unconfirmed one reads its range and sorts it); the filters that no index serves
// are checked per row on the way. A shape over in-flight instructions spells out their partial
// indexes' condition, so SQLite may use them.
macro_rules! instructions_page {
    (@from $db:expr, $from:literal, $where:literal, $($arg:expr),*) => {
        sqlx::query!(
            r#"SELECT connection_id, external_id, json_extract(payload, '$.modified_at') AS "modified!: String", payload
               FROM "# + $from + r#"
               WHERE resource = 'payment_instructions' AND "# + $where + r#"
                 AND (json_extract(payload, '$.modified_at'), connection_id, external_id) < (?2, ?3, ?4)
                 AND (NOT ?5 OR json_extract(payload, '$.status') NOT IN ('ACSC', 'RJCT'))
                 AND (?6 IS NULL OR COALESCE(json_extract(payload, '$.history[0].at'),
                                             json_extract(payload, '$.modified_at')) < ?6)
                 AND (?7 IS NULL OR payload LIKE ?7 ESCAPE '\')
               ORDER BY json_extract(payload, '$.modified_at') DESC, connection_id DESC, external_id DESC
               LIMIT ?8"#,
            $($arg),*
        )
        .fetch_all($db)
        .await?
        .into_iter()
        .map(|r| (r.connection_id, r.external_id, r.modified, r.payload))
        .collect::<Vec<_>>()
    };
}

/// One page of instructions under `q`, newest first.
pub async fn page(store: &Store, q: &Query) -> Result<Page> {
    let Cursor(at, conn, id) = match &q.after {
        Some(c) => serde_json::from_str(c).map_err(|e| StoreError::Conflict(format!("invalid page cursor: {e}")))?,
        // Above every timestamp, so the first page starts at the newest.
        None => Cursor("~".into(), String::new(), String::new()),
    };
    let limit = q.limit.clamp(1, 1000);
    let in_flight = matches!(q.which, Which::InFlight) || q.created_before.is_some();
    let status = match &q.which {
        Which::Status(s) => Some(s.clone()),
        _ => None,
    };
    let search = crate::approval_queue::like_pattern(&q.search);
    let db = store.reader();
    let before = &q.created_before;
    // Every shape binds the same arguments after its own first one (?1).
    macro_rules! shape {
        ($where:literal, $first:expr $(, $extra:expr)?) => {
            shape!(@from "source_records", $where, $first $(, $extra)?)
        };
        (@from $from:literal, $where:literal, $first:expr $(, $extra:expr)?) => {
            instructions_page!(@from db, $from, $where, $first, at, conn, id, in_flight, before, search, limit $(, $extra)?)
        };
    }
    let rows = match (&q.run_id, &status) {
        (Some(run), Some(status)) => shape!(
            "json_extract(payload, '$.run_id') = ?1 AND json_extract(payload, '$.status') = ?9",
            run,
            status
        ),
        (Some(run), None) if in_flight => shape!(
            "json_extract(payload, '$.run_id') = ?1 AND json_extract(payload, '$.status') NOT IN ('ACSC', 'RJCT')",
            run
        ),
        (Some(run), None) => shape!("json_extract(payload, '$.run_id') = ?1", run),
        (None, Some(status)) => shape!("json_extract(payload, '$.status') = ?1", status),
        // Not confirmed within the SLA: few, whatever their age, so their range comes first.
        (None, None) if before.is_some() => shape!(
            @from "source_records INDEXED BY source_records_instructions_in_flight_created",
            "?1 IS NULL AND json_extract(payload, '$.status') NOT IN ('ACSC', 'RJCT')
             AND COALESCE(json_extract(payload, '$.history[0].at'), json_extract(payload, '$.modified_at')) < ?6",
            None::<String>
        ),
        (None, None) if in_flight => shape!(
            "?1 IS NULL AND json_extract(payload, '$.status') NOT IN ('ACSC', 'RJCT')",
            None::<String>
        ),
        (None, None) => shape!("?1 IS NULL", None::<String>),
    };
    let next = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|(c, i, m, _)| Cursor(m.clone(), c.clone(), i.clone())))
        .flatten()
        .map(|c| serde_json::to_string(&c))
        .transpose()
        .map_err(|e| StoreError::corrupt("source_records", "cursor", e))?;
    let rows = rows
        .into_iter()
        .map(|(c, _, _, p)| Ok((c, instruction(&p)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page { rows, next })
}

/// Per run: instructions settled, rejected and still in flight, for the runs asked about.
pub async fn counts(store: &Store, run_ids: &[String]) -> Result<Vec<(String, i64, i64, i64)>> {
    let ids = serde_json::to_string(run_ids).map_err(|e| StoreError::corrupt("source_records", "run_id", e))?;
    let rows = sqlx::query!(
        r#"SELECT run_id, status, n FROM payment_run_counts
           WHERE run_id IN (SELECT value FROM json_each(?)) AND n > 0"#,
        ids
    )
    .fetch_all(store.reader())
    .await?;
    let mut by_run: std::collections::BTreeMap<String, (i64, i64, i64)> = Default::default();
    for r in rows {
        let c = by_run.entry(r.run_id).or_default();
        match r.status.as_str() {
            "ACSC" => c.0 += r.n,
            "RJCT" => c.1 += r.n,
            _ => c.2 += r.n,
        }
    }
    Ok(by_run.into_iter().map(|(run, (s, r, f))| (run, s, r, f)).collect())
}
