//! Period FX rates: one unit of a currency in the group currency, exact decimals as text.

use std::collections::HashMap;
use std::str::FromStr;

use domain::Currency;
use rust_decimal::Decimal;
use sqlx::{SqliteConnection, SqliteExecutor};

use crate::{Result, StoreError};

pub async fn set(
    tx: &mut SqliteConnection,
    period: &str,
    currency: Currency,
    group_currency: Currency,
    rate: Decimal,
) -> Result<()> {
    let (c, g, r) = (currency.code(), group_currency.code(), rate.to_string());
    sqlx::query!(
        "INSERT INTO fx_rates (period, currency, group_currency, rate) VALUES (?, ?, ?, ?)
         ON CONFLICT(period, currency, group_currency) DO UPDATE SET rate = excluded.rate",
        period,
        c,
        g,
        r
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// The period's rates into `group_currency`, by currency.
pub async fn for_period<'e>(
    ex: impl SqliteExecutor<'e>,
    period: &str,
    group_currency: Currency,
) -> Result<HashMap<Currency, Decimal>> {
    let g = group_currency.code();
    let rows = sqlx::query!(
        "SELECT currency, rate FROM fx_rates WHERE period = ? AND group_currency = ?",
        period,
        g
    )
    .fetch_all(ex)
    .await?;
    rows.into_iter()
        .map(|r| {
            let rate = Decimal::from_str(&r.rate).map_err(|e| StoreError::corrupt("fx_rates", "rate", e))?;
            Ok((Currency::new(&r.currency)?, rate))
        })
        .collect()
}
