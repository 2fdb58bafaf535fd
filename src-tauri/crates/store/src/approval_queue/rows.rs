//! A step as the screen shows it: read with its invoice, entity, supplier and latest action, then
//! turned into a `QueueRow`.

use domain::{AgingBucket, Currency, Money};
use sqlx::SqliteConnection;

use super::{like_pattern, PendingActionView, QueueFilter, QueueRow, SortKey};
use crate::{Result, StoreError};

/// A row of a page as SQL returns it, with its sort key (`sort_int`: the amount or the age).
pub(super) struct Raw {
    pub(super) connection_id: String,
    pub(super) approval_id: String,
    pub(super) invoice_id: String,
    pub(super) invoice_number: String,
    pub(super) supplier_name: String,
    pub(super) entity_code: String,
    pub(super) entity_name: String,
    pub(super) currency: String,
    pub(super) total_minor: i64,
    pub(super) invoice_date: String,
    pub(super) due_date: String,
    pub(super) assigned_at: String,
    pub(super) age: i64,
    pub(super) step: i64,
    pub(super) step_count: i64,
    pub(super) step_name: String,
    pub(super) status: String,
    pub(super) created_by: Option<String>,
    pub(super) coded_by: Option<String>,
    pub(super) action_id: Option<String>,
    pub(super) action_payload: Option<String>,
    pub(super) action_status: Option<String>,
    pub(super) action_message: Option<String>,
    pub(super) action_created_at: Option<String>,
    pub(super) action_attempts: Option<i64>,
    pub(super) sort_int: i64,
    pub(super) sort_text: String,
}

impl Raw {
    /// Its place in the order, as `Key::tuple`.
    pub(super) fn tuple(&self) -> (i64, &str, &str, &str) {
        (self.sort_int, &self.sort_text, &self.connection_id, &self.approval_id)
    }
}

// Every read of shown steps selects `Raw` from approvals `a` (`$from` reaches them), their invoices
// `i` and entities `e` (joined by `$join`), suppliers `s` and the latest action `o` (`$rest` joins
// it, with the conditions). `$head` goes first (a CTE, or an enclosing query's start). The sort
// key is `$sort_int` and `$sort_text`, or `computed` from the step for the sort named by ?1.
macro_rules! shown_steps {
    ($db:expr; $head:tt, computed, $($more:tt)+) => {
        shown_steps!(
            $db; $head,
            "CASE ?1 WHEN 'amount' THEN i.total_minor WHEN 'age' THEN (e.today_ordinal - a.assigned_ordinal) ELSE 0 END",
            "CASE ?1 WHEN 'due_date' THEN i.due_date WHEN 'supplier' THEN lower(COALESCE(s.name, ''))
                     WHEN 'invoice_number' THEN i.number ELSE '' END",
            $($more)+
        )
    };
    ($db:expr; $head:tt, $sort_int:tt, $sort_text:tt, $from:tt, $join:tt, [$($rest:tt)+]; $($arg:expr),*) => {
        sqlx::query_as!(
            Raw,
            $head + r#"SELECT a.connection_id AS "connection_id!: String", a.external_id AS "approval_id!: String",
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
                  "# + $sort_int + r#" AS "sort_int!: i64", "# + $sort_text + r#" AS "sort_text!: String"
           "# + $from + "
           " + $join + " invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
           " + $join + " legal_entities e ON e.connection_id = a.connection_id AND e.code = a.entity_code
           LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
           " + $($rest)+,
            $($arg),*
        )
        .fetch_all(&mut *$db)
        .await?
    };
}
pub(super) use shown_steps;

/// Steps that are no longer pending but whose last action the source refused: they stay in the
/// queue until the approver dismisses the refusal. Few, so read from the outbox and filtered here.
pub(super) async fn refused(
    db: &mut SqliteConnection,
    approvers: &str,
    sort: SortKey,
    filter: &QueueFilter,
    ages: (i64, i64),
) -> Result<Vec<Raw>> {
    let sort = sort.as_str();
    let search = like_pattern(&filter.search);
    Ok(shown_steps! {
        db; "", computed,
        "FROM outbox o
         JOIN approvals a ON a.connection_id = o.connection_id AND a.external_id = o.target_external_id", "JOIN",
        [r#"WHERE o.status = 'refused' AND o.dismissed_at IS NULL AND a.status <> 'pending'
             AND o.id = (
                 SELECT id FROM outbox x WHERE x.connection_id = a.connection_id
                    AND x.target_external_id = a.external_id AND x.dismissed_at IS NULL
                 ORDER BY x.created_at DESC LIMIT 1)
             AND a.approver_id IN (SELECT value FROM json_each(?2))
             AND (?3 IS NULL OR e.code = ?3)
             AND (e.today_ordinal - a.assigned_ordinal) BETWEEN ?4 AND ?5
             AND (?6 IS NULL OR s.name LIKE ?6 ESCAPE '\' OR i.number LIKE ?6 ESCAPE '\')"#];
        sort, approvers, filter.entity, ages.0, ages.1, search
    })
}

/// What the screen shows of the steps a page picked (a JSON array of [connection, id, sort_int,
/// sort_text]), with the latest action on each that nobody dismissed. CROSS JOINs keep SQLite
/// reading the picked steps first.
pub(super) async fn details(db: &mut SqliteConnection, keys: &str) -> Result<Vec<Raw>> {
    Ok(shown_steps! {
        db;
        "WITH page AS MATERIALIZED (
             SELECT j.value ->> 0 AS connection_id, j.value ->> 1 AS external_id,
                    j.value ->> 2 AS sort_int, j.value ->> 3 AS sort_text
             FROM json_each(?1) j)
         ",
        "p.sort_int", "p.sort_text",
        "FROM page p
         CROSS JOIN approvals a ON a.connection_id = p.connection_id AND a.external_id = p.external_id",
        "CROSS JOIN",
        ["LEFT JOIN outbox o ON o.id = (
               SELECT id FROM outbox x WHERE x.connection_id = a.connection_id
                  AND x.target_external_id = a.external_id AND x.dismissed_at IS NULL
               ORDER BY x.created_at DESC LIMIT 1)"];
        keys
    })
}

pub(super) fn to_row(r: Raw) -> Result<QueueRow> {
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
