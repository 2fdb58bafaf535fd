//! Close tasks as the close board reads them: one entity's period at a time, through the partial
//! expression index on the mirrored records, not the whole close history.

use domain::erp::CloseTask;
use domain::Document;

use crate::{Result, Store, StoreError};

fn task(payload: &str) -> Result<CloseTask> {
    match crate::source_records::parse("close_tasks", payload)? {
        Document::CloseTask(t) => Ok(t),
        _ => Err(StoreError::corrupt("source_records", "payload", "not a close task")),
    }
}

/// The tasks of `entity`'s `period` (YYYY-MM), with the connection each came from.
pub async fn of_period(store: &Store, entity: &str, period: &str) -> Result<Vec<(String, CloseTask)>> {
    let rows = sqlx::query!(
        r#"SELECT connection_id, payload FROM source_records
           WHERE resource = 'close_tasks'
             AND json_extract(payload, '$.company_code') = ?1 AND json_extract(payload, '$.period') = ?2"#,
        entity,
        period
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.connection_id, task(&r.payload)?)))
        .collect()
}

/// Every entity with close tasks: one index seek per entity (the next code after the last),
/// not a walk over every task.
pub async fn entities(store: &Store) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        r#"WITH RECURSIVE e(code) AS (
               SELECT MIN(json_extract(payload, '$.company_code')) FROM source_records WHERE resource = 'close_tasks'
               UNION ALL
               SELECT (SELECT MIN(json_extract(payload, '$.company_code')) FROM source_records
                       WHERE resource = 'close_tasks' AND json_extract(payload, '$.company_code') > e.code)
               FROM e WHERE e.code IS NOT NULL)
           SELECT code AS "entity!: String" FROM e WHERE code IS NOT NULL"#
    )
    .fetch_all(store.reader())
    .await?)
}

/// The periods of `entity` with close tasks, oldest first, and whether all of each period's
/// tasks are reviewed: one index seek per period and two per "any task not reviewed?" (below
/// or above 'reviewed' in the status column), not a read of every task.
pub async fn periods(store: &Store, entity: &str) -> Result<Vec<(String, bool)>> {
    let rows = sqlx::query!(
        r#"WITH RECURSIVE p(period) AS (
               SELECT MIN(json_extract(payload, '$.period')) FROM source_records
               WHERE resource = 'close_tasks' AND json_extract(payload, '$.company_code') = ?1
               UNION ALL
               SELECT (SELECT MIN(json_extract(payload, '$.period')) FROM source_records
                       WHERE resource = 'close_tasks' AND json_extract(payload, '$.company_code') = ?1
                         AND json_extract(payload, '$.period') > p.period)
               FROM p WHERE p.period IS NOT NULL)
           SELECT period AS "period!: String",
                  NOT EXISTS (SELECT 1 FROM source_records
                              WHERE resource = 'close_tasks' AND json_extract(payload, '$.company_code') = ?1
                                AND json_extract(payload, '$.period') = p.period
                                AND json_extract(payload, '$.status') < 'reviewed')
                  AND NOT EXISTS (SELECT 1 FROM source_records
                              WHERE resource = 'close_tasks' AND json_extract(payload, '$.company_code') = ?1
                                AND json_extract(payload, '$.period') = p.period
                                AND json_extract(payload, '$.status') > 'reviewed') AS "done!: bool"
           FROM p WHERE period IS NOT NULL"#,
        entity
    )
    .fetch_all(store.reader())
    .await?;
    Ok(rows.into_iter().map(|r| (r.period, r.done)).collect())
}
