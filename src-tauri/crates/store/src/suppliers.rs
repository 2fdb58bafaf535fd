use domain::Supplier;
use sqlx::SqliteConnection;

use crate::{format_ts, Result};

pub async fn upsert(tx: &mut SqliteConnection, s: &Supplier) -> Result<bool> {
    let p = &s.provenance;
    let (updated, fetched) = (format_ts(p.source_updated_at), format_ts(p.fetched_at));
    let done = sqlx::query!(
        "INSERT INTO suppliers (connection_id, external_id, name, country, bank_account, on_hold,
             source_version, source_updated_at, fetched_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             name = excluded.name, country = excluded.country, bank_account = excluded.bank_account,
             on_hold = excluded.on_hold, source_version = excluded.source_version,
             source_updated_at = excluded.source_updated_at, fetched_at = excluded.fetched_at
         WHERE excluded.source_version > suppliers.source_version",
        p.connection_id,
        p.external_id,
        s.name,
        s.country,
        s.bank_account,
        s.on_hold,
        p.source_version,
        updated,
        fetched
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Every supplier, ordered by connection and external id.
pub async fn all(store: &crate::Store) -> Result<Vec<Supplier>> {
    let rows = sqlx::query!(
        "SELECT connection_id, external_id, name, country, bank_account, on_hold, source_version, source_updated_at,
                fetched_at
         FROM suppliers ORDER BY connection_id, external_id"
    )
    .fetch_all(store.reader())
    .await?;
    rows.into_iter()
        .map(|r| {
            let ts = |s: &str, col: &'static str| {
                crate::parse_ts(s).map_err(|e| crate::StoreError::corrupt("suppliers", col, e))
            };
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
        })
        .collect()
}
