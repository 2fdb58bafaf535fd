use domain::Supplier;
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::{format_ts, Result};

#[derive(Serialize)]
struct Row<'a> {
    c: &'a str,
    id: &'a str,
    name: &'a str,
    cc: &'a str,
    bank: Option<&'a str>,
    hold: bool,
    v: i64,
    up: String,
    f: String,
}

/// Inserts or updates a batch of suppliers in one statement, skipping every supplier whose stored
/// version is the same or newer, and renames them in the approval queue's keys. Returns how many
/// changed.
pub async fn upsert_batch(tx: &mut SqliteConnection, batch: &[Supplier]) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let rows: Vec<Row> = batch
        .iter()
        .map(|s| Row {
            c: &s.provenance.connection_id,
            id: &s.provenance.external_id,
            name: &s.name,
            cc: &s.country,
            bank: s.bank_account.as_deref(),
            hold: s.on_hold,
            v: s.provenance.source_version,
            up: format_ts(s.provenance.source_updated_at),
            f: format_ts(s.provenance.fetched_at),
        })
        .collect();
    let json = serde_json::to_string(&rows).map_err(|e| crate::StoreError::corrupt("suppliers", "batch", e))?;
    let done = sqlx::query!(
        "INSERT INTO suppliers (connection_id, external_id, name, country, bank_account, on_hold,
             source_version, source_updated_at, fetched_at)
         SELECT j.value ->> 'c', j.value ->> 'id', j.value ->> 'name', j.value ->> 'cc', j.value ->> 'bank',
                j.value ->> 'hold', j.value ->> 'v', j.value ->> 'up', j.value ->> 'f'
         FROM json_each(?1) j WHERE true
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             name = excluded.name, country = excluded.country, bank_account = excluded.bank_account,
             on_hold = excluded.on_hold, source_version = excluded.source_version,
             source_updated_at = excluded.source_updated_at, fetched_at = excluded.fetched_at
         WHERE excluded.source_version > suppliers.source_version",
        json
    )
    .execute(&mut *tx)
    .await?;
    // A supplier's name is the supplier sort key of its invoices' pending steps (unless a first
    // pull has the keys suspended). The stored name, whichever version won.
    sqlx::query!(
        "UPDATE approval_queue_keys AS k INDEXED BY approval_queue_by_supplier SET supplier_key = lower(s.name)
         FROM json_each(?1) j
         JOIN suppliers s ON s.connection_id = j.value ->> 'c' AND s.external_id = j.value ->> 'id'
         WHERE k.connection_id = s.connection_id AND k.supplier_external_id = s.external_id
           AND k.supplier_key IS NOT lower(s.name)
           AND (SELECT built FROM approval_queue_state WHERE id = 1) = 1",
        json
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

/// Every supplier, ordered by connection and external id.
pub async fn all(store: &crate::Store) -> Result<Vec<Supplier>> {
    sqlx::query_as!(
        SupplierRow,
        "SELECT connection_id, external_id, name, country, bank_account, on_hold, source_version, source_updated_at,
                fetched_at
         FROM suppliers ORDER BY connection_id, external_id"
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(supplier)
    .collect()
}

/// Suppliers fetched after `since` (if given) or with one of `ids` (external ids, any AP
/// connection).
pub async fn changed_or_of(
    store: &crate::Store,
    since: Option<chrono::DateTime<chrono::Utc>>,
    ids: &[String],
) -> Result<Vec<Supplier>> {
    let since = since.map(crate::format_ts);
    let ids = serde_json::to_string(ids).map_err(|e| crate::StoreError::corrupt("suppliers", "external_id", e))?;
    sqlx::query_as!(
        SupplierRow,
        "SELECT connection_id, external_id, name, country, bank_account, on_hold, source_version, source_updated_at,
                fetched_at
         FROM suppliers WHERE fetched_at > ?1
         UNION
         SELECT connection_id, external_id, name, country, bank_account, on_hold, source_version, source_updated_at,
                fetched_at
         FROM suppliers
         WHERE connection_id IN (SELECT id FROM connections) AND external_id IN (SELECT value FROM json_each(?2))",
        since,
        ids
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(supplier)
    .collect()
}

/// Suppliers by external id, in whichever AP connection has them.
pub async fn of(store: &crate::Store, ids: &[String]) -> Result<Vec<Supplier>> {
    changed_or_of(store, None, ids).await
}

/// A `suppliers` row as every query of it selects it.
struct SupplierRow {
    connection_id: String,
    external_id: String,
    name: String,
    country: String,
    bank_account: Option<String>,
    on_hold: i64,
    source_version: i64,
    source_updated_at: String,
    fetched_at: String,
}

fn supplier(r: SupplierRow) -> Result<Supplier> {
    let ts =
        |s: &str, col: &'static str| crate::parse_ts(s).map_err(|e| crate::StoreError::corrupt("suppliers", col, e));
    Ok(Supplier {
        provenance: domain::Provenance {
            connection_id: r.connection_id,
            external_id: r.external_id,
            source_version: r.source_version,
            source_updated_at: ts(&r.source_updated_at, "source_updated_at")?,
            fetched_at: ts(&r.fetched_at, "fetched_at")?,
        },
        name: r.name,
        country: r.country,
        bank_account: r.bank_account,
        on_hold: r.on_hold != 0,
    })
}
