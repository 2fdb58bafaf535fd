//! Conversions shared by the reconciliation tables: dates as YYYY-MM-DD text, money as minor units
//! plus currency, and the keyset cursor of their paged lists.

use chrono::NaiveDate;
use domain::{Currency, Money};
use serde::{Deserialize, Serialize};

use crate::{Result, StoreError};

pub(crate) fn date(table: &'static str, column: &'static str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::corrupt(table, column, format!("{s:?}: {e}")))
}

pub(crate) fn opt_date(table: &'static str, column: &'static str, s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(|s| date(table, column, s)).transpose()
}

pub(crate) fn money(minor: i64, currency: &str) -> Result<Money> {
    Ok(Money::from_minor(minor, Currency::new(currency)?))
}

/// Minor units of an amount the caller already checked against its currency.
pub(crate) fn minor(m: &Money) -> Result<i64> {
    Ok(m.to_minor()?)
}

/// Where the previous page ended: the sort value (integer and text part) and the row's id.
#[derive(Serialize, Deserialize)]
struct Cursor(i64, String, String);

pub(crate) type After = (Option<i64>, Option<String>, Option<String>);

pub(crate) fn decode_cursor(after: Option<&str>) -> Result<After> {
    match after {
        None => Ok((None, None, None)),
        Some(c) => {
            let Cursor(i, t, k) =
                serde_json::from_str(c).map_err(|e| StoreError::Conflict(format!("invalid page cursor: {e}")))?;
            Ok((Some(i), Some(t), Some(k)))
        }
    }
}

/// The cursor of a full page's last row; `None` when the page is not full (nothing follows).
pub(crate) fn next_cursor(
    table: &'static str,
    len: usize,
    limit: i64,
    last: Option<(i64, &str, &str)>,
) -> Result<Option<String>> {
    if (len as i64) < limit {
        return Ok(None);
    }
    last.map(|(i, t, k)| serde_json::to_string(&Cursor(i, t.to_string(), k.to_string())))
        .transpose()
        .map_err(|e| StoreError::corrupt(table, "cursor", e))
}
