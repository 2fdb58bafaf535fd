//! Ledger cash entries on the bank GL accounts, as imported from LEDGER.csv or generated for the
//! demo. An id is stored once: importing the same file again adds nothing, and a row that comes
//! back with other figures is reported, not overwritten (matches and certifications rest on it).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use serde::Serialize;
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::recon_rows::{date, minor, money};
use crate::{format_ts, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLedgerEntry {
    pub id: String,
    pub account_iban: String,
    pub booking_date: NaiveDate,
    /// Signed: money into the bank account positive.
    pub amount: Money,
    pub reference: String,
    pub counterparty: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub id: String,
    pub account_iban: String,
    pub booking_date: NaiveDate,
    pub amount: Money,
    pub reference: String,
    pub counterparty: String,
    pub description: String,
    pub source: String,
    /// As `BankEntry::open_since`.
    pub open_since: Option<String>,
}

impl LedgerEntry {
    /// Whether `e` carries the same figures (a re-import of the same row).
    pub fn same_as(&self, e: &NewLedgerEntry) -> bool {
        self.account_iban == e.account_iban
            && self.booking_date == e.booking_date
            && self.amount == e.amount
            && self.reference == e.reference
            && self.counterparty == e.counterparty
            && self.description == e.description
    }
}

pub(crate) struct Row {
    pub id: String,
    pub account_iban: String,
    pub booking_date: String,
    pub amount_minor: i64,
    pub currency: String,
    pub reference: String,
    pub counterparty: String,
    pub description: String,
    pub source: String,
    pub open_since: Option<String>,
}

impl TryFrom<Row> for LedgerEntry {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(LedgerEntry {
            booking_date: date("ledger_entries", "booking_date", &r.booking_date)?,
            amount: money(r.amount_minor, &r.currency)?,
            id: r.id,
            account_iban: r.account_iban,
            reference: r.reference,
            counterparty: r.counterparty,
            description: r.description,
            source: r.source,
            open_since: r.open_since,
        })
    }
}

#[derive(Serialize)]
struct Json<'a> {
    id: &'a str,
    acc: &'a str,
    d: String,
    a: i64,
    c: String,
    rf: &'a str,
    cp: &'a str,
    ds: &'a str,
}

/// Inserts entries whose id is new; returns how many were added.
pub async fn insert_batch(
    tx: &mut SqliteConnection,
    entries: &[NewLedgerEntry],
    source: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    if entries.is_empty() {
        return Ok(0);
    }
    let rows = entries
        .iter()
        .map(|e| {
            Ok(Json {
                id: &e.id,
                acc: &e.account_iban,
                d: e.booking_date.to_string(),
                a: minor(&e.amount)?,
                c: e.amount.currency().to_string(),
                rf: &e.reference,
                cp: &e.counterparty,
                ds: &e.description,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let json = serde_json::to_string(&rows).map_err(|e| StoreError::corrupt("ledger_entries", "batch", e))?;
    let now = format_ts(now);
    let done = sqlx::query!(
        "INSERT INTO ledger_entries (id, account_iban, booking_date, amount_minor, currency, reference, counterparty,
             description, source, imported_at)
         SELECT j.value ->> 'id', j.value ->> 'acc', j.value ->> 'd', j.value ->> 'a', j.value ->> 'c',
                j.value ->> 'rf', j.value ->> 'cp', j.value ->> 'ds', ?2, ?3
         FROM json_each(?1) j WHERE true
         ON CONFLICT(id) DO NOTHING",
        json,
        source,
        now
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// The stored entries among `ids`, by id.
pub async fn by_ids<'e>(ex: impl SqliteExecutor<'e>, ids: &[&str]) -> Result<HashMap<String, LedgerEntry>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let json = serde_json::to_string(ids).map_err(|e| StoreError::corrupt("ledger_entries", "id", e))?;
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, account_iban, booking_date, amount_minor, currency, reference, counterparty, description, source,
                open_since
         FROM ledger_entries WHERE id IN (SELECT value FROM json_each(?1))",
        json
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter()
        .map(|r| LedgerEntry::try_from(r).map(|e| (e.id.clone(), e)))
        .collect()
}

/// Every entry: what matching runs over.
pub async fn all<'e>(ex: impl SqliteExecutor<'e>) -> Result<Vec<LedgerEntry>> {
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, account_iban, booking_date, amount_minor, currency, reference, counterparty, description, source,
                open_since
         FROM ledger_entries ORDER BY booking_date, id"
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(LedgerEntry::try_from).collect()
}

/// Entries booked from `from` to `to` (inclusive), of one account or all.
pub async fn between<'e>(
    ex: impl SqliteExecutor<'e>,
    account_iban: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LedgerEntry>> {
    let (from, to) = (from.to_string(), to.to_string());
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, account_iban, booking_date, amount_minor, currency, reference, counterparty, description, source,
                open_since
         FROM ledger_entries
         WHERE (?1 IS NULL OR account_iban = ?1) AND booking_date >= ?2 AND booking_date <= ?3
         ORDER BY booking_date, id",
        account_iban,
        from,
        to
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(LedgerEntry::try_from).collect()
}

/// As `bank_statements::set_open`, for ledger entries.
pub async fn set_open(tx: &mut SqliteConnection, open_ids: &[&str], opened_at: DateTime<Utc>) -> Result<(u64, u64)> {
    let json = serde_json::to_string(open_ids).map_err(|e| StoreError::corrupt("ledger_entries", "id", e))?;
    let at = format_ts(opened_at);
    let resolved = sqlx::query!(
        "UPDATE ledger_entries SET open_since = NULL
         WHERE open_since IS NOT NULL AND id NOT IN (SELECT value FROM json_each(?1))",
        json
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let opened = sqlx::query!(
        "UPDATE ledger_entries SET open_since = ?2
         WHERE open_since IS NULL AND id IN (SELECT value FROM json_each(?1))",
        json,
        at
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok((opened, resolved))
}
