//! Account reconciliations per bank account and period (YYYY-MM): the figures the preparer
//! certified and the reviewer's certification, after which the period is locked. Who may certify
//! is decided in Rust before these run; the table refuses to change a locked row in any case.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::{Currency, Money};
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::recon_rows::{minor, money};
use crate::{format_ts, Result, StoreError};

/// What the preparer saw and certified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub statement_closing: Money,
    pub ledger_balance: Money,
    pub difference: Money,
    pub open_items: Money,
    pub open_item_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRec {
    pub account_iban: String,
    pub period: String,
    pub figures: Figures,
    pub prepared_by: String,
    pub prepared_at: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub locked: bool,
}

struct Row {
    account_iban: String,
    period: String,
    currency: String,
    statement_closing_minor: i64,
    ledger_balance_minor: i64,
    difference_minor: i64,
    open_items_minor: i64,
    open_item_count: i64,
    prepared_by: String,
    prepared_at: String,
    reviewed_by: Option<String>,
    reviewed_at: Option<String>,
    locked: bool,
}

impl TryFrom<Row> for AccountRec {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let c = &r.currency;
        Ok(AccountRec {
            figures: Figures {
                statement_closing: money(r.statement_closing_minor, c)?,
                ledger_balance: money(r.ledger_balance_minor, c)?,
                difference: money(r.difference_minor, c)?,
                open_items: money(r.open_items_minor, c)?,
                open_item_count: r.open_item_count,
            },
            account_iban: r.account_iban,
            period: r.period,
            prepared_by: r.prepared_by,
            prepared_at: r.prepared_at,
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at,
            locked: r.locked,
        })
    }
}

pub async fn get<'e>(ex: impl SqliteExecutor<'e>, account_iban: &str, period: &str) -> Result<Option<AccountRec>> {
    let row = sqlx::query_as!(
        Row,
        r#"SELECT account_iban, period, currency, statement_closing_minor, ledger_balance_minor, difference_minor,
                  open_items_minor, open_item_count, prepared_by, prepared_at, reviewed_by, reviewed_at,
                  locked AS "locked: bool"
           FROM account_recs WHERE account_iban = ? AND period = ?"#,
        account_iban,
        period
    )
    .fetch_optional(ex)
    .await?;
    row.map(AccountRec::try_from).transpose()
}

pub async fn list<'e>(ex: impl SqliteExecutor<'e>) -> Result<Vec<AccountRec>> {
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT account_iban, period, currency, statement_closing_minor, ledger_balance_minor, difference_minor,
                  open_items_minor, open_item_count, prepared_by, prepared_at, reviewed_by, reviewed_at,
                  locked AS "locked: bool"
           FROM account_recs ORDER BY account_iban, period"#
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter().map(AccountRec::try_from).collect()
}

/// Locked (account, period) pairs.
pub async fn locked<'e>(ex: impl SqliteExecutor<'e>) -> Result<HashSet<(String, String)>> {
    let rows = sqlx::query!("SELECT account_iban, period FROM account_recs WHERE locked = 1")
        .fetch_all(ex)
        .await?;
    Ok(rows.into_iter().map(|r| (r.account_iban, r.period)).collect())
}

/// Records the preparer's certification of these figures (again, if prepared before and not
/// reviewed: the newer figures replace the older).
pub async fn prepare(
    tx: &mut SqliteConnection,
    account_iban: &str,
    period: &str,
    currency: Currency,
    f: &Figures,
    actor_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let code = currency.code();
    let (closing, ledger, difference, open) = (
        minor(&f.statement_closing)?,
        minor(&f.ledger_balance)?,
        minor(&f.difference)?,
        minor(&f.open_items)?,
    );
    let now = format_ts(now);
    sqlx::query!(
        "INSERT INTO account_recs (account_iban, period, currency, statement_closing_minor, ledger_balance_minor,
             difference_minor, open_items_minor, open_item_count, prepared_by, prepared_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(account_iban, period) DO UPDATE SET currency = excluded.currency,
             statement_closing_minor = excluded.statement_closing_minor,
             ledger_balance_minor = excluded.ledger_balance_minor, difference_minor = excluded.difference_minor,
             open_items_minor = excluded.open_items_minor, open_item_count = excluded.open_item_count,
             prepared_by = excluded.prepared_by, prepared_at = excluded.prepared_at",
        account_iban,
        period,
        code,
        closing,
        ledger,
        difference,
        open,
        f.open_item_count,
        actor_id,
        now
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Records the reviewer's certification and locks the period.
pub async fn review(
    tx: &mut SqliteConnection,
    account_iban: &str,
    period: &str,
    actor_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = format_ts(now);
    let done = sqlx::query!(
        "UPDATE account_recs SET reviewed_by = ?3, reviewed_at = ?4, locked = 1
         WHERE account_iban = ?1 AND period = ?2 AND locked = 0",
        account_iban,
        period,
        actor_id,
        now
    )
    .execute(tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "no prepared, unlocked reconciliation of {account_iban} for {period}"
        )));
    }
    Ok(())
}

/// How many bank accounts the entity has when every one of them has a locked reconciliation
/// for `period`; `None` when it has none or one is not certified yet.
pub async fn entity_certified(store: &crate::Store, entity: &str, period: &str) -> Result<Option<i64>> {
    let r = sqlx::query!(
        r#"SELECT COUNT(*) AS "accounts!: i64",
                  COUNT(r.account_iban) AS "certified!: i64"
           FROM bank_accounts a
           LEFT JOIN account_recs r ON r.account_iban = a.iban AND r.period = ?2 AND r.locked = 1
           WHERE a.entity_code = ?1"#,
        entity,
        period
    )
    .fetch_one(store.reader())
    .await?;
    Ok((r.accounts > 0 && r.accounts == r.certified).then_some(r.accounts))
}
