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

/// Every entity with close tasks (from the index alone).
pub async fn entities(store: &Store) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT DISTINCT json_extract(payload, '$.company_code') AS "entity!: String"
           FROM source_records WHERE resource = 'close_tasks' ORDER BY 1"#
    )
    .fetch_all(store.reader())
    .await?)
}

/// The periods of `entity` with close tasks, oldest first, and whether all of each period's
/// tasks are reviewed.
pub async fn periods(store: &Store, entity: &str) -> Result<Vec<(String, bool)>> {
    let rows = sqlx::query!(
        r#"SELECT json_extract(payload, '$.period') AS "period!: String",
                  MIN(json_extract(payload, '$.status') = 'reviewed') AS "done!: bool"
           FROM source_records
           WHERE resource = 'close_tasks' AND json_extract(payload, '$.company_code') = ?
           GROUP BY 1 ORDER BY 1"#,
        entity
    )
    .fetch_all(store.reader())
    .await?;
    Ok(rows.into_iter().map(|r| (r.period, r.done)).collect())
}
