//! The approver's queue and its aging summary: the queries behind the Approvals screen.
//!
//! Ages are business days on each entity's calendar: `today_ordinal - assigned_ordinal`, both
//! maintained in Rust from `domain::BusinessCalendar`, so SQL only subtracts integers.

use domain::{AgingBucket, Currency, Money};
use serde::{Deserialize, Serialize};

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

#[derive(Serialize, Deserialize)]
struct Cursor(i64, String, String);

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
    row_key: String,
}

// The shared SELECT of both directions. A row is in the queue while its step is pending, or
// while the approver's last action on it was refused by the source and not yet dismissed.
macro_rules! queue_query {
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
                                WHEN 'invoice_number' THEN i.number ELSE '' END AS sort_text,
                        a.connection_id || '/' || a.external_id AS row_key
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
               SELECT connection_id AS "connection_id!: String", approval_id AS "approval_id!: String", invoice_id AS "invoice_id!: String",
                      invoice_number AS "invoice_number!: String", supplier_name AS "supplier_name!: String",
                      entity_code AS "entity_code!: String", entity_name AS "entity_name!: String", currency AS "currency!: String",
                      total_minor AS "total_minor!: i64", invoice_date AS "invoice_date!: String", due_date AS "due_date!: String",
                      assigned_at AS "assigned_at!: String", age AS "age!: i64", step AS "step!: i64",
                      step_count AS "step_count!: i64", step_name AS "step_name!: String", status AS "status!: String",
                      created_by AS "created_by?: String", coded_by AS "coded_by?: String",
                      action_id AS "action_id?: String", action_payload AS "action_payload?: String", action_status AS "action_status?: String",
                      action_message AS "action_message?: String", action_created_at AS "action_created_at?: String",
                      action_attempts AS "action_attempts?: i64",
                      sort_int AS "sort_int!: i64", sort_text AS "sort_text!: String", row_key AS "row_key!: String"
               FROM q
               WHERE ?7 IS NULL OR (sort_int, sort_text, row_key) "# + $cmp + r#" (?7, ?8, ?9)
               ORDER BY sort_int "# + $dir + ", sort_text " + $dir + ", row_key " + $dir + r#"
               LIMIT ?10"#,
            $($arg),*
        )
    };
}

pub(crate) fn like_pattern(search: &Option<String>) -> Option<String> {
    search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| {
        let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    })
}

pub async fn page(store: &Store, req: &QueueRequest) -> Result<QueuePage> {
    let (lo, hi) = req
        .filter
        .bucket
        .map(AgingBucket::range)
        .unwrap_or((i64::MIN, i64::MAX));
    let search = like_pattern(&req.filter.search);
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
    let sort = req.sort.as_str();
    let approvers =
        serde_json::to_string(&req.approvers).map_err(|e| StoreError::corrupt("approvals", "approvers", e))?;
    let rows = if req.descending {
        queue_query!(
            "<",
            "DESC",
            sort,
            approvers,
            req.filter.entity,
            lo,
            hi,
            search,
            a_int,
            a_text,
            a_key,
            limit
        )
        .fetch_all(store.reader())
        .await?
    } else {
        queue_query!(
            ">",
            "ASC",
            sort,
            approvers,
            req.filter.entity,
            lo,
            hi,
            search,
            a_int,
            a_text,
            a_key,
            limit
        )
        .fetch_all(store.reader())
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
        req.filter.entity,
        lo,
        hi,
        search
    )
    .fetch_one(store.reader())
    .await?;
    let next_cursor = if rows.len() as i64 == limit {
        rows.last()
            .map(|r| serde_json::to_string(&Cursor(r.sort_int, r.sort_text.clone(), r.row_key.clone())))
            .transpose()
            .map_err(|e| StoreError::corrupt("approvals", "cursor", e))?
    } else {
        None
    };
    let rows = rows.into_iter().map(to_row).collect::<Result<Vec<_>>>()?;
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

/// Counts and exact sums per entity, currency and bucket of the approver's pending steps.
pub async fn aging_summary(store: &Store, approvers: &[String], filter: &QueueFilter) -> Result<Vec<EntityAging>> {
    let search = like_pattern(&filter.search);
    let approvers = serde_json::to_string(approvers).map_err(|e| StoreError::corrupt("approvals", "approvers", e))?;
    let rows = sqlx::query!(
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
        search
    )
    .fetch_all(store.reader())
    .await?;
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
