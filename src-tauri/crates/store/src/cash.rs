//! Cash by bank account over time: the treasury's daily closing balances, read from a covering
//! partial index (see the cash-balances migration) instead of parsing every balance record.

use std::str::FromStr;

use chrono::NaiveDate;
use domain::{Currency, Money};
use rust_decimal::Decimal;

use crate::{Result, Store, StoreError};

/// One account's closing booked balance on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalancePoint {
    pub account_id: String,
    pub date: NaiveDate,
    pub closing_booked: Money,
}

/// The balances of the last `days` days up to the latest one the treasury reported, by account
/// and date.
pub async fn recent_balances(store: &Store, days: i64) -> Result<Vec<BalancePoint>> {
    let window = format!("-{days} days");
    let rows = sqlx::query!(
        r#"SELECT json_extract(payload, '$.date') AS "date!: String",
                  json_extract(payload, '$.account_id') AS "account!: String",
                  json_extract(payload, '$.currency') AS "currency!: String",
                  json_extract(payload, '$.closing_booked') AS "closing!: String"
           FROM source_records
           WHERE resource = 'balances'
             AND json_extract(payload, '$.date') >= (
                 SELECT date(MAX(json_extract(payload, '$.date')), ?1)
                 FROM source_records WHERE resource = 'balances')"#,
        window
    )
    .fetch_all(store.reader())
    .await?;
    let corrupt = |column: &'static str, reason: String| StoreError::corrupt("source_records", column, reason);
    let mut out = rows
        .into_iter()
        .map(|r| {
            let currency = Currency::new(&r.currency)?;
            let amount = Decimal::from_str(&r.closing).map_err(|e| corrupt("closing_booked", e.to_string()))?;
            Ok(BalancePoint {
                date: NaiveDate::from_str(&r.date).map_err(|e| corrupt("date", e.to_string()))?,
                account_id: r.account,
                closing_booked: Money::new(amount, currency),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| (&a.account_id, a.date).cmp(&(&b.account_id, b.date)));
    Ok(out)
}
