//! What duplicate detection blocks on, per posted invoice (see `domain::duplicate::find`): kept so
//! that an invoice that changed finds the few invoices it could duplicate through three indexed
//! look-ups instead of a pass over every invoice.

use domain::erp::PostedInvoice;
use domain::{duplicate, Document, Money};
use sqlx::SqliteConnection;

use crate::{Result, Store, StoreError};

/// One posted invoice's blocking keys.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DuplicateKey {
    pub connection_id: String,
    pub external_id: String,
    pub currency: String,
    pub supplier: String,
    /// The normalized invoice number.
    pub number: String,
    /// The amount rounded to the currency, in minor units.
    pub amount_minor: i64,
}

impl DuplicateKey {
    /// The keys of `inv`; `None` for a cancelled invoice, which duplicates nothing, or an
    /// amount too large for minor units.
    pub fn of(connection_id: &str, inv: &PostedInvoice) -> Option<DuplicateKey> {
        if inv.status == "cancelled" {
            return None;
        }
        Some(DuplicateKey {
            connection_id: connection_id.into(),
            external_id: inv.id.clone(),
            currency: inv.currency.to_string(),
            supplier: inv.supplier_id.clone(),
            number: duplicate::normalize_number(&inv.invoice_number),
            amount_minor: Money::new(inv.amount, inv.currency).round().to_minor().ok()?,
        })
    }
}

const CHUNK: usize = 5_000;

fn json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::corrupt("duplicate_keys", "keys", e))
}

async fn insert(tx: &mut SqliteConnection, keys: &[DuplicateKey]) -> Result<()> {
    for chunk in keys.chunks(CHUNK) {
        let rows = json(chunk)?;
        sqlx::query!(
            "INSERT INTO duplicate_keys (connection_id, external_id, currency, supplier, number, amount_minor)
             SELECT json_extract(value, '$.connection_id'), json_extract(value, '$.external_id'),
                    json_extract(value, '$.currency'), json_extract(value, '$.supplier'),
                    json_extract(value, '$.number'), json_extract(value, '$.amount_minor')
             FROM json_each(?1) WHERE true
             ON CONFLICT (connection_id, external_id) DO UPDATE SET
                 currency = excluded.currency, supplier = excluded.supplier, number = excluded.number,
                 amount_minor = excluded.amount_minor
             -- An invoice re-synced with the same keys (most changes are elsewhere) writes nothing.
             WHERE (currency, supplier, number, amount_minor)
                   IS NOT (excluded.currency, excluded.supplier, excluded.number, excluded.amount_minor)",
            rows
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Replaces every key (the full derivation).
pub async fn replace_all(store: &Store, keys: &[DuplicateKey]) -> Result<()> {
    let mut tx = store.begin().await?;
    sqlx::query!("DELETE FROM duplicate_keys").execute(&mut *tx).await?;
    insert(&mut tx, keys).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes the keys of changed invoices and drops those of `removed` (connection, id).
pub async fn put(store: &Store, keys: &[DuplicateKey], removed: &[(String, String)]) -> Result<()> {
    let mut tx = store.begin().await?;
    for chunk in removed.chunks(CHUNK) {
        let rows = json(chunk)?;
        sqlx::query!(
            "DELETE FROM duplicate_keys WHERE (connection_id, external_id) IN
                 (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1))",
            rows
        )
        .execute(&mut *tx)
        .await?;
    }
    insert(&mut tx, keys).await?;
    tx.commit().await?;
    Ok(())
}

/// The posted invoices that share a block with one of `keys` (the same supplier or normalized
/// number with an amount within half a percent, or the same rounded amount), with their
/// connection. `keys` themselves are not: the caller has them already. The same-amount block
/// only when `by_amount` (see `domain::duplicate::blocks_by_amount`): it is the largest.
pub async fn neighbours(store: &Store, keys: &[DuplicateKey], by_amount: bool) -> Result<Vec<(String, Document)>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let probes = json(chunk)?;
        let rows = sqlx::query!(
            r#"WITH k AS (
                   SELECT c, s, n, a - spread AS lo, a + spread AS hi, a FROM (
                       -- The window is half a percent of the amount plus two minor units for
                       -- the rounding on either side.
                       SELECT json_extract(value, '$.currency') AS c, json_extract(value, '$.supplier') AS s,
                              json_extract(value, '$.number') AS n, json_extract(value, '$.amount_minor') AS a,
                              abs(json_extract(value, '$.amount_minor')) / 200 + 2 AS spread
                       FROM json_each(?1))),
               hits AS (
                   SELECT d.connection_id, d.external_id FROM k JOIN duplicate_keys d
                       ON d.currency = k.c AND d.supplier = k.s AND d.amount_minor BETWEEN k.lo AND k.hi
                   WHERE k.s != ''
                   UNION
                   SELECT d.connection_id, d.external_id FROM k JOIN duplicate_keys d
                       ON d.currency = k.c AND d.number = k.n AND d.amount_minor BETWEEN k.lo AND k.hi
                   WHERE k.n != ''
                   UNION
                   SELECT d.connection_id, d.external_id FROM k JOIN duplicate_keys d
                       ON d.currency = k.c AND d.amount_minor = k.a
                   WHERE ?2
                   EXCEPT
                   SELECT json_extract(value, '$.connection_id'), json_extract(value, '$.external_id')
                   FROM json_each(?1))
               SELECT s.connection_id AS "connection_id!: String", s.payload AS "payload!: String"
               FROM hits h JOIN source_records s
                   ON s.connection_id = h.connection_id AND s.resource = 'posted_invoices'
                  AND s.external_id = h.external_id"#,
            probes,
            by_amount
        )
        .fetch_all(store.reader())
        .await?;
        for r in rows {
            out.push((
                r.connection_id,
                crate::source_records::parse("posted_invoices", &r.payload)?,
            ));
        }
    }
    Ok(out)
}
