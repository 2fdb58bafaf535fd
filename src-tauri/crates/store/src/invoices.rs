use std::str::FromStr;

use domain::{Currency, Invoice, InvoiceLine, InvoiceStatus, Money, Provenance};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::{format_ts, parse_ts, Result, Store, StoreError};

#[derive(Serialize)]
struct LineRow<'a> {
    n: i64,
    d: &'a str,
    q: String,
    p: String,
    a: i64,
    g: &'a str,
    k: &'a str,
}

#[derive(Serialize)]
struct Row<'a> {
    c: &'a str,
    id: &'a str,
    e: &'a str,
    s: &'a str,
    no: &'a str,
    idt: String,
    due: String,
    cur: String,
    tot: i64,
    st: &'a str,
    po: Option<&'a str>,
    cb: Option<&'a str>,
    kb: Option<&'a str>,
    v: i64,
    up: String,
    f: String,
    lines: Vec<LineRow<'a>>,
}

/// Inserts or updates a batch of invoices with their lines in three statements, skipping every
/// invoice whose stored version is the same or newer. Returns how many invoices changed.
///
/// The batch travels as one JSON array that SQLite unpacks with `json_each`: one statement per
/// page instead of one per record is what makes a full sync fast on sqlx.
pub async fn upsert_batch(tx: &mut SqliteConnection, batch: &[Invoice]) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let rows = batch
        .iter()
        .map(|inv| {
            let p = &inv.provenance;
            Ok(Row {
                c: &p.connection_id,
                id: &p.external_id,
                e: &inv.entity_code,
                s: &inv.supplier_external_id,
                no: &inv.number,
                idt: inv.invoice_date.to_string(),
                due: inv.due_date.to_string(),
                cur: inv.total.currency().to_string(),
                tot: inv.total.to_minor()?,
                st: inv.status.as_str(),
                po: inv.po_number.as_deref(),
                cb: inv.created_by.as_deref(),
                kb: inv.coded_by.as_deref(),
                v: p.source_version,
                up: format_ts(p.source_updated_at),
                f: format_ts(p.fetched_at),
                lines: inv
                    .lines
                    .iter()
                    .map(|l| {
                        Ok(LineRow {
                            n: l.line_no,
                            d: &l.description,
                            q: l.quantity.to_string(),
                            p: l.unit_price.amount().to_string(),
                            a: l.amount.to_minor()?,
                            g: &l.gl_account,
                            k: &l.cost_center,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let json = serde_json::to_string(&rows).map_err(|e| StoreError::corrupt("invoices", "batch", e))?;
    // Lines of invoices about to be replaced by a newer version go first.
    sqlx::query!(
        "DELETE FROM invoice_lines WHERE (connection_id, invoice_external_id) IN (
             SELECT i.connection_id, i.external_id FROM json_each(?1) j
             JOIN invoices i ON i.connection_id = j.value ->> 'c' AND i.external_id = j.value ->> 'id'
             WHERE i.source_version < j.value ->> 'v')",
        json
    )
    .execute(&mut *tx)
    .await?;
    let changed = sqlx::query!(
        "INSERT INTO invoices (connection_id, external_id, entity_code, supplier_external_id, number, invoice_date,
             due_date, currency, total_minor, status, po_number, created_by, coded_by,
             source_version, source_updated_at, fetched_at)
         SELECT j.value ->> 'c', j.value ->> 'id', j.value ->> 'e', j.value ->> 's', j.value ->> 'no',
                j.value ->> 'idt', j.value ->> 'due', j.value ->> 'cur', j.value ->> 'tot', j.value ->> 'st',
                j.value ->> 'po', j.value ->> 'cb', j.value ->> 'kb', j.value ->> 'v', j.value ->> 'up',
                j.value ->> 'f'
         FROM json_each(?1) j WHERE true
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             entity_code = excluded.entity_code, supplier_external_id = excluded.supplier_external_id,
             number = excluded.number, invoice_date = excluded.invoice_date, due_date = excluded.due_date,
             currency = excluded.currency, total_minor = excluded.total_minor, status = excluded.status,
             po_number = excluded.po_number, created_by = excluded.created_by, coded_by = excluded.coded_by,
             source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
             fetched_at = excluded.fetched_at
         WHERE excluded.source_version > invoices.source_version",
        json
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Lines of every invoice now stored at the incoming version; existing ones are kept as they are.
    sqlx::query!(
        "INSERT OR IGNORE INTO invoice_lines (connection_id, invoice_external_id, line_no, description, quantity,
             unit_price, amount_minor, gl_account, cost_center)
         SELECT i.connection_id, i.external_id, l.value ->> 'n', l.value ->> 'd', l.value ->> 'q', l.value ->> 'p',
                l.value ->> 'a', l.value ->> 'g', l.value ->> 'k'
         FROM json_each(?1) j
         JOIN invoices i ON i.connection_id = j.value ->> 'c' AND i.external_id = j.value ->> 'id'
                        AND i.source_version = j.value ->> 'v'
         JOIN json_each(j.value, '$.lines') l",
        json
    )
    .execute(&mut *tx)
    .await?;
    Ok(changed)
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
