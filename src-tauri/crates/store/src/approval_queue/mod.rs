//! The approver's queue and its aging summary: the queries behind the Approvals screen.
//!
//! Ages are business days on each entity's calendar: `today_ordinal - assigned_ordinal`, both
//! maintained in Rust from `domain::BusinessCalendar`, so SQL only subtracts integers.
//!
//! A page walks `approval_queue_keys` (the pending steps with their invoice's and supplier's sort
//! keys, kept by triggers; see its migration) in the order asked for, one index walk per approver
//! and entity that stops after a page, merges the walks (with the few decided steps whose last
//! action was refused) and only then reads what the screen shows of the page's rows. Within an
//! entity a step's age only depends on its assigned ordinal, so every sort, age included, is an
//! index order there. A search reads the steps of the suppliers whose names match (or every step,
//! when an invoice number may match too) from one covering index and sorts those. Totals and the
//! aging summary add up `approval_queue_counts`. While a first pull has the keys suspended, the
//! queue reads the mirror's tables as it did before the keys, with the same rows, order and cursor.

use domain::{AgingBucket, Currency, Money};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    DueDate,
    Amount,
    Age,
    Supplier,
    InvoiceNumber,
}

impl SortKey {
    fn as_str(self) -> &'static str {
        match self {
            SortKey::DueDate => "due_date",
            SortKey::Amount => "amount",
            SortKey::Age => "age",
            SortKey::Supplier => "supplier",
            SortKey::InvoiceNumber => "invoice_number",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub entity: Option<String>,
    pub bucket: Option<AgingBucket>,
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRequest {
    /// The signed-in approver first, then anyone they stand in for today (delegation).
    pub approvers: Vec<String>,
    pub filter: QueueFilter,
    pub sort: SortKey,
    pub descending: bool,
    /// The opaque cursor of the previous page's last row.
    pub after: Option<String>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingActionView {
    pub action_id: String,
    pub decision: String,
    pub status: String,
    pub reason: Option<String>,
    pub source_message: Option<String>,
    pub queued_at: String,
    pub attempts: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub connection_id: String,
    pub approval_id: String,
    pub invoice_id: String,
    pub invoice_number: String,
    pub supplier_name: String,
    pub entity_code: String,
    pub entity_name: String,
    pub amount: Money,
    pub invoice_date: String,
    pub due_date: String,
    pub assigned_on: String,
    pub age_business_days: i64,
    pub bucket: AgingBucket,
    pub step: i64,
    pub step_count: i64,
    pub step_name: String,
    pub status: String,
    pub created_by: Option<String>,
    pub coded_by: Option<String>,
    pub pending_action: Option<PendingActionView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

/// Where the previous page ended: the sort key (an integer and a text, as the sort uses either),
/// then the step's connection and id, which break ties.
#[derive(Serialize, Deserialize)]
struct Cursor(i64, String, String, String);

/// A row of a page as SQL returns it, with its sort key (`sort_int`: the amount or the age).
struct Raw {
    connection_id: String,
    approval_id: String,
    invoice_id: String,
    invoice_number: String,
    supplier_name: String,
    entity_code: String,
    entity_name: String,
    currency: String,
    total_minor: i64,
    invoice_date: String,
    due_date: String,
    assigned_at: String,
    age: i64,
    step: i64,
    step_count: i64,
    step_name: String,
    status: String,
    created_by: Option<String>,
    coded_by: Option<String>,
    action_id: Option<String>,
    action_payload: Option<String>,
    action_status: Option<String>,
    action_message: Option<String>,
    action_created_at: Option<String>,
    action_attempts: Option<i64>,
    sort_int: i64,
    sort_text: String,
}

/// A legal entity whose steps a page walks.
struct EntityRow {
    connection_id: String,
    code: String,
    today_ordinal: i64,
}

/// A step a page may show, with its place in the order (`sort_int`: the amount or the age).
struct Key {
    connection_id: String,
    approval_id: String,
    sort_int: i64,
    sort_text: String,
}

impl Key {
    fn tuple(&self) -> (i64, &str, &str, &str) {
        (self.sort_int, &self.sort_text, &self.connection_id, &self.approval_id)
    }
}

// One entity's pending steps of one approver, walked along `$index` from the cursor (?6 the sort
// key, or the ordinal for age; ?7, ?8 the tie-break) and cut at the limit (?9), from the index
// alone. `$key` is the indexed sort column, `$from` the bound that starts the walk (`$floor` on a
// first page), `$past` the strict comparison of the key and `$tie` the comparison of (connection,
// id) on an equal key.
macro_rules! walk {
    ($db:expr; $index:tt, $sort_int:tt, $sort_text:tt, $key:tt, $from:tt, $floor:tt, $past:tt, $tie:tt, $order:tt;
     $($arg:expr),*) => {
        sqlx::query_as!(
            Key,
            r#"SELECT k.connection_id AS "connection_id!: String", k.external_id AS "approval_id!: String",
                      "# + $sort_int + r#" AS "sort_int!: i64", "# + $sort_text + r#" AS "sort_text!: String"
               FROM approval_queue_keys k INDEXED BY "# + $index + r#"
               WHERE k.approver_id = ?1 AND k.connection_id = ?2 AND k.entity_code = ?3
                 AND k.assigned_ordinal BETWEEN ?4 AND ?5
                 AND "# + $key + " " + $from + " COALESCE(?6, " + $floor + ")
                 AND (?6 IS NULL OR " + $key + " " + $past + " ?6
                      OR (k.connection_id, k.external_id) " + $tie + r#" (?7, ?8))
               ORDER BY "# + $order + r#"
               LIMIT ?9"#,
            $($arg),*
        )
        .fetch_all(&mut *$db)
        .await?
    };
}

// The approvers' (?1, JSON) pending steps that a search matches (`$matches`, on ?6) in the entity
// ?2 (or all) with an age in ?3..?4, read from the supplier index alone, sorted by the key ?5
// after the cursor (?7 to ?10) and cut at the limit (?11). (CROSS JOIN: entity by entity, so
// the index is searched by approver, entity and supplier name.)
macro_rules! searched {
    ($db:expr; $matches:tt, $cmp:tt, $dir:tt; $($arg:expr),*) => {
        sqlx::query_as!(
            Key,
            r#"SELECT connection_id AS "connection_id!: String", external_id AS "approval_id!: String",
                      sort_int AS "sort_int!: i64", sort_text AS "sort_text!: String"
               FROM (
                   SELECT k.connection_id, k.external_id,
                          CASE ?5 WHEN 'amount' THEN k.total_minor
                                  WHEN 'age' THEN e.today_ordinal - k.assigned_ordinal ELSE 0 END AS sort_int,
                          CASE ?5 WHEN 'due_date' THEN k.due_date WHEN 'supplier' THEN k.supplier_key
                                  WHEN 'invoice_number' THEN k.number ELSE '' END AS sort_text
                   FROM legal_entities e
                   CROSS JOIN approval_queue_keys k INDEXED BY approval_queue_supplier
                     ON k.connection_id = e.connection_id AND k.entity_code = e.code
                   WHERE k.approver_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR e.code = ?2)
                     AND (e.today_ordinal - k.assigned_ordinal) BETWEEN ?3 AND ?4 AND "# + $matches + r#")
               WHERE ?7 IS NULL OR (sort_int, sort_text, connection_id, external_id) "# + $cmp + r#" (?7, ?8, ?9, ?10)
               ORDER BY sort_int "# + $dir + ", sort_text " + $dir + ", connection_id " + $dir + ", external_id "
                   + $dir + r#"
               LIMIT ?11"#,
            $($arg),*
        )
        .fetch_all(&mut *$db)
        .await?
    };
}

/// How a search finds its steps.
enum Search {
    /// No search: every step.
    Everything,
    /// No invoice number can match (see `invoice_number_pairs`): the steps of the suppliers whose
    /// lowered names (a JSON array) match, read name by name.
    Suppliers(String),
    /// Numbers may match too: every step is read and matched (the LIKE pattern).
    Scan(String),
    /// The keys are suspended: the mirror's tables are read (with the LIKE pattern, if any).
    Suspended(Option<String>),
}

impl Search {
    async fn new(conn: &mut SqliteConnection, search: &Option<String>) -> Result<Search> {
        let Some(pattern) = like_pattern(search) else {
            return Ok(Search::Everything);
        };
        // LIKE folds ASCII letters only, as to_ascii_lowercase and SQLite's lower() do.
        let text: Vec<char> = search
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
            .chars()
            .collect();
        let mut pairs: Vec<String> = text.windows(2).map(|w| w.iter().collect()).collect();
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            return Ok(Search::Scan(pattern));
        }
        let json = serde_json::to_string(&pairs).map_err(|e| StoreError::corrupt("invoices", "number", e))?;
        let known = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM invoice_number_pairs
               WHERE pair IN (SELECT value FROM json_each(?1)) OR pair = '*'"#,
            json
        )
        .fetch_one(&mut *conn)
        .await?;
        if known as usize >= pairs.len() {
            return Ok(Search::Scan(pattern));
        }
        let names = sqlx::query_scalar!(
            r#"SELECT DISTINCT lower(name) AS "name!: String" FROM suppliers INDEXED BY suppliers_by_name
               WHERE name LIKE ?1 ESCAPE '\'"#,
            pattern
        )
        .fetch_all(&mut *conn)
        .await?;
        let json = serde_json::to_string(&names).map_err(|e| StoreError::corrupt("suppliers", "name", e))?;
        Ok(Search::Suppliers(json))
    }
}

/// The arguments of one entity's walk: approver, entity, ordinal range, cursor, limit.
struct Walk<'a> {
    approver: &'a str,
    entity: &'a EntityRow,
    ordinals: (i64, i64),
    after: Option<&'a Cursor>,
    limit: i64,
}

impl Walk<'_> {
    async fn run(&self, db: &mut SqliteConnection, sort: SortKey, descending: bool) -> Result<Vec<Key>> {
        let (conn, code) = (&self.entity.connection_id, &self.entity.code);
        let (mut lo, mut hi) = self.ordinals;
        let tie = self.after.map(|c| (c.2.as_str(), c.3.as_str())).unzip();
        let text = self.after.map(|c| c.1.as_str());
        let int = self.after.map(|c| c.0);
        let (a, limit) = (self.approver, self.limit);
        // Age is walked by the assigned ordinal, which runs the other way; the cursor's bound joins
        // the ordinal range (`+` keeps SQLite from taking the cursor's term for the range instead).
        let ordinal = int.map(|age| self.entity.today_ordinal.saturating_sub(age));
        if let (SortKey::Age, Some(bound)) = (sort, ordinal) {
            if descending {
                lo = lo.max(bound);
            } else {
                hi = hi.min(bound);
            }
        }
        let rows = match (sort, descending) {
            (SortKey::DueDate, false) => walk! {
                db; "approval_queue_due", "0", "k.due_date", "k.due_date",
                ">=", "''", ">", ">", "k.due_date, k.external_id";
                a, conn, code, lo, hi, text, tie.0, tie.1, limit
            },
            (SortKey::DueDate, true) => walk! {
                db; "approval_queue_due", "0", "k.due_date", "k.due_date",
                "<=", "x''", "<", "<", "k.due_date DESC, k.external_id DESC";
                a, conn, code, lo, hi, text, tie.0, tie.1, limit
            },
            (SortKey::Amount, false) => walk! {
                db; "approval_queue_amount", "k.total_minor", "''", "k.total_minor",
                ">=", "-9223372036854775807 - 1", ">", ">", "k.total_minor, k.external_id";
                a, conn, code, lo, hi, int, tie.0, tie.1, limit
            },
            (SortKey::Amount, true) => walk! {
                db; "approval_queue_amount", "k.total_minor", "''", "k.total_minor",
                "<=", "9223372036854775807", "<", "<", "k.total_minor DESC, k.external_id DESC";
                a, conn, code, lo, hi, int, tie.0, tie.1, limit
            },
            (SortKey::Age, false) => walk! {
                db; "approval_queue_age", "k.assigned_ordinal", "''", "+k.assigned_ordinal",
                "<=", "9223372036854775807", "<", ">", "k.assigned_ordinal DESC, k.external_id";
                a, conn, code, lo, hi, ordinal, tie.0, tie.1, limit
            },
            (SortKey::Age, true) => walk! {
                db; "approval_queue_age", "k.assigned_ordinal", "''", "+k.assigned_ordinal",
                ">=", "-9223372036854775807 - 1", ">", "<", "k.assigned_ordinal, k.external_id DESC";
                a, conn, code, lo, hi, ordinal, tie.0, tie.1, limit
            },
            (SortKey::Supplier, false) => walk! {
                db; "approval_queue_supplier", "0", "k.supplier_key", "k.supplier_key",
                ">=", "''", ">", ">", "k.supplier_key, k.external_id";
                a, conn, code, lo, hi, text, tie.0, tie.1, limit
            },
            (SortKey::Supplier, true) => walk! {
                db; "approval_queue_supplier", "0", "k.supplier_key", "k.supplier_key",
                "<=", "x''", "<", "<", "k.supplier_key DESC, k.external_id DESC";
                a, conn, code, lo, hi, text, tie.0, tie.1, limit
            },
            (SortKey::InvoiceNumber, false) => walk! {
                db; "approval_queue_number", "0", "k.number", "k.number",
                ">=", "''", ">", ">", "k.number, k.external_id";
                a, conn, code, lo, hi, text, tie.0, tie.1, limit
            },
            (SortKey::InvoiceNumber, true) => walk! {
                db; "approval_queue_number", "0", "k.number", "k.number",
                "<=", "x''", "<", "<", "k.number DESC, k.external_id DESC";
                a, conn, code, lo, hi, text, tie.0, tie.1, limit
            },
        };
        let mut rows = rows;
        if sort == SortKey::Age {
            for key in &mut rows {
                key.sort_int = self.entity.today_ordinal - key.sort_int;
            }
        }
        Ok(rows)
    }
}

/// The page of a search: every approver and entity at once, as the matches are sorted anyway.
async fn search_keys(
    db: &mut SqliteConnection,
    approvers: &str,
    req: &QueueRequest,
    ages: (i64, i64),
    search: &Search,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<Key>> {
    let (int, text) = (after.map(|c| c.0), after.map(|c| c.1.as_str()));
    let tie = after.map(|c| (c.2.as_str(), c.3.as_str())).unzip();
    let (entity, key) = (&req.filter.entity, req.sort.as_str());
    let (lo, hi) = ages;
    Ok(match (search, req.descending) {
        (Search::Suppliers(names), false) => searched! {
            db; "k.supplier_key IN (SELECT value FROM json_each(?6))", ">", "ASC";
            approvers, entity, lo, hi, key, names, int, text, tie.0, tie.1, limit
        },
        (Search::Suppliers(names), true) => searched! {
            db; "k.supplier_key IN (SELECT value FROM json_each(?6))", "<", "DESC";
            approvers, entity, lo, hi, key, names, int, text, tie.0, tie.1, limit
        },
        (Search::Scan(pattern), false) => searched! {
            db; r"(k.supplier_key LIKE ?6 ESCAPE '\' OR k.number LIKE ?6 ESCAPE '\')", ">", "ASC";
            approvers, entity, lo, hi, key, pattern, int, text, tie.0, tie.1, limit
        },
        (Search::Scan(pattern), true) => searched! {
            db; r"(k.supplier_key LIKE ?6 ESCAPE '\' OR k.number LIKE ?6 ESCAPE '\')", "<", "DESC";
            approvers, entity, lo, hi, key, pattern, int, text, tie.0, tie.1, limit
        },
        (Search::Everything | Search::Suspended(_), _) => Vec::new(),
    })
}

pub(crate) fn like_pattern(search: &Option<String>) -> Option<String> {
    search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| {
        let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    })
}

/// The assigned ordinals whose age on a calendar at `today` falls in `lo..=hi`.
fn ordinal_range(today: i64, (lo, hi): (i64, i64)) -> (i64, i64) {
    (today.saturating_sub(hi), today.saturating_sub(lo))
}

fn approvers_json(approvers: &[String]) -> Result<String> {
    serde_json::to_string(approvers).map_err(|e| StoreError::corrupt("approvals", "approvers", e))
}

/// Steps that are no longer pending but whose last action the source refused: they stay in the
/// queue until the approver dismisses the refusal. Few, so read from the outbox and filtered here.
async fn refused(
    db: &mut SqliteConnection,
    approvers: &str,
    sort: SortKey,
    filter: &QueueFilter,
    ages: (i64, i64),
) -> Result<Vec<Raw>> {
    let sort = sort.as_str();
    let search = like_pattern(&filter.search);
    Ok(sqlx::query_as!(
        Raw,
        r#"SELECT a.connection_id AS "connection_id!: String", a.external_id AS "approval_id!: String",
                  i.external_id AS "invoice_id!: String", i.number AS "invoice_number!: String",
                  COALESCE(s.name, i.supplier_external_id) AS "supplier_name!: String",
                  e.code AS "entity_code!: String", e.name AS "entity_name!: String",
                  i.currency AS "currency!: String", i.total_minor AS "total_minor!: i64",
                  i.invoice_date AS "invoice_date!: String", i.due_date AS "due_date!: String",
                  a.assigned_at AS "assigned_at!: String", (e.today_ordinal - a.assigned_ordinal) AS "age!: i64",
                  a.step AS "step!: i64", a.step_count AS "step_count!: i64", a.step_name AS "step_name!: String",
                  a.status AS "status!: String", i.created_by AS "created_by?: String",
                  i.coded_by AS "coded_by?: String", o.id AS "action_id?: String",
                  o.payload AS "action_payload?: String", o.status AS "action_status?: String",
                  COALESCE(o.source_message, o.last_error) AS "action_message?: String",
                  o.created_at AS "action_created_at?: String", o.attempts AS "action_attempts?: i64",
                  CASE ?2 WHEN 'amount' THEN i.total_minor
                          WHEN 'age' THEN (e.today_ordinal - a.assigned_ordinal) ELSE 0 END AS "sort_int!: i64",
                  CASE ?2 WHEN 'due_date' THEN i.due_date WHEN 'supplier' THEN lower(COALESCE(s.name, ''))
                          WHEN 'invoice_number' THEN i.number ELSE '' END AS "sort_text!: String"
           FROM outbox o
           JOIN approvals a ON a.connection_id = o.connection_id AND a.external_id = o.target_external_id
           JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
           JOIN legal_entities e ON e.connection_id = a.connection_id AND e.code = a.entity_code
           LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
           WHERE o.status = 'refused' AND o.dismissed_at IS NULL AND a.status <> 'pending'
             AND o.id = (
                 SELECT id FROM outbox x WHERE x.connection_id = a.connection_id
                    AND x.target_external_id = a.external_id AND x.dismissed_at IS NULL
                 ORDER BY x.created_at DESC LIMIT 1)
             AND a.approver_id IN (SELECT value FROM json_each(?1))
             AND (?3 IS NULL OR e.code = ?3)
             AND (e.today_ordinal - a.assigned_ordinal) BETWEEN ?4 AND ?5
             AND (?6 IS NULL OR s.name LIKE ?6 ESCAPE '\' OR i.number LIKE ?6 ESCAPE '\')"#,
        approvers,
        sort,
        filter.entity,
        ages.0,
        ages.1,
        search
    )
    .fetch_all(&mut *db)
    .await?)
}

/// How many pending steps of the approvers pass the filter (without the refused ones).
async fn pending_total(
    db: &mut SqliteConnection,
    approvers: &str,
    filter: &QueueFilter,
    ages: (i64, i64),
    search: &Search,
) -> Result<i64> {
    let (entity, lo, hi) = (&filter.entity, ages.0, ages.1);
    Ok(match search {
        // The kept counts per assigned day (`page` reads suspended keys' totals elsewhere).
        Search::Everything | Search::Suspended(_) => {
            sqlx::query_scalar!(
                r#"SELECT COALESCE(SUM(c.n), 0) AS "n!: i64"
                   FROM approval_queue_counts c
                   JOIN legal_entities e ON e.connection_id = c.connection_id AND e.code = c.entity_code
                   WHERE c.approver_id IN (SELECT value FROM json_each(?1))
                     AND (?2 IS NULL OR e.code = ?2)
                     AND (e.today_ordinal - c.assigned_ordinal) BETWEEN ?3 AND ?4"#,
                approvers,
                entity,
                lo,
                hi
            )
            .fetch_one(&mut *db)
            .await?
        }
        Search::Suppliers(names) => {
            sqlx::query_scalar!(
                r#"SELECT COUNT(*) AS "n!: i64"
                   FROM legal_entities e
                   CROSS JOIN approval_queue_keys k INDEXED BY approval_queue_supplier
                     ON k.connection_id = e.connection_id AND k.entity_code = e.code
                   WHERE k.approver_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR e.code = ?2)
                     AND (e.today_ordinal - k.assigned_ordinal) BETWEEN ?3 AND ?4
                     AND k.supplier_key IN (SELECT value FROM json_each(?5))"#,
                approvers,
                entity,
                lo,
                hi,
                names
            )
            .fetch_one(&mut *db)
            .await?
        }
        Search::Scan(pattern) => {
            sqlx::query_scalar!(
                r#"SELECT COUNT(*) AS "n!: i64"
                   FROM legal_entities e
                   CROSS JOIN approval_queue_keys k INDEXED BY approval_queue_supplier
                     ON k.connection_id = e.connection_id AND k.entity_code = e.code
                   WHERE k.approver_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR e.code = ?2)
                     AND (e.today_ordinal - k.assigned_ordinal) BETWEEN ?3 AND ?4
                     AND (k.supplier_key LIKE ?5 ESCAPE '\' OR k.number LIKE ?5 ESCAPE '\')"#,
                approvers,
                entity,
                lo,
                hi,
                pattern
            )
            .fetch_one(&mut *db)
            .await?
        }
    })
}

// While the keys are suspended (a full pull is under way; see the keys' migration) the queue is
// read as it was before them: the whole queue joined, with the latest action per step from the
// outbox, sorted by the computed keys. Same rows, order and cursor as the keys give.
macro_rules! legacy_query {
    ($cmp:tt, $dir:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            Raw,
            r#"WITH q AS (
                 SELECT a.connection_id, a.external_id AS approval_id, i.external_id AS invoice_id,
                        i.number AS invoice_number, COALESCE(s.name, i.supplier_external_id) AS supplier_name,
                        e.code AS entity_code, e.name AS entity_name, i.currency, i.total_minor, i.invoice_date,
                        i.due_date, a.assigned_at, (e.today_ordinal - a.assigned_ordinal) AS age,
                        a.step, a.step_count, a.step_name, a.status, i.created_by, i.coded_by,
                        o.id AS action_id, o.payload AS action_payload, o.status AS action_status,
                        COALESCE(o.source_message, o.last_error) AS action_message, o.created_at AS action_created_at,
                        o.attempts AS action_attempts,
                        CASE ?1 WHEN 'amount' THEN i.total_minor
                                WHEN 'age' THEN (e.today_ordinal - a.assigned_ordinal) ELSE 0 END AS sort_int,
                        CASE ?1 WHEN 'due_date' THEN i.due_date WHEN 'supplier' THEN lower(COALESCE(s.name, ''))
                                WHEN 'invoice_number' THEN i.number ELSE '' END AS sort_text
                 FROM approvals a
                 JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
                 JOIN legal_entities e ON e.connection_id = a.connection_id AND e.code = a.entity_code
                 LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
                 LEFT JOIN outbox o ON o.id = (
                     SELECT id FROM outbox x WHERE x.connection_id = a.connection_id
                        AND x.target_external_id = a.external_id AND x.dismissed_at IS NULL
                     ORDER BY x.created_at DESC LIMIT 1)
                 WHERE a.approver_id IN (SELECT value FROM json_each(?2))
                   AND (a.status = 'pending' OR o.status = 'refused')
                   AND (?3 IS NULL OR e.code = ?3)
                   AND (e.today_ordinal - a.assigned_ordinal) BETWEEN ?4 AND ?5
                   AND (?6 IS NULL OR s.name LIKE ?6 ESCAPE '\' OR i.number LIKE ?6 ESCAPE '\')
               )
               SELECT connection_id AS "connection_id!: String", approval_id AS "approval_id!: String",
                      invoice_id AS "invoice_id!: String", invoice_number AS "invoice_number!: String",
                      supplier_name AS "supplier_name!: String", entity_code AS "entity_code!: String",
                      entity_name AS "entity_name!: String", currency AS "currency!: String",
                      total_minor AS "total_minor!: i64", invoice_date AS "invoice_date!: String",
                      due_date AS "due_date!: String", assigned_at AS "assigned_at!: String", age AS "age!: i64",
                      step AS "step!: i64", step_count AS "step_count!: i64", step_name AS "step_name!: String",
                      status AS "status!: String", created_by AS "created_by?: String", coded_by AS "coded_by?: String",
                      action_id AS "action_id?: String", action_payload AS "action_payload?: String",
                      action_status AS "action_status?: String", action_message AS "action_message?: String",
                      action_created_at AS "action_created_at?: String", action_attempts AS "action_attempts?: i64",
                      sort_int AS "sort_int!: i64", sort_text AS "sort_text!: String"
               FROM q
               WHERE ?7 IS NULL OR (sort_int, sort_text, connection_id, approval_id) "# + $cmp + r#" (?7, ?8, ?9, ?10)
               ORDER BY sort_int "# + $dir + ", sort_text " + $dir + ", connection_id " + $dir + ", approval_id "
                   + $dir + r#"
               LIMIT ?11"#,
            $($arg),*
        )
    };
}

/// `page` while the keys are suspended.
async fn legacy_page(
    db: &mut SqliteConnection,
    req: &QueueRequest,
    approvers: &str,
    ages: (i64, i64),
    after: Option<&Cursor>,
    limit: i64,
) -> Result<(Vec<Raw>, i64)> {
    let (sort, search) = (req.sort.as_str(), like_pattern(&req.filter.search));
    let (int, text) = (after.map(|c| c.0), after.map(|c| c.1.as_str()));
    let tie = after.map(|c| (c.2.as_str(), c.3.as_str())).unzip();
    let (entity, (lo, hi)) = (&req.filter.entity, ages);
    let rows = if req.descending {
        legacy_query!("<", "DESC", sort, approvers, entity, lo, hi, search, int, text, tie.0, tie.1, limit)
            .fetch_all(&mut *db)
            .await?
    } else {
        legacy_query!(">", "ASC", sort, approvers, entity, lo, hi, search, int, text, tie.0, tie.1, limit)
            .fetch_all(&mut *db)
            .await?
    };
    let total = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64"
           FROM approvals a
           JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
           JOIN legal_entities e ON e.connection_id = a.connection_id AND e.code = a.entity_code
           LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
           WHERE a.approver_id IN (SELECT value FROM json_each(?1))
             AND (a.status = 'pending' OR EXISTS (
                 SELECT 1 FROM outbox o WHERE o.id = (
                     SELECT id FROM outbox x WHERE x.connection_id = a.connection_id
                        AND x.target_external_id = a.external_id AND x.dismissed_at IS NULL
                     ORDER BY x.created_at DESC LIMIT 1) AND o.status = 'refused'))
             AND (?2 IS NULL OR e.code = ?2)
             AND (e.today_ordinal - a.assigned_ordinal) BETWEEN ?3 AND ?4
             AND (?5 IS NULL OR s.name LIKE ?5 ESCAPE '\' OR i.number LIKE ?5 ESCAPE '\')"#,
        approvers,
        entity,
        lo,
        hi,
        search
    )
    .fetch_one(&mut *db)
    .await?;
    Ok((rows, total))
}

/// Whether the keys are built (not suspended by a full pull).
async fn built(db: &mut SqliteConnection) -> Result<bool> {
    Ok(
        sqlx::query_scalar!(r#"SELECT built AS "built!: i64" FROM approval_queue_state WHERE id = 1"#)
            .fetch_optional(&mut *db)
            .await?
            .is_some_and(|b| b != 0),
    )
}

/// Suspends the queue's keys for a pull that rewrites every step or invoice: until
/// `rebuild_if_suspended`, writes skip the keys and the queue reads the mirror's tables.
pub async fn suspend(tx: &mut SqliteConnection) -> Result<()> {
    sqlx::query!("UPDATE approval_queue_state SET built = 0 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Suspends the keys when a connection's first pull of invoices or approval steps begins (its
/// table holds none of that connection's yet): the pull writes them all, and the end of the sync
/// run rebuilds the keys at once. Later pulls keep the keys in step as they write.
pub async fn suspend_for_first_pull(tx: &mut SqliteConnection, connection_id: &str, resource: &str) -> Result<()> {
    let first = match resource {
        "invoices" => {
            !sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM invoices WHERE connection_id = ?1) AS "any!: bool""#,
                connection_id
            )
            .fetch_one(&mut *tx)
            .await?
        }
        "approvals" => {
            !sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM approvals WHERE connection_id = ?1) AS "any!: bool""#,
                connection_id
            )
            .fetch_one(&mut *tx)
            .await?
        }
        _ => false,
    };
    if first {
        suspend(tx).await?;
    }
    Ok(())
}

/// Rebuilds suspended keys in bulk, in one transaction: their indexes are dropped, the keys,
/// counts and number pairs recomputed from the mirror, and the indexes created again (sorting
/// once is far cheaper than keeping six indexes in step row by row). Returns whether it rebuilt.
pub async fn rebuild_if_suspended(store: &Store) -> Result<bool> {
    let started = std::time::Instant::now();
    let mut tx = store.begin().await?;
    if built(&mut tx).await? {
        return Ok(false);
    }
    let indexes = sqlx::query!(
        r#"SELECT name AS "name!: String", sql AS "sql!: String" FROM sqlite_master
           WHERE type = 'index' AND tbl_name = 'approval_queue_keys' AND sql IS NOT NULL"#
    )
    .fetch_all(&mut *tx)
    .await?;
    for index in &indexes {
        sqlx::query(&format!("DROP INDEX \"{}\"", index.name.replace('"', "\"\"")))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query!("DELETE FROM approval_queue_keys")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM approval_queue_counts")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM invoice_number_pairs")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
             invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
         SELECT a.connection_id, a.external_id, a.approver_id, a.entity_code, a.assigned_ordinal,
                a.invoice_external_id, i.supplier_external_id, i.number, i.due_date, i.currency, i.total_minor,
                lower(COALESCE(s.name, ''))
         FROM approvals a
         JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
         LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
         WHERE a.status = 'pending'
         ORDER BY a.connection_id, a.external_id"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO approval_queue_counts (approver_id, connection_id, entity_code, currency, assigned_ordinal, n,
             amount_minor)
         SELECT approver_id, connection_id, entity_code, currency, assigned_ordinal, COUNT(*), SUM(total_minor)
         FROM approval_queue_keys
         GROUP BY 1, 2, 3, 4, 5"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO invoice_number_pairs (pair)
         SELECT DISTINCT lower(substr(k.number, p.i, 2))
         FROM approval_queue_keys k JOIN invoice_number_positions p ON p.i < length(k.number)
         UNION
         SELECT '*' FROM approval_queue_keys WHERE length(number) > (SELECT MAX(i) FROM invoice_number_positions)"
    )
    .execute(&mut *tx)
    .await?;
    for index in &indexes {
        sqlx::query(&index.sql).execute(&mut *tx).await?;
    }
    sqlx::query!("UPDATE approval_queue_state SET built = 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(ms = started.elapsed().as_millis() as u64, "approval queue keys rebuilt");
    Ok(true)
}

/// What the screen shows of the steps a page picked (a JSON array of [connection, id, sort_int,
/// sort_text]), with the latest action on each that nobody dismissed. CROSS JOINs keep SQLite
/// reading the picked steps first.
async fn details(db: &mut SqliteConnection, keys: &str) -> Result<Vec<Raw>> {
    Ok(sqlx::query_as!(
        Raw,
        r#"WITH page AS MATERIALIZED (
               SELECT j.value ->> 0 AS connection_id, j.value ->> 1 AS external_id,
                      j.value ->> 2 AS sort_int, j.value ->> 3 AS sort_text
               FROM json_each(?1) j)
           SELECT a.connection_id AS "connection_id!: String", a.external_id AS "approval_id!: String",
                  i.external_id AS "invoice_id!: String", i.number AS "invoice_number!: String",
                  COALESCE(s.name, i.supplier_external_id) AS "supplier_name!: String",
                  e.code AS "entity_code!: String", e.name AS "entity_name!: String",
                  i.currency AS "currency!: String", i.total_minor AS "total_minor!: i64",
                  i.invoice_date AS "invoice_date!: String", i.due_date AS "due_date!: String",
                  a.assigned_at AS "assigned_at!: String", (e.today_ordinal - a.assigned_ordinal) AS "age!: i64",
                  a.step AS "step!: i64", a.step_count AS "step_count!: i64", a.step_name AS "step_name!: String",
                  a.status AS "status!: String", i.created_by AS "created_by?: String",
                  i.coded_by AS "coded_by?: String", o.id AS "action_id?: String",
                  o.payload AS "action_payload?: String", o.status AS "action_status?: String",
                  COALESCE(o.source_message, o.last_error) AS "action_message?: String",
                  o.created_at AS "action_created_at?: String", o.attempts AS "action_attempts?: i64",
                  p.sort_int AS "sort_int!: i64", p.sort_text AS "sort_text!: String"
           FROM page p
           CROSS JOIN approvals a ON a.connection_id = p.connection_id AND a.external_id = p.external_id
           CROSS JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
           CROSS JOIN legal_entities e ON e.connection_id = a.connection_id AND e.code = a.entity_code
           LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
           LEFT JOIN outbox o ON o.id = (
               SELECT id FROM outbox x WHERE x.connection_id = a.connection_id
                  AND x.target_external_id = a.external_id AND x.dismissed_at IS NULL
               ORDER BY x.created_at DESC LIMIT 1)"#,
        keys
    )
    .fetch_all(&mut *db)
    .await?)
}

fn cursor_after(sort_int: i64, sort_text: &str, connection_id: &str, approval_id: &str) -> Result<String> {
    serde_json::to_string(&Cursor(
        sort_int,
        sort_text.to_string(),
        connection_id.to_string(),
        approval_id.to_string(),
    ))
    .map_err(|e| StoreError::corrupt("approvals", "cursor", e))
}

pub async fn page(store: &Store, req: &QueueRequest) -> Result<QueuePage> {
    let ages = req
        .filter
        .bucket
        .map(AgingBucket::range)
        .unwrap_or((i64::MIN, i64::MAX));
    let after = req
        .after
        .as_deref()
        .map(|c| {
            serde_json::from_str::<Cursor>(c).map_err(|e| StoreError::Conflict(format!("invalid page cursor: {e}")))
        })
        .transpose()?;
    let limit = req.limit.clamp(1, 500);
    let mut approvers = req.approvers.clone();
    approvers.sort();
    approvers.dedup();
    let json = approvers_json(&approvers)?;
    // One read transaction: every statement sees the same snapshot of the mirror.
    let mut tx = store.reader().begin().await?;
    let db = &mut *tx;
    if !built(db).await? {
        let (rows, total) = legacy_page(db, req, &json, ages, after.as_ref(), limit).await?;
        tx.commit().await?;
        let next_cursor = if rows.len() as i64 == limit {
            rows.last()
                .map(|r| cursor_after(r.sort_int, &r.sort_text, &r.connection_id, &r.approval_id))
                .transpose()?
        } else {
            None
        };
        let rows = rows.into_iter().map(to_row).collect::<Result<Vec<_>>>()?;
        return Ok(QueuePage {
            rows,
            next_cursor,
            total,
        });
    }
    let search = Search::new(db, &req.filter.search).await?;

    // The page's steps, from the index alone: each walk or the search stops after a page.
    let mut keys = match search {
        Search::Everything => {
            let entities = sqlx::query_as!(
                EntityRow,
                "SELECT connection_id, code, today_ordinal FROM legal_entities WHERE ?1 IS NULL OR code = ?1
                 ORDER BY connection_id, code",
                req.filter.entity
            )
            .fetch_all(&mut *db)
            .await?;
            let mut keys = Vec::new();
            for approver in &approvers {
                for entity in &entities {
                    let walk = Walk {
                        approver,
                        entity,
                        ordinals: ordinal_range(entity.today_ordinal, ages),
                        after: after.as_ref(),
                        limit,
                    };
                    keys.extend(walk.run(db, req.sort, req.descending).await?);
                }
            }
            keys
        }
        _ => search_keys(db, &json, req, ages, &search, after.as_ref(), limit).await?,
    };
    let refused = refused(db, &json, req.sort, &req.filter, ages).await?;
    let total = pending_total(db, &json, &req.filter, ages, &search).await? + refused.len() as i64;
    let cursor = after
        .as_ref()
        .map(|Cursor(i, t, c, k)| (*i, t.as_str(), c.as_str(), k.as_str()));
    let mut shown: std::collections::HashMap<(String, String), Raw> = refused
        .into_iter()
        .filter(|r| {
            let key = (
                r.sort_int,
                r.sort_text.as_str(),
                r.connection_id.as_str(),
                r.approval_id.as_str(),
            );
            match cursor {
                None => true,
                Some(c) if req.descending => key < c,
                Some(c) => key > c,
            }
        })
        .map(|r| ((r.connection_id.clone(), r.approval_id.clone()), r))
        .collect();
    keys.extend(shown.values().map(|r| Key {
        connection_id: r.connection_id.clone(),
        approval_id: r.approval_id.clone(),
        sort_int: r.sort_int,
        sort_text: r.sort_text.clone(),
    }));
    if req.descending {
        keys.sort_by(|a, b| b.tuple().cmp(&a.tuple()));
    } else {
        keys.sort_by(|a, b| a.tuple().cmp(&b.tuple()));
    }
    keys.truncate(usize::try_from(limit).unwrap_or(usize::MAX));

    // Then what the screen shows of those (the refused steps came with theirs).
    let wanted: Vec<(&str, &str, i64, &str)> = keys
        .iter()
        .filter(|k| !shown.contains_key(&(k.connection_id.clone(), k.approval_id.clone())))
        .map(|k| {
            (
                k.connection_id.as_str(),
                k.approval_id.as_str(),
                k.sort_int,
                k.sort_text.as_str(),
            )
        })
        .collect();
    if !wanted.is_empty() {
        let wanted = serde_json::to_string(&wanted).map_err(|e| StoreError::corrupt("approvals", "page", e))?;
        for r in details(db, &wanted).await? {
            shown.insert((r.connection_id.clone(), r.approval_id.clone()), r);
        }
    }
    let next_cursor = if keys.len() as i64 == limit {
        keys.last()
            .map(|k| cursor_after(k.sort_int, &k.sort_text, &k.connection_id, &k.approval_id))
            .transpose()?
    } else {
        None
    };
    tx.commit().await?;
    let rows = keys
        .into_iter()
        .map(|k| {
            shown
                .remove(&(k.connection_id, k.approval_id))
                .ok_or_else(|| StoreError::corrupt("approval_queue_keys", "external_id", "a key without its step"))
        })
        .map(|raw| raw.and_then(to_row))
        .collect::<Result<Vec<_>>>()?;
    Ok(QueuePage {
        rows,
        next_cursor,
        total,
    })
}

fn to_row(r: Raw) -> Result<QueueRow> {
    let currency = Currency::new(&r.currency)?;
    let pending_action = match (r.action_id, r.action_status, r.action_created_at) {
        (Some(action_id), Some(status), Some(queued_at)) => {
            let payload: serde_json::Value = r
                .action_payload
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| StoreError::corrupt("outbox", "payload", e))?
                .unwrap_or_default();
            Some(PendingActionView {
                action_id,
                decision: payload["decision"].as_str().unwrap_or_default().to_string(),
                reason: payload["reason"].as_str().map(str::to_string),
                status,
                source_message: r.action_message,
                queued_at,
                attempts: r.action_attempts.unwrap_or(0),
            })
        }
        _ => None,
    };
    Ok(QueueRow {
        connection_id: r.connection_id,
        approval_id: r.approval_id,
        invoice_id: r.invoice_id,
        invoice_number: r.invoice_number,
        supplier_name: r.supplier_name,
        entity_code: r.entity_code,
        entity_name: r.entity_name,
        amount: Money::from_minor(r.total_minor, currency),
        invoice_date: r.invoice_date,
        due_date: r.due_date,
        assigned_on: r.assigned_at.get(..10).unwrap_or(&r.assigned_at).to_string(),
        age_business_days: r.age.max(0),
        bucket: AgingBucket::from_business_days(r.age),
        step: r.step,
        step_count: r.step_count,
        step_name: r.step_name,
        status: r.status,
        created_by: r.created_by,
        coded_by: r.coded_by,
        pending_action,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketCell {
    pub bucket: AgingBucket,
    pub count: i64,
    pub amount: Money,
}

/// Pending approvals of one entity in one currency, per bucket (all five buckets, zeros included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityAging {
    pub entity_code: String,
    pub entity_name: String,
    pub currency: Currency,
    pub cells: Vec<BucketCell>,
}

/// One cell of the summary as SQL adds it up.
struct Cell {
    code: String,
    name: String,
    currency: String,
    bucket: i64,
    count: i64,
    total: i64,
}

/// Counts and exact sums per entity, currency and bucket of the approver's pending steps.
pub async fn aging_summary(store: &Store, approvers: &[String], filter: &QueueFilter) -> Result<Vec<EntityAging>> {
    let approvers = approvers_json(approvers)?;
    let mut tx = store.reader().begin().await?;
    let db = &mut *tx;
    let search = if built(db).await? {
        Search::new(db, &filter.search).await?
    } else {
        Search::Suspended(like_pattern(&filter.search))
    };
    let rows = match search {
        // The mirror's tables, while the keys are suspended.
        Search::Suspended(pattern) => {
            sqlx::query_as!(
                Cell,
                r#"SELECT e.code AS "code!", e.name AS "name!", i.currency AS "currency!: String",
                          CASE WHEN (e.today_ordinal - a.assigned_ordinal) <= 2 THEN 0
                               WHEN (e.today_ordinal - a.assigned_ordinal) <= 5 THEN 1
                               WHEN (e.today_ordinal - a.assigned_ordinal) <= 10 THEN 2
                               WHEN (e.today_ordinal - a.assigned_ordinal) <= 20 THEN 3 ELSE 4 END AS "bucket!: i64",
                          COUNT(*) AS "count!: i64", SUM(i.total_minor) AS "total!: i64"
                   FROM approvals a
                   JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
                   JOIN legal_entities e ON e.connection_id = a.connection_id AND e.code = a.entity_code
                   LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
                   WHERE a.approver_id IN (SELECT value FROM json_each(?1)) AND a.status = 'pending'
                     AND (?2 IS NULL OR e.code = ?2)
                     AND (?3 IS NULL OR s.name LIKE ?3 ESCAPE '\' OR i.number LIKE ?3 ESCAPE '\')
                   GROUP BY 1, 2, 3, 4
                   ORDER BY 1, 3, 4"#,
                approvers,
                filter.entity,
                pattern
            )
            .fetch_all(&mut *db)
            .await?
        }
        // The kept counts per assigned day, put in buckets by each entity's today.
        Search::Everything => {
            sqlx::query_as!(
                Cell,
                r#"SELECT e.code AS "code!", e.name AS "name!", c.currency AS "currency!: String",
                          CASE WHEN (e.today_ordinal - c.assigned_ordinal) <= 2 THEN 0
                               WHEN (e.today_ordinal - c.assigned_ordinal) <= 5 THEN 1
                               WHEN (e.today_ordinal - c.assigned_ordinal) <= 10 THEN 2
                               WHEN (e.today_ordinal - c.assigned_ordinal) <= 20 THEN 3 ELSE 4 END AS "bucket!: i64",
                          SUM(c.n) AS "count!: i64", SUM(c.amount_minor) AS "total!: i64"
                   FROM approval_queue_counts c
                   JOIN legal_entities e ON e.connection_id = c.connection_id AND e.code = c.entity_code
                   WHERE c.approver_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR e.code = ?2)
                   GROUP BY 1, 2, 3, 4
                   HAVING SUM(c.n) > 0
                   ORDER BY 1, 3, 4"#,
                approvers,
                filter.entity
            )
            .fetch_all(&mut *db)
            .await?
        }
        // The matching suppliers' steps, name by name, from the supplier index alone.
        Search::Suppliers(names) => {
            sqlx::query_as!(
                Cell,
                r#"SELECT e.code AS "code!", e.name AS "name!", k.currency AS "currency!: String",
                          CASE WHEN (e.today_ordinal - k.assigned_ordinal) <= 2 THEN 0
                               WHEN (e.today_ordinal - k.assigned_ordinal) <= 5 THEN 1
                               WHEN (e.today_ordinal - k.assigned_ordinal) <= 10 THEN 2
                               WHEN (e.today_ordinal - k.assigned_ordinal) <= 20 THEN 3 ELSE 4 END AS "bucket!: i64",
                          COUNT(*) AS "count!: i64", SUM(k.total_minor) AS "total!: i64"
                   FROM legal_entities e
                   CROSS JOIN approval_queue_keys k INDEXED BY approval_queue_supplier
                     ON k.connection_id = e.connection_id AND k.entity_code = e.code
                   WHERE k.approver_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR e.code = ?2)
                     AND k.supplier_key IN (SELECT value FROM json_each(?3))
                   GROUP BY 1, 2, 3, 4
                   ORDER BY 1, 3, 4"#,
                approvers,
                filter.entity,
                names
            )
            .fetch_all(&mut *db)
            .await?
        }
        // Every step is matched.
        Search::Scan(pattern) => {
            sqlx::query_as!(
                Cell,
                r#"SELECT e.code AS "code!", e.name AS "name!", k.currency AS "currency!: String",
                          CASE WHEN (e.today_ordinal - k.assigned_ordinal) <= 2 THEN 0
                               WHEN (e.today_ordinal - k.assigned_ordinal) <= 5 THEN 1
                               WHEN (e.today_ordinal - k.assigned_ordinal) <= 10 THEN 2
                               WHEN (e.today_ordinal - k.assigned_ordinal) <= 20 THEN 3 ELSE 4 END AS "bucket!: i64",
                          COUNT(*) AS "count!: i64", SUM(k.total_minor) AS "total!: i64"
                   FROM legal_entities e
                   CROSS JOIN approval_queue_keys k INDEXED BY approval_queue_supplier
                     ON k.connection_id = e.connection_id AND k.entity_code = e.code
                   WHERE k.approver_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR e.code = ?2)
                     AND (k.supplier_key LIKE ?3 ESCAPE '\' OR k.number LIKE ?3 ESCAPE '\')
                   GROUP BY 1, 2, 3, 4
                   ORDER BY 1, 3, 4"#,
                approvers,
                filter.entity,
                pattern
            )
            .fetch_all(&mut *db)
            .await?
        }
    };
    tx.commit().await?;
    let mut out: Vec<EntityAging> = Vec::new();
    for r in rows {
        let currency = Currency::new(&r.currency)?;
        let index = usize::try_from(r.bucket)
            .ok()
            .filter(|b| *b < AgingBucket::ALL.len())
            .ok_or_else(|| StoreError::corrupt("approvals", "bucket", r.bucket))?;
        let fresh = out
            .last()
            .is_none_or(|last| last.entity_code != r.code || last.currency != currency);
        if fresh {
            out.push(EntityAging {
                entity_code: r.code.clone(),
                entity_name: r.name.clone(),
                currency,
                cells: AgingBucket::ALL
                    .iter()
                    .map(|b| BucketCell {
                        bucket: *b,
                        count: 0,
                        amount: Money::zero(currency),
                    })
                    .collect(),
            });
        }
        let entry = out.last_mut().expect("pushed above");
        let cell = &mut entry.cells[index];
        cell.count = r.count;
        cell.amount = Money::from_minor(r.total, currency);
    }
    Ok(out)
}
