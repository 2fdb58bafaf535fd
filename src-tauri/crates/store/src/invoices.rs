use std::str::FromStr;

use domain::{Currency, Invoice, InvoiceLine, InvoiceStatus, Money, Provenance};
use rust_decimal::Decimal;
use sqlx::SqliteConnection;

use crate::{format_ts, parse_ts, Result, Store, StoreError};

/// Inserts or updates an invoice and replaces its lines, unless the stored version is the same
/// or newer. Returns whether anything changed.
pub async fn upsert(tx: &mut SqliteConnection, inv: &Invoice) -> Result<bool> {
    let p = &inv.provenance;
    let (updated, fetched) = (format_ts(p.source_updated_at), format_ts(p.fetched_at));
    let (currency, total) = (inv.total.currency().to_string(), inv.total.to_minor()?);
    let (invoice_date, due_date) = (inv.invoice_date.to_string(), inv.due_date.to_string());
    let status = inv.status.as_str();
    let done = sqlx::query!(
        "INSERT INTO invoices (connection_id, external_id, entity_code, supplier_external_id, number, invoice_date,
             due_date, currency, total_minor, status, po_number, created_by, coded_by,
             source_version, source_updated_at, fetched_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             entity_code = excluded.entity_code, supplier_external_id = excluded.supplier_external_id,
             number = excluded.number, invoice_date = excluded.invoice_date, due_date = excluded.due_date,
             currency = excluded.currency, total_minor = excluded.total_minor, status = excluded.status,
             po_number = excluded.po_number, created_by = excluded.created_by, coded_by = excluded.coded_by,
             source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
             fetched_at = excluded.fetched_at
         WHERE excluded.source_version > invoices.source_version",
        p.connection_id,
        p.external_id,
        inv.entity_code,
        inv.supplier_external_id,
        inv.number,
        invoice_date,
        due_date,
        currency,
        total,
        status,
        inv.po_number,
        inv.created_by,
        inv.coded_by,
        p.source_version,
        updated,
        fetched
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "DELETE FROM invoice_lines WHERE connection_id = ? AND invoice_external_id = ?",
        p.connection_id,
        p.external_id
    )
    .execute(&mut *tx)
    .await?;
    for l in &inv.lines {
        let (qty, price, amount) = (
            l.quantity.to_string(),
            l.unit_price.amount().to_string(),
            l.amount.to_minor()?,
        );
        sqlx::query!(
            "INSERT INTO invoice_lines (connection_id, invoice_external_id, line_no, description, quantity, unit_price,
                 amount_minor, gl_account, cost_center)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            p.connection_id,
            p.external_id,
            l.line_no,
            l.description,
            qty,
            price,
            amount,
            l.gl_account,
            l.cost_center
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(true)
}

fn corrupt(column: &'static str) -> impl Fn(String) -> StoreError {
    move |reason| StoreError::corrupt("invoices", column, reason)
}

/// Every invoice with its lines, ordered by connection and external id.
pub async fn all(store: &Store) -> Result<Vec<Invoice>> {
    load(store, None).await
}

pub async fn get(store: &Store, connection_id: &str, external_id: &str) -> Result<Option<Invoice>> {
    Ok(load(store, Some((connection_id, external_id))).await?.pop())
}

async fn load(store: &Store, only: Option<(&str, &str)>) -> Result<Vec<Invoice>> {
    let (conn, ext) = only.unzip();
    let rows = sqlx::query!(
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
         WHERE (?1 IS NULL OR (connection_id = ?1 AND invoice_external_id = ?2))
         ORDER BY connection_id, invoice_external_id, line_no",
        conn,
        ext
    )
    .fetch_all(store.reader())
    .await?;
    let mut lines = lines.into_iter().peekable();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let currency = Currency::new(&r.currency)?;
        let mut inv = Invoice {
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
        };
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
