//! Close tasks as the close board reads them: one entity's period at a time, through the partial
//! expression index on the mirrored records, not the whole close history.

use domain::erp::CloseTask;
use domain::Document;

use crate::{Result, Store, StoreError};

fn task(payload: &str) -> Result<CloseTask> {
    let value = serde_json::from_str(payload).map_err(|e| StoreError::corrupt("source_records", "payload", e))?;
    match Document::parse("close_tasks", value) {
        Ok(Document::CloseTask(t)) => Ok(t),
        Ok(_) => Err(StoreError::corrupt("source_records", "payload", "not a close task")),
        Err(e) => Err(StoreError::corrupt("source_records", "payload", e)),
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

/// Every (entity, period) with close tasks, and whether all of that period's tasks are reviewed.
pub async fn periods(store: &Store) -> Result<Vec<(String, String, bool)>> {
    let rows = sqlx::query!(
        r#"SELECT json_extract(payload, '$.company_code') AS "entity!: String",
                  json_extract(payload, '$.period') AS "period!: String",
                  MIN(json_extract(payload, '$.status') = 'reviewed') AS "done!: bool"
           FROM source_records WHERE resource = 'close_tasks'
           GROUP BY 1, 2 ORDER BY 1, 2"#
    )
    .fetch_all(store.reader())
    .await?;
    Ok(rows.into_iter().map(|r| (r.entity, r.period, r.done)).collect())
}
