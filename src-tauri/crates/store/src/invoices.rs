use std::str::FromStr;

use domain::{Currency, Invoice, InvoiceLine, InvoiceStatus, Money, Provenance};
use rust_decimal::Decimal;
use sqlx::SqliteConnection;

use crate::approval_queue::Upkeep;
use crate::{format_ts, parse_ts, raw, Result, Store, StoreError};

/// Inserts or updates a batch of invoices with their lines, skipping every invoice whose stored
/// version is the same or newer; a changed invoice's lines are replaced. Returns how many
/// invoices changed. Runs on the bulk path (`raw`): prepared statements, one row at a time; the
/// approval queue's keys of the changed invoices' steps follow at the end of the batch.
pub async fn upsert_batch(tx: &mut SqliteConnection, batch: &[Invoice]) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    // Money and dates are checked and converted before SQLite sees anything.
    let minors = batch
        .iter()
        .map(|inv| {
            Ok((
                inv.total.to_minor()?,
                inv.lines
                    .iter()
                    .map(|l| l.amount.to_minor())
                    .collect::<Result<Vec<_>, _>>()?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    raw::with_connection(tx, |conn| {
        let mut upsert = conn.prepare_cached(
            "INSERT INTO invoices (connection_id, external_id, entity_code, supplier_external_id, number, invoice_date,
                 due_date, currency, total_minor, status, po_number, created_by, coded_by,
                 source_version, source_updated_at, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT(connection_id, external_id) DO UPDATE SET
                 entity_code = excluded.entity_code, supplier_external_id = excluded.supplier_external_id,
                 number = excluded.number, invoice_date = excluded.invoice_date, due_date = excluded.due_date,
                 currency = excluded.currency, total_minor = excluded.total_minor, status = excluded.status,
                 po_number = excluded.po_number, created_by = excluded.created_by, coded_by = excluded.coded_by,
                 source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
                 fetched_at = excluded.fetched_at
             WHERE excluded.source_version > invoices.source_version",
        )?;
        let mut delete_lines =
            conn.prepare_cached("DELETE FROM invoice_lines WHERE connection_id = ?1 AND invoice_external_id = ?2")?;
        let mut insert_line = conn.prepare_cached(
            "INSERT INTO invoice_lines (connection_id, invoice_external_id, line_no, description, quantity,
                 unit_price, amount_minor, gl_account, cost_center)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut upkeep = Upkeep::begin(conn)?;
        let mut changed = 0;
        for (inv, (total, line_minors)) in batch.iter().zip(&minors) {
            let p = &inv.provenance;
            let n = upsert.execute(rusqlite::params![
                p.connection_id,
                p.external_id,
                inv.entity_code,
                inv.supplier_external_id,
                inv.number,
                inv.invoice_date.to_string(),
                inv.due_date.to_string(),
                inv.total.currency().code(),
                total,
                inv.status.as_str(),
                inv.po_number,
                inv.created_by,
                inv.coded_by,
                p.source_version,
                format_ts(p.source_updated_at),
                format_ts(p.fetched_at),
            ])?;
            if n == 0 {
                continue;
            }
            changed += 1;
            if let Some(upkeep) = &mut upkeep {
                upkeep.invoice(&p.connection_id, &p.external_id)?;
            }
            delete_lines.execute(rusqlite::params![p.connection_id, p.external_id])?;
            for (l, amount) in inv.lines.iter().zip(line_minors) {
                insert_line.execute(rusqlite::params![
                    p.connection_id,
                    p.external_id,
                    l.line_no,
                    l.description,
                    l.quantity.to_string(),
                    l.unit_price.amount().to_string(),
                    amount,
                    l.gl_account,
                    l.cost_center,
                ])?;
            }
        }
        if let Some(upkeep) = upkeep {
            upkeep.apply()?;
        }
        Ok(changed)
    })
    .await
}

fn corrupt(column: &'static str) -> impl Fn(String) -> StoreError {
    move |reason| StoreError::corrupt("invoices", column, reason)
}

/// Every invoice with its lines, ordered by connection and external id.
pub async fn all(store: &Store) -> Result<Vec<Invoice>> {
    load(store, None, true).await
}

/// Every invoice without its lines: what the exception rules read (a third of the rows at size L).
pub async fn headers(store: &Store) -> Result<Vec<Invoice>> {
    load(store, None, false).await
}

pub async fn get(store: &Store, connection_id: &str, external_id: &str) -> Result<Option<Invoice>> {
    Ok(load(store, Some((connection_id, external_id)), true).await?.pop())
}

async fn load(store: &Store, only: Option<(&str, &str)>, with_lines: bool) -> Result<Vec<Invoice>> {
    let (conn, ext) = only.unzip();
    let rows = sqlx::query_as!(
        HeaderRow,
        "SELECT connection_id, external_id, entity_code, supplier_external_id, number, invoice_date, due_date, currency,
                total_minor, status, po_number, created_by, coded_by, source_version, source_updated_at, fetched_at
         FROM invoices
         WHERE (?1 IS NULL OR (connection_id = ?1 AND external_id = ?2))
         ORDER BY connection_id, external_id",
        conn,
        ext
    )
    .fetch_all(store.reader())
    .await?;
    let lines = sqlx::query!(
        "SELECT connection_id, invoice_external_id, line_no, description, quantity, unit_price, amount_minor,
                gl_account, cost_center
         FROM invoice_lines
         WHERE ?3 AND (?1 IS NULL OR (connection_id = ?1 AND invoice_external_id = ?2))
         ORDER BY connection_id, invoice_external_id, line_no",
        conn,
        ext,
        with_lines
    )
    .fetch_all(store.reader())
    .await?;
    let mut lines = lines.into_iter().peekable();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut inv = header(r)?;
        let currency = inv.total.currency();
        // Lines of invoices before this one in the order were skipped by the filter or are orphans.
        while let Some(l) = lines.peek() {
            let key = (l.connection_id.as_str(), l.invoice_external_id.as_str());
            let this = (
                inv.provenance.connection_id.as_str(),
                inv.provenance.external_id.as_str(),
            );
            if key < this {
                lines.next();
                continue;
            }
            if key > this {
                break;
            }
            let l = lines.next().expect("peeked");
            let dec = |s: &str, col: &'static str| {
                Decimal::from_str(s).map_err(|e| StoreError::corrupt("invoice_lines", col, e))
            };
            inv.lines.push(InvoiceLine {
                line_no: l.line_no,
                description: l.description,
                quantity: dec(&l.quantity, "quantity")?,
                unit_price: Money::new(dec(&l.unit_price, "unit_price")?, currency),
                amount: Money::from_minor(l.amount_minor, currency),
                gl_account: l.gl_account,
                cost_center: l.cost_center,
            });
        }
        out.push(inv);
    }
    Ok(out)
}

/// An `invoices` row as every query of it selects it.
struct HeaderRow {
    connection_id: String,
    external_id: String,
    entity_code: String,
    supplier_external_id: String,
    number: String,
    invoice_date: String,
    due_date: String,
    currency: String,
    total_minor: i64,
    status: String,
    po_number: Option<String>,
    created_by: Option<String>,
    coded_by: Option<String>,
    source_version: i64,
    source_updated_at: String,
    fetched_at: String,
}

/// The invoice of a row, without its lines.
fn header(r: HeaderRow) -> Result<Invoice> {
    let currency = Currency::new(&r.currency)?;
    Ok(Invoice {
        provenance: Provenance {
            connection_id: r.connection_id,
            external_id: r.external_id,
            source_version: r.source_version,
            source_updated_at: parse_ts(&r.source_updated_at)
                .map_err(|e| corrupt("source_updated_at")(e.to_string()))?,
            fetched_at: parse_ts(&r.fetched_at).map_err(|e| corrupt("fetched_at")(e.to_string()))?,
        },
        entity_code: r.entity_code,
        supplier_external_id: r.supplier_external_id,
        number: r.number,
        invoice_date: r
            .invoice_date
            .parse()
            .map_err(|e: chrono::ParseError| corrupt("invoice_date")(e.to_string()))?,
        due_date: r
            .due_date
            .parse()
            .map_err(|e: chrono::ParseError| corrupt("due_date")(e.to_string()))?,
        total: Money::from_minor(r.total_minor, currency),
        status: InvoiceStatus::parse(&r.status)?,
        po_number: r.po_number,
        created_by: r.created_by,
        coded_by: r.coded_by,
        lines: Vec::new(),
    })
}

/// Invoices by external id, in whichever AP connection has them, without their lines.
pub async fn headers_of(store: &Store, ids: &[String]) -> Result<Vec<Invoice>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(ids).map_err(|e| corrupt("external_id")(e.to_string()))?;
    sqlx::query_as!(
        HeaderRow,
        "SELECT connection_id, external_id, entity_code, supplier_external_id, number, invoice_date, due_date, currency,
                total_minor, status, po_number, created_by, coded_by, source_version, source_updated_at, fetched_at
         FROM invoices
         WHERE connection_id IN (SELECT id FROM connections) AND external_id IN (SELECT value FROM json_each(?1))",
        ids
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(header)
    .collect()
}

/// Invoices fetched after `since`, without their lines.
pub async fn headers_fetched_since(store: &Store, since: chrono::DateTime<chrono::Utc>) -> Result<Vec<Invoice>> {
    let since = crate::format_ts(since);
    sqlx::query_as!(
        HeaderRow,
        "SELECT connection_id, external_id, entity_code, supplier_external_id, number, invoice_date, due_date, currency,
                total_minor, status, po_number, created_by, coded_by, source_version, source_updated_at, fetched_at
         FROM invoices WHERE fetched_at > ?1",
        since
    )
    .fetch_all(store.reader())
    .await?
    .into_iter()
    .map(header)
    .collect()
}
