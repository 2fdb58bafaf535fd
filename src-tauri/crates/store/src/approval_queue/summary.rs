//! The Approvals screen's totals: counts and exact sums per entity, currency and aging bucket.

use domain::{AgingBucket, Currency, Money};

use super::keys::built;
use super::search::Search;
use super::{approvers_json, like_pattern, QueueFilter};
use crate::{Result, Store, StoreError};

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

// The cells of the approvers' (?1) steps in the entity ?2 (or all) that `$from` reads: their
// currency (`$currency`), count and sum (`$count`, `$total`) per bucket of the assigned ordinal
// `$ordinal` on the entity's calendar. `$having` may drop empty cells.
macro_rules! cells {
    ($db:expr; $currency:tt, $ordinal:tt, $count:tt, $total:tt, [$($from:tt)+], $having:tt; $($arg:expr),*) => {
        sqlx::query_as!(
            Cell,
            r#"SELECT e.code AS "code!", e.name AS "name!", "# + $currency + r#" AS "currency!: String",
                      CASE WHEN (e.today_ordinal - "# + $ordinal + ") <= 2 THEN 0
                           WHEN (e.today_ordinal - " + $ordinal + ") <= 5 THEN 1
                           WHEN (e.today_ordinal - " + $ordinal + ") <= 10 THEN 2
                           WHEN (e.today_ordinal - " + $ordinal + r#") <= 20 THEN 3 ELSE 4 END AS "bucket!: i64",
                      "# + $count + r#" AS "count!: i64", "# + $total + r#" AS "total!: i64"
               "# + $($from)+ + "
               GROUP BY 1, 2, 3, 4 " + $having + "
               ORDER BY 1, 3, 4",
            $($arg),*
        )
        .fetch_all(&mut *$db)
        .await?
    };
}

// The cells of the steps a search matches (`$matches`, on ?3), read as `$steps` says (see
// `search_steps`).
macro_rules! searched_cells {
    ([$($from:tt)+] $db:expr; $matches:tt; $($arg:expr),*) => {
        cells!(
            $db; "k.currency", "k.assigned_ordinal", "COUNT(*)", "SUM(k.total_minor)",
            [$($from)+ + " AND " + $matches], "";
            $($arg),*
        )
    };
    ($db:expr; [$($steps:tt)+]; $($rest:tt)*) => {
        search_steps!($($steps)+; searched_cells!($db; $($rest)*))
    };
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
        Search::Suspended(pattern) => cells!(
            db; "i.currency", "a.assigned_ordinal", "COUNT(*)", "SUM(i.total_minor)",
            [r#"FROM approvals a
               JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
               JOIN legal_entities e ON e.connection_id = a.connection_id AND e.code = a.entity_code
               LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
               WHERE a.approver_id IN (SELECT value FROM json_each(?1)) AND a.status = 'pending'
                 AND (?2 IS NULL OR e.code = ?2)
                 AND (?3 IS NULL OR s.name LIKE ?3 ESCAPE '\' OR i.number LIKE ?3 ESCAPE '\')"#], "";
            approvers, filter.entity, pattern
        ),
        // The kept counts per assigned day, put in buckets by each entity's today.
        Search::Everything => cells!(
            db; "c.currency", "c.assigned_ordinal", "SUM(c.n)", "SUM(c.amount_minor)",
            ["FROM approval_queue_counts c
               JOIN legal_entities e ON e.connection_id = c.connection_id AND e.code = c.entity_code
               WHERE c.approver_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR e.code = ?2)"],
            "HAVING SUM(c.n) > 0";
            approvers, filter.entity
        ),
        // The matching suppliers' steps, name by name.
        Search::Suppliers(names) => searched_cells!(
            db; [every]; "k.supplier_key IN (SELECT value FROM json_each(?3))"; approvers, filter.entity, names
        ),
        // Every step is matched.
        Search::Scan(pattern) => searched_cells!(
            db; [every]; r"(k.supplier_key LIKE ?3 ESCAPE '\' OR k.number LIKE ?3 ESCAPE '\')"; approvers, filter.entity, pattern
        ),
        // The steps of the matched numbers and names, matched again.
        Search::Matched {
            numbers,
            names,
            pattern,
        } => searched_cells!(
            db; [matched "4", "5"]; r"(k.supplier_key LIKE ?3 ESCAPE '\' OR k.number LIKE ?3 ESCAPE '\')";
            approvers, filter.entity, pattern, numbers, names
        ),
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
