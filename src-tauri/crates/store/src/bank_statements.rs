//! Imported bank statements and their entries. A statement is stored as the bank sent it — one
//! whose balances do not add up is kept and flagged, never corrected — and an entry is stored once
//! per (account, entry key), so importing the same file again adds nothing.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Currency, Money};
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::recon_rows::{date, minor, money, opt_date};
use crate::{format_ts, Result, StoreError};

/// Whether opening balance + booked entries = closing balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceCheck {
    AddsUp,
    /// Flagged: kept as the bank sent it.
    Mismatch,
    /// No opening or closing balance, or mixed currencies.
    NotCheckable,
}

impl BalanceCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            BalanceCheck::AddsUp => "adds_up",
            BalanceCheck::Mismatch => "mismatch",
            BalanceCheck::NotCheckable => "not_checkable",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "adds_up" => Ok(BalanceCheck::AddsUp),
            "mismatch" => Ok(BalanceCheck::Mismatch),
            "not_checkable" => Ok(BalanceCheck::NotCheckable),
            other => Err(StoreError::corrupt("bank_statements", "balance_check", other)),
        }
    }
}

/// Only booked entries move the balance and take part in matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Booked,
    Pending,
    Info,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Booked => "booked",
            EntryStatus::Pending => "pending",
            EntryStatus::Info => "info",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "booked" => Ok(EntryStatus::Booked),
            "pending" => Ok(EntryStatus::Pending),
            "info" => Ok(EntryStatus::Info),
            other => Err(StoreError::corrupt("bank_entries", "status", other)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatement {
    pub account_iban: String,
    /// Same statement read again = same key (format, bank id, balance dates).
    pub statement_key: String,
    pub statement_ref: String,
    pub format: String,
    pub version: String,
    pub currency: Currency,
    pub opening: Option<(Money, Option<NaiveDate>)>,
    pub closing: Option<(Money, Option<NaiveDate>)>,
    pub end_date: NaiveDate,
    pub balance_check: BalanceCheck,
    pub balance_note: Option<String>,
    pub entry_count: i64,
    pub parser_notes: Vec<String>,
    pub source_file: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankEntry {
    pub entry_key: String,
    pub sequence: i64,
    pub booking_date: NaiveDate,
    pub value_date: Option<NaiveDate>,
    /// Signed: money into the account positive. In the statement's currency.
    pub amount: Money,
    pub status: EntryStatus,
    pub reversal: bool,
    pub end_to_end_id: String,
    pub reference: String,
    pub counterparty_name: String,
    pub counterparty_iban: String,
    pub remittance: String,
    pub bank_tx_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub id: i64,
    pub account_iban: String,
    pub statement_ref: String,
    pub format: String,
    pub version: String,
    pub currency: Currency,
    pub opening: Option<Money>,
    pub opening_date: Option<NaiveDate>,
    pub closing: Option<Money>,
    pub closing_date: Option<NaiveDate>,
    pub end_date: NaiveDate,
    pub balance_check: BalanceCheck,
    pub balance_note: Option<String>,
    pub entry_count: i64,
    pub source_file: String,
    pub imported_at: String,
    pub imported_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankEntry {
    pub id: i64,
    pub account_iban: String,
    pub entry_key: String,
    pub statement_id: i64,
    pub sequence: i64,
    pub booking_date: NaiveDate,
    pub value_date: Option<NaiveDate>,
    pub amount: Money,
    pub status: EntryStatus,
    pub reversal: bool,
    pub end_to_end_id: String,
    pub reference: String,
    pub counterparty_name: String,
    pub counterparty_iban: String,
    pub remittance: String,
    pub bank_tx_code: Option<String>,
    /// When the matching run that first found it open ran; `None` while matched or never run.
    pub open_since: Option<String>,
}

pub(crate) struct EntryRow {
    pub id: i64,
    pub account_iban: String,
    pub entry_key: String,
    pub statement_id: i64,
    pub sequence: i64,
    pub booking_date: String,
    pub value_date: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub reversal: bool,
    pub end_to_end_id: String,
    pub reference: String,
    pub counterparty_name: String,
    pub counterparty_iban: String,
    pub remittance: String,
    pub bank_tx_code: Option<String>,
    pub open_since: Option<String>,
}

impl TryFrom<EntryRow> for BankEntry {
    type Error = StoreError;
    fn try_from(r: EntryRow) -> Result<Self> {
        Ok(BankEntry {
            id: r.id,
            account_iban: r.account_iban,
            entry_key: r.entry_key,
            statement_id: r.statement_id,
            sequence: r.sequence,
            booking_date: date("bank_entries", "booking_date", &r.booking_date)?,
            value_date: opt_date("bank_entries", "value_date", r.value_date.as_deref())?,
            amount: money(r.amount_minor, &r.currency)?,
            status: EntryStatus::parse(&r.status)?,
            reversal: r.reversal,
            end_to_end_id: r.end_to_end_id,
            reference: r.reference,
            counterparty_name: r.counterparty_name,
            counterparty_iban: r.counterparty_iban,
            remittance: r.remittance,
            bank_tx_code: r.bank_tx_code,
            open_since: r.open_since,
        })
    }
}

struct StatementRow {
    id: i64,
    account_iban: String,
    statement_ref: String,
    format: String,
    version: String,
    currency: String,
    opening_minor: Option<i64>,
    opening_date: Option<String>,
    closing_minor: Option<i64>,
    closing_date: Option<String>,
    end_date: String,
    balance_check: String,
    balance_note: Option<String>,
    entry_count: i64,
    source_file: String,
    imported_at: String,
    imported_by: String,
}

impl TryFrom<StatementRow> for Statement {
    type Error = StoreError;
    fn try_from(r: StatementRow) -> Result<Self> {
        let t = "bank_statements";
        Ok(Statement {
            opening: r.opening_minor.map(|m| money(m, &r.currency)).transpose()?,
            closing: r.closing_minor.map(|m| money(m, &r.currency)).transpose()?,
            currency: Currency::new(&r.currency)?,
            opening_date: opt_date(t, "opening_date", r.opening_date.as_deref())?,
            closing_date: opt_date(t, "closing_date", r.closing_date.as_deref())?,
            end_date: date(t, "end_date", &r.end_date)?,
            balance_check: BalanceCheck::parse(&r.balance_check)?,
            id: r.id,
            account_iban: r.account_iban,
            statement_ref: r.statement_ref,
            format: r.format,
            version: r.version,
            balance_note: r.balance_note,
            entry_count: r.entry_count,
            source_file: r.source_file,
            imported_at: r.imported_at,
            imported_by: r.imported_by,
        })
    }
}

/// The id of a statement imported before under the same key.
pub async fn find(tx: &mut SqliteConnection, account_iban: &str, statement_key: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT id AS "id!: i64" FROM bank_statements WHERE account_iban = ? AND statement_key = ?"#,
        account_iban,
        statement_key
    )
    .fetch_optional(tx)
    .await?)
}

pub async fn insert(tx: &mut SqliteConnection, s: &NewStatement, actor_id: &str, now: DateTime<Utc>) -> Result<i64> {
    let currency = s.currency.code();
    let opening_minor = s.opening.as_ref().map(|(m, _)| minor(m)).transpose()?;
    let opening_date = s.opening.as_ref().and_then(|(_, d)| d.map(|d| d.to_string()));
    let closing_minor = s.closing.as_ref().map(|(m, _)| minor(m)).transpose()?;
    let closing_date = s.closing.as_ref().and_then(|(_, d)| d.map(|d| d.to_string()));
    let end_date = s.end_date.to_string();
    let check = s.balance_check.as_str();
    let notes = (!s.parser_notes.is_empty()).then(|| s.parser_notes.join("\n"));
    let now = format_ts(now);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO bank_statements (account_iban, statement_key, statement_ref, format, version, currency,
               opening_minor, opening_date, closing_minor, closing_date, end_date, balance_check, balance_note,
               entry_count, parser_notes, source_file, imported_at, imported_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           RETURNING id AS "id!: i64""#,
        s.account_iban,
        s.statement_key,
        s.statement_ref,
        s.format,
        s.version,
        currency,
        opening_minor,
        opening_date,
        closing_minor,
        closing_date,
        end_date,
        check,
        s.balance_note,
        s.entry_count,
        notes,
        s.source_file,
        now,
        actor_id
    )
    .fetch_one(tx)
    .await?;
    Ok(id)
}

/// Which of `keys` the account already holds.
pub async fn existing_keys(tx: &mut SqliteConnection, account_iban: &str, keys: &[&str]) -> Result<HashSet<String>> {
    if keys.is_empty() {
        return Ok(HashSet::new());
    }
    let json = serde_json::to_string(keys).map_err(|e| StoreError::corrupt("bank_entries", "entry_key", e))?;
    let found = sqlx::query_scalar!(
        r#"SELECT entry_key AS "entry_key!: String" FROM bank_entries
           WHERE account_iban = ?1 AND entry_key IN (SELECT value FROM json_each(?2))"#,
        account_iban,
        json
    )
    .fetch_all(tx)
    .await?;
    Ok(found.into_iter().collect())
}

#[derive(Serialize)]
struct EntryJson<'a> {
    k: &'a str,
    n: i64,
    d: String,
    vd: Option<String>,
    a: i64,
    c: String,
    s: &'static str,
    r: bool,
    e2e: &'a str,
    rf: &'a str,
    cp: &'a str,
    cpi: &'a str,
    rem: &'a str,
    tx: Option<&'a str>,
}

/// Inserts entries of one statement in one statement; an entry whose key the account already
/// holds is skipped. Returns how many were added.
pub async fn insert_entries(
    tx: &mut SqliteConnection,
    statement_id: i64,
    account_iban: &str,
    entries: &[NewBankEntry],
) -> Result<u64> {
    if entries.is_empty() {
        return Ok(0);
    }
    let rows = entries
        .iter()
        .map(|e| {
            Ok(EntryJson {
                k: &e.entry_key,
                n: e.sequence,
                d: e.booking_date.to_string(),
                vd: e.value_date.map(|d| d.to_string()),
                a: minor(&e.amount)?,
                c: e.amount.currency().to_string(),
                s: e.status.as_str(),
                r: e.reversal,
                e2e: &e.end_to_end_id,
                rf: &e.reference,
                cp: &e.counterparty_name,
                cpi: &e.counterparty_iban,
                rem: &e.remittance,
                tx: e.bank_tx_code.as_deref(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let json = serde_json::to_string(&rows).map_err(|e| StoreError::corrupt("bank_entries", "batch", e))?;
    let done = sqlx::query!(
        "INSERT INTO bank_entries (account_iban, entry_key, statement_id, sequence, booking_date, value_date,
             amount_minor, currency, status, reversal, end_to_end_id, reference, counterparty_name,
             counterparty_iban, remittance, bank_tx_code)
         SELECT ?1, j.value ->> 'k', ?2, j.value ->> 'n', j.value ->> 'd', j.value ->> 'vd', j.value ->> 'a',
                j.value ->> 'c', j.value ->> 's', j.value ->> 'r', j.value ->> 'e2e', j.value ->> 'rf',
                j.value ->> 'cp', j.value ->> 'cpi', j.value ->> 'rem', j.value ->> 'tx'
         FROM json_each(?3) j WHERE true
         ON CONFLICT(account_iban, entry_key) DO NOTHING",
        account_iban,
        statement_id,
        json
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// Statements of one account (or all), oldest first.
pub async fn list<'e>(ex: impl SqliteExecutor<'e>, account_iban: Option<&str>) -> Result<Vec<Statement>> {
    let rows = sqlx::query_as!(
        StatementRow,
        r#"SELECT id AS "id!: i64", account_iban, statement_ref, format, version, currency, opening_minor,
                  opening_date, closing_minor, closing_date, end_date, balance_check, balance_note, entry_count,
                  source_file, imported_at, imported_by
           FROM bank_statements WHERE ?1 IS NULL OR account_iban = ?1
           ORDER BY account_iban, end_date, id"#,
        account_iban
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(Statement::try_from).collect()
}

/// Every booked entry: what matching runs over.
pub async fn booked<'e>(ex: impl SqliteExecutor<'e>) -> Result<Vec<BankEntry>> {
    let rows = sqlx::query_as!(
        EntryRow,
        r#"SELECT id AS "id!: i64", account_iban, entry_key, statement_id, sequence, booking_date, value_date,
                  amount_minor, currency, status, reversal AS "reversal: bool", end_to_end_id, reference,
                  counterparty_name, counterparty_iban, remittance, bank_tx_code, open_since
           FROM bank_entries WHERE status = 'booked' ORDER BY id"#
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(BankEntry::try_from).collect()
}

/// The account's booked entries on statements that end by `through`: the bank side of its
/// reconciliation at that date.
pub async fn booked_through<'e>(
    ex: impl SqliteExecutor<'e>,
    account_iban: &str,
    through: NaiveDate,
) -> Result<Vec<BankEntry>> {
    let through = through.to_string();
    let rows = sqlx::query_as!(
        EntryRow,
        r#"SELECT e.id AS "id!: i64", e.account_iban, e.entry_key, e.statement_id, e.sequence, e.booking_date,
                  e.value_date, e.amount_minor, e.currency, e.status, e.reversal AS "reversal: bool",
                  e.end_to_end_id, e.reference, e.counterparty_name, e.counterparty_iban, e.remittance,
                  e.bank_tx_code, e.open_since
           FROM bank_entries e JOIN bank_statements s ON s.id = e.statement_id
           WHERE e.account_iban = ?1 AND e.status = 'booked' AND s.end_date <= ?2
           ORDER BY e.booking_date, e.id"#,
        account_iban,
        through
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(BankEntry::try_from).collect()
}

pub async fn by_ids<'e>(ex: impl SqliteExecutor<'e>, ids: &[i64]) -> Result<Vec<BankEntry>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let json = serde_json::to_string(ids).map_err(|e| StoreError::corrupt("bank_entries", "id", e))?;
    let rows = sqlx::query_as!(
        EntryRow,
        r#"SELECT id AS "id!: i64", account_iban, entry_key, statement_id, sequence, booking_date, value_date,
                  amount_minor, currency, status, reversal AS "reversal: bool", end_to_end_id, reference,
                  counterparty_name, counterparty_iban, remittance, bank_tx_code, open_since
           FROM bank_entries WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id"#,
        json
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(BankEntry::try_from).collect()
}

/// Marks which booked entries are open after a matching run: an entry that was matched and is open
/// now gets `opened_at`; one that was open and is matched now is cleared; one open before and now
/// keeps its date. Returns (newly open, no longer open).
pub async fn set_open(tx: &mut SqliteConnection, open_ids: &[i64], opened_at: DateTime<Utc>) -> Result<(u64, u64)> {
    let json = serde_json::to_string(open_ids).map_err(|e| StoreError::corrupt("bank_entries", "id", e))?;
    let at = format_ts(opened_at);
    let resolved = sqlx::query!(
        "UPDATE bank_entries SET open_since = NULL
         WHERE open_since IS NOT NULL AND id NOT IN (SELECT value FROM json_each(?1))",
        json
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let opened = sqlx::query!(
        "UPDATE bank_entries SET open_since = ?2
         WHERE open_since IS NULL AND id IN (SELECT value FROM json_each(?1))",
        json,
        at
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok((opened, resolved))
}

/// Where a payment shows on a statement: the entry carrying its end-to-end id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryOf {
    pub account_iban: String,
    pub statement_ref: String,
    pub booking_date: String,
    pub amount: domain::Money,
    pub entry_key: String,
}

pub async fn entry_by_end_to_end(store: &crate::Store, end_to_end_id: &str) -> Result<Option<EntryOf>> {
    let Some(r) = sqlx::query!(
        r#"SELECT e.account_iban, s.statement_ref, e.booking_date, e.amount_minor, e.currency, e.entry_key
           FROM bank_entries e JOIN bank_statements s ON s.id = e.statement_id
           WHERE e.end_to_end_id = ? ORDER BY e.id LIMIT 1"#,
        end_to_end_id
    )
    .fetch_optional(store.reader())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(EntryOf {
        amount: domain::Money::from_minor(r.amount_minor, domain::Currency::new(&r.currency)?),
        account_iban: r.account_iban,
        statement_ref: r.statement_ref,
        booking_date: r.booking_date,
        entry_key: r.entry_key,
    }))
}
