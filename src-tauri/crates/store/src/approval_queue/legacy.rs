//! The queue while its keys are suspended (a first pull is under way; see the keys' migration):
//! read as it was before them, the whole queue joined with the latest action per step from the
//! outbox and sorted by the computed keys. Same rows, order and cursor as the keys give.

use sqlx::SqliteConnection;

use super::page::Cursor;
use super::rows::{shown_steps, Raw};
use super::{like_pattern, QueueRequest};
use crate::Result;

// The shown steps as a subquery, so the cursor (`$cmp`) and order (`$dir`) name its columns as
// they are called there (with sqlx's type notes).
macro_rules! legacy_query {
    ($db:expr; $($arg:expr),*; $cmp:tt, $dir:tt) => {
        shown_steps! {
            $db; "SELECT * FROM (", computed, "FROM approvals a", "JOIN",
            [r#"LEFT JOIN outbox o ON o.id = (
                     SELECT id FROM outbox x WHERE x.connection_id = a.connection_id
                        AND x.target_external_id = a.external_id AND x.dismissed_at IS NULL
                     ORDER BY x.created_at DESC LIMIT 1)
                 WHERE a.approver_id IN (SELECT value FROM json_each(?2))
                   AND (a.status = 'pending' OR o.status = 'refused')
                   AND (?3 IS NULL OR e.code = ?3)
                   AND (e.today_ordinal - a.assigned_ordinal) BETWEEN ?4 AND ?5
                   AND (?6 IS NULL OR s.name LIKE ?6 ESCAPE '\' OR i.number LIKE ?6 ESCAPE '\')
               ) q
               WHERE ?7 IS NULL
                  OR (q."sort_int!: i64", q."sort_text!: String", q."connection_id!: String", q."approval_id!: String")
                     "# + $cmp + r#" (?7, ?8, ?9, ?10)
               ORDER BY q."sort_int!: i64" "# + $dir + r#", q."sort_text!: String" "# + $dir
                + r#", q."connection_id!: String" "# + $dir + r#", q."approval_id!: String" "# + $dir + r#"
               LIMIT ?11"#];
            $($arg),*
        }
    };
}

/// `page` while the keys are suspended: its rows and total.
pub(super) async fn legacy_page(
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
    let rows = either_way!(
        req.descending,
        legacy_query!(db; sort, approvers, entity, lo, hi, search, int, text, tie.0, tie.1, limit)
    );
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
