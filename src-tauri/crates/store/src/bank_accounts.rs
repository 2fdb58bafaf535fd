//! The bank accounts being reconciled: owner entity, currency, and the book balance the ledger
//! starts from. An account first seen in an imported file is added with no owner.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Currency, Money};
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::recon_rows::{date, minor, money};
use crate::{format_ts, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub iban: String,
    pub entity_code: Option<String>,
    pub currency: Currency,
    pub name: String,
    /// The book balance at the start of that day, where known.
    pub ledger_opening: Option<(Money, NaiveDate)>,
}

struct Row {
    iban: String,
    entity_code: Option<String>,
    currency: String,
    name: String,
    ledger_opening_minor: Option<i64>,
    ledger_opening_date: Option<String>,
}

impl TryFrom<Row> for BankAccount {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let ledger_opening = match (r.ledger_opening_minor, r.ledger_opening_date) {
            (Some(m), Some(d)) => Some((
                money(m, &r.currency)?,
                date("bank_accounts", "ledger_opening_date", &d)?,
            )),
            _ => None,
        };
        Ok(BankAccount {
            iban: r.iban,
            entity_code: r.entity_code,
            currency: Currency::new(&r.currency)?,
            name: r.name,
            ledger_opening,
        })
    }
}

/// Adds or replaces an account's set-up (owner, name, ledger opening).
pub async fn save(tx: &mut SqliteConnection, a: &BankAccount, now: DateTime<Utc>) -> Result<()> {
    let currency = a.currency.code();
    let opening_minor = a.ledger_opening.as_ref().map(|(m, _)| minor(m)).transpose()?;
    let opening_date = a.ledger_opening.as_ref().map(|(_, d)| d.to_string());
    let now = format_ts(now);
    sqlx::query!(
        "INSERT INTO bank_accounts (iban, entity_code, currency, name, ledger_opening_minor, ledger_opening_date, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(iban) DO UPDATE SET entity_code = excluded.entity_code, currency = excluded.currency,
             name = excluded.name, ledger_opening_minor = excluded.ledger_opening_minor,
             ledger_opening_date = excluded.ledger_opening_date",
        a.iban,
        a.entity_code,
        currency,
        a.name,
        opening_minor,
        opening_date,
        now
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// The account, added with no owner when a file or ledger names it for the first time.
pub async fn ensure(
    tx: &mut SqliteConnection,
    iban: &str,
    currency: Currency,
    name: &str,
    now: DateTime<Utc>,
) -> Result<BankAccount> {
    let code = currency.code();
    let now = format_ts(now);
    sqlx::query!(
        "INSERT INTO bank_accounts (iban, currency, name, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(iban) DO NOTHING",
        iban,
        code,
        name,
        now
    )
    .execute(&mut *tx)
    .await?;
    get(&mut *tx, iban)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("bank account {iban}")))
}

pub async fn get<'e>(ex: impl SqliteExecutor<'e>, iban: &str) -> Result<Option<BankAccount>> {
    let row = sqlx::query_as!(
        Row,
        "SELECT iban, entity_code, currency, name, ledger_opening_minor, ledger_opening_date
         FROM bank_accounts WHERE iban = ?",
        iban
    )
    .fetch_optional(ex)
    .await?;
    row.map(BankAccount::try_from).transpose()
}

pub async fn list<'e>(ex: impl SqliteExecutor<'e>) -> Result<Vec<BankAccount>> {
    let rows = sqlx::query_as!(
        Row,
        "SELECT iban, entity_code, currency, name, ledger_opening_minor, ledger_opening_date
         FROM bank_accounts ORDER BY entity_code IS NULL, entity_code, iban"
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(BankAccount::try_from).collect()
}

/// Records that the entity owns the account (from the treasury's house accounts): adds it, or
/// fills in the owner of an account first seen in a file; an owner already set is kept.
pub async fn claim(
    tx: &mut SqliteConnection,
    iban: &str,
    entity: &str,
    currency: Currency,
    name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let currency = currency.code();
    let now = format_ts(now);
    sqlx::query!(
        "INSERT INTO bank_accounts (iban, entity_code, currency, name, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(iban) DO UPDATE SET entity_code = excluded.entity_code, name = excluded.name
         WHERE bank_accounts.entity_code IS NULL",
        iban,
        entity,
        currency,
        name,
        now
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
