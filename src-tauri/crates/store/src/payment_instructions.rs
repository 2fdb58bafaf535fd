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

/// Newest first, at most `limit`, with the connection each came from.
pub async fn recent(store: &Store, which: &Which, limit: i64) -> Result<Vec<(String, PaymentInstruction)>> {
    let rows = match which {
        Which::All => sqlx::query!(
            r#"SELECT connection_id, payload FROM source_records WHERE resource = 'payment_instructions'
                   ORDER BY json_extract(payload, '$.modified_at') DESC LIMIT ?"#,
            limit
        )
        .fetch_all(store.reader())
        .await?
        .into_iter()
        .map(|r| (r.connection_id, r.payload))
        .collect::<Vec<_>>(),
        Which::Status(status) => sqlx::query!(
            r#"SELECT connection_id, payload FROM source_records WHERE resource = 'payment_instructions'
                 AND json_extract(payload, '$.status') = ?1
               ORDER BY json_extract(payload, '$.modified_at') DESC LIMIT ?2"#,
            status,
            limit
        )
        .fetch_all(store.reader())
        .await?
        .into_iter()
        .map(|r| (r.connection_id, r.payload))
        .collect(),
        // Without a final answer: every status but settled and rejected, each through the index.
        Which::InFlight => sqlx::query!(
            r#"SELECT connection_id, payload FROM source_records WHERE resource = 'payment_instructions'
                 AND json_extract(payload, '$.status') IN ('PDNG', 'ACTC', 'ACCP', 'ACSP', 'ACWC')
               ORDER BY json_extract(payload, '$.modified_at') DESC LIMIT ?1"#,
            limit
        )
        .fetch_all(store.reader())
        .await?
        .into_iter()
        .map(|r| (r.connection_id, r.payload))
        .collect(),
    };
    rows.into_iter().map(|(c, p)| Ok((c, instruction(&p)?))).collect()
}

/// The instructions of one run.
pub async fn of_run(store: &Store, run_id: &str) -> Result<Vec<(String, PaymentInstruction)>> {
    let rows = sqlx::query!(
        r#"SELECT connection_id, payload FROM source_records WHERE resource = 'payment_instructions'
             AND json_extract(payload, '$.run_id') = ?"#,
        run_id
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.connection_id, instruction(&r.payload)?)))
        .collect()
}

/// Per run: instructions settled, rejected and still in flight, for the runs asked about.
pub async fn counts(store: &Store, run_ids: &[String]) -> Result<Vec<(String, i64, i64, i64)>> {
    let ids = serde_json::to_string(run_ids).map_err(|e| StoreError::corrupt("source_records", "run_id", e))?;
    let rows = sqlx::query!(
        r#"SELECT json_extract(payload, '$.run_id') AS "run!: String",
                  SUM(json_extract(payload, '$.status') = 'ACSC') AS "settled!: i64",
                  SUM(json_extract(payload, '$.status') = 'RJCT') AS "rejected!: i64",
                  SUM(json_extract(payload, '$.status') NOT IN ('ACSC', 'RJCT')) AS "in_flight!: i64"
           FROM source_records WHERE resource = 'payment_instructions'
             AND json_extract(payload, '$.run_id') IN (SELECT value FROM json_each(?))
           GROUP BY 1"#,
        ids
    )
    .fetch_all(store.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.run, r.settled, r.rejected, r.in_flight))
        .collect())
}
