//! ERP and treasury records in the mirror, in canonical JSON per (connection, resource, id). An
//! older version never overwrites a newer one, so retries, replays and out-of-order webhooks are
//! harmless.

use chrono::{DateTime, Utc};
use domain::checksum::TableChecksum;
use domain::Document;
use sqlx::SqliteConnection;

use crate::{format_ts, raw, Result, Store, StoreError};

/// Writes documents inside the caller's transaction; returns how many changed the mirror. Runs on
/// the bulk path (`raw`): a sync writes millions of these.
pub async fn upsert_batch(
    tx: &mut SqliteConnection,
    connection_id: &str,
    docs: &[&Document],
    now: DateTime<Utc>,
) -> Result<u64> {
    if docs.is_empty() {
        return Ok(0);
    }
    let now = format_ts(now);
    raw::with_connection(tx, |conn| {
        let mut upsert = conn.prepare_cached(
            "INSERT INTO source_records (connection_id, resource, external_id, version, payload, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (connection_id, resource, external_id) DO UPDATE SET
                 version = excluded.version, payload = excluded.payload, synced_at = excluded.synced_at
             WHERE excluded.version > source_records.version",
        )?;
        let mut changed = 0;
        for d in docs {
            changed += upsert.execute(rusqlite::params![
                connection_id,
                d.resource(),
                d.id(),
                d.version(),
                d.to_json(),
                now
            ])? as u64;
        }
        Ok(changed)
    })
    .await
}

/// A stored record of `resource`; a payload that no longer parses is reported as corrupt.
pub(crate) fn parse(resource: &str, payload: &str) -> Result<Document> {
    Document::from_json(resource, payload).map_err(|reason| StoreError::corrupt("source_records", "payload", reason))
}

/// Every mirrored record of `resource`, across connections, with the connection it came from.
/// (Naming the connections lets SQLite seek the primary key per connection instead of reading
/// every record of every resource.)
pub async fn list(store: &Store, resource: &str) -> Result<Vec<(String, Document)>> {
    let rows = sqlx::query!(
        "SELECT connection_id, payload FROM source_records
         WHERE connection_id IN (SELECT id FROM connections) AND resource = ?
         ORDER BY external_id",
        resource
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.connection_id, parse(resource, &r.payload)?)))
        .collect()
}

/// The ids of a connection's records of `resource`.
pub async fn ids(store: &Store, connection_id: &str, resource: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT external_id FROM source_records WHERE connection_id = ? AND resource = ? ORDER BY external_id",
        connection_id,
        resource
    )
    .fetch_all(store.reader())
    .await?)
}

/// The statements a treasury connection announced that are not in the mirror's bank
/// statements yet (matched on the bank's statement id).
pub async fn unimported_statements(store: &Store, connection_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        "SELECT s.external_id FROM source_records s
         WHERE s.connection_id = ? AND s.resource = 'statements'
           AND NOT EXISTS (SELECT 1 FROM bank_statements b WHERE b.statement_ref = s.external_id)
         ORDER BY s.external_id",
        connection_id
    )
    .fetch_all(store.reader())
    .await?)
}

/// One mirrored record and the connection it came from.
pub async fn get(store: &Store, resource: &str, external_id: &str) -> Result<Option<(String, Document)>> {
    let row = sqlx::query!(
        "SELECT connection_id, payload FROM source_records
         WHERE connection_id IN (SELECT id FROM connections) AND resource = ? AND external_id = ? LIMIT 1",
        resource,
        external_id
    )
    .fetch_optional(store.reader())
    .await?;
    row.map(|r| Ok((r.connection_id, parse(resource, &r.payload)?)))
        .transpose()
}

/// Per-resource fingerprints of a connection's records (see `domain::checksum`).
pub async fn checksums(store: &Store, connection_id: &str) -> Result<Vec<(String, TableChecksum)>> {
    let rows = sqlx::query!(
        "SELECT resource, external_id, version FROM source_records WHERE connection_id = ? ORDER BY resource",
        connection_id
    )
    .fetch_all(store.reader())
    .await?;
    let mut out: Vec<(String, TableChecksum)> = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let resource = rows[start].resource.clone();
        let end = rows[start..]
            .iter()
            .position(|r| r.resource != resource)
            .map_or(rows.len(), |p| start + p);
        let sum = TableChecksum::of(rows[start..end].iter().map(|r| (r.external_id.as_str(), r.version)));
        out.push((resource, sum));
        start = end;
    }
    Ok(out)
}

/// How many records of each resource a connection has in the mirror.
pub async fn counts(store: &Store, connection_id: &str) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query!(
        r#"SELECT resource, COUNT(*) AS "n!: i64" FROM source_records WHERE connection_id = ? GROUP BY resource"#,
        connection_id
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(|r| (r.resource, r.n))
    .collect())
}

/// The ERP payments not yet booked into the reconciliation ledger (whose ledger id is
/// `connection:payment id`), with the connection each came from.
pub async fn unbooked_payments(store: &Store) -> Result<Vec<(String, Document)>> {
    let rows = sqlx::query!(
        r#"SELECT connection_id, payload FROM source_records s
           WHERE connection_id IN (SELECT id FROM connections) AND resource = 'payments'
             AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.id = s.connection_id || ':' || s.external_id)"#
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.connection_id, parse("payments", &r.payload)?)))
        .collect()
}

/// The records of `resources` synced after `since`, with their connection: what an incremental
/// exception derivation starts from.
pub async fn synced_since(store: &Store, since: DateTime<Utc>, resources: &[&str]) -> Result<Vec<(String, Document)>> {
    let since = format_ts(since);
    let json = to_json(resources)?;
    let rows = sqlx::query!(
        "SELECT connection_id, resource, payload FROM source_records
         WHERE synced_at > ?1 AND resource IN (SELECT value FROM json_each(?2))",
        since,
        json
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.connection_id, parse(&r.resource, &r.payload)?)))
        .collect()
}

/// Records of `resource` by external id, in whichever connection has them.
pub async fn by_ids(store: &Store, resource: &str, ids: &[String]) -> Result<Vec<(String, Document)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let json = to_json(ids)?;
    let rows = sqlx::query!(
        "SELECT connection_id, payload FROM source_records
         WHERE connection_id IN (SELECT id FROM connections) AND resource = ?1
           AND external_id IN (SELECT value FROM json_each(?2))",
        resource,
        json
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| Ok((r.connection_id, parse(resource, &r.payload)?)))
        .collect()
}

/// How a changed record leads to the records derived together with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Posted invoices quoting one of these purchase orders.
    PostedByOrder,
    /// Goods receipts against one of these purchase orders.
    ReceiptsByOrder,
    /// Posted invoices of one of these AP invoices.
    PostedByApInvoice,
    /// Posting errors of one of these AP invoices.
    ErrorsByApInvoice,
    /// Payment instructions to one of these suppliers.
    InstructionsBySupplier,
    /// Bank account changes of one of these suppliers.
    BankChangesBySupplier,
}

// Each arm names its resource and key as literals, so SQLite picks the partial expression index
// the incremental-exceptions migration made for exactly that pair.
macro_rules! linked_rows {
    ($db:expr, $json:expr, $resource:literal, $path:literal) => {
        (
            $resource,
            sqlx::query!(
                "SELECT connection_id, payload FROM source_records WHERE resource = '"
                    + $resource
                    + "' AND json_extract(payload, '"
                    + $path
                    + "') IN (SELECT value FROM json_each(?1))",
                $json
            )
            .fetch_all($db)
            .await?
            .into_iter()
            .map(|r| (r.connection_id, r.payload))
            .collect::<Vec<_>>(),
        )
    };
}

/// The records `link` leads to from `keys`, with their connection.
pub async fn linked(store: &Store, link: Link, keys: &[String]) -> Result<Vec<(String, Document)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let json = to_json(keys)?;
    let db = store.reader();
    let (resource, rows) = match link {
        Link::PostedByOrder => linked_rows!(db, json, "posted_invoices", "$.purchase_order_id"),
        Link::ReceiptsByOrder => linked_rows!(db, json, "goods_receipts", "$.purchase_order_id"),
        Link::PostedByApInvoice => linked_rows!(db, json, "posted_invoices", "$.ap_reference"),
        Link::ErrorsByApInvoice => linked_rows!(db, json, "posting_errors", "$.ap_reference"),
        Link::InstructionsBySupplier => linked_rows!(db, json, "payment_instructions", "$.supplier_id"),
        Link::BankChangesBySupplier => linked_rows!(db, json, "bank_account_changes", "$.supplier_id"),
    };
    rows.into_iter()
        .map(|(conn, payload)| Ok((conn, parse(resource, &payload)?)))
        .collect()
}

fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::corrupt("source_records", "lookup", e))
}

/// Marks the first `n` records of `resource` as synced at `at` without changing them: what a
/// benchmark uses to replay a delta on a kept mirror.
pub async fn mark_synced(store: &Store, resource: &str, n: i64, at: DateTime<Utc>) -> Result<u64> {
    let at = format_ts(at);
    Ok(sqlx::query!(
        "UPDATE source_records SET synced_at = ?1
         WHERE connection_id IN (SELECT id FROM connections) AND resource = ?2
           AND external_id IN (SELECT external_id FROM source_records
                               WHERE connection_id IN (SELECT id FROM connections) AND resource = ?2
                               ORDER BY external_id LIMIT ?3)",
        at,
        resource,
        n
    )
    .execute(store.writer())
    .await?
    .rows_affected())
}
