//! Accounting periods: calendar months, written YYYY-MM.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ReconError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    first: NaiveDate,
}

impl Period {
    /// The period a date falls in.
    pub fn of(d: NaiveDate) -> Period {
        Period {
            first: d.with_day(1).unwrap_or(d),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn last_day(self) -> NaiveDate {
        self.first
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(self.first)
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last_day()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first.format("%Y-%m"))
    }
}

impl FromStr for Period {
    type Err = ReconError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let first = (t.len() == 7)
            .then(|| NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").ok())
            .flatten()
            .ok_or_else(|| ReconError::Invalid(format!("{s:?} is not a period like 2026-11")))?;
        Ok(Period { first })
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_their_own_last_day() {
        let p: Period = "2028-02".parse().unwrap();
        assert_eq!(p.last_day().to_string(), "2028-02-29");
        assert_eq!(p.to_string(), "2028-02");
        assert!(p.contains("2028-02-29".parse().unwrap()));
        assert!("2028-2".parse::<Period>().is_err());
        assert!("2028-13".parse::<Period>().is_err());
    }
}
