//! Exact money: a `rust_decimal::Decimal` amount and an ISO 4217 currency, never a float.
//!
//! JSON carries `{"amount": "1234.50", "currency": "EUR"}`: the amount is a string so no client
//! ever routes it through a binary float. Storage uses minor units (`to_minor`/`from_minor`).

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

/// An ISO 4217 currency code with its minor-unit exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

/// The currencies the product knows, with their ISO 4217 minor units. Unknown codes are refused
/// rather than guessed, because the exponent decides how amounts are stored.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("RON", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

impl Currency {
    pub fn new(code: &str) -> Result<Self, DomainError> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|(c, e)| {
                let b = c.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    exponent: *e,
                }
            })
            .ok_or_else(|| DomainError::UnknownCurrency(code.to_string()))
    }

    pub fn code(&self) -> &str {
        // Codes come only from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Number of decimal places of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD).
    pub fn exponent(&self) -> u32 {
        u32::from(self.exponent)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::new(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::new(&s).map_err(serde::de::Error::custom)
    }
}

/// An exact amount in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Parses a decimal string such as `"-1234.50"`. Anything else is an error, never zero.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, DomainError> {
        let currency = Currency::new(currency)?;
        let trimmed = amount.trim();
        if trimmed.is_empty() {
            return Err(DomainError::InvalidAmount {
                value: amount.into(),
                reason: "empty".into(),
            });
        }
        // Decimal::from_str also accepts forms like "1_000"; money on the wire must be plain.
        if !trimmed
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')))
        {
            return Err(DomainError::InvalidAmount {
                value: amount.into(),
                reason: "expected a plain decimal number like -1234.50".into(),
            });
        }
        let value = Decimal::from_str(trimmed).map_err(|e| DomainError::InvalidAmount {
            value: amount.into(),
            reason: e.to_string(),
        })?;
        Ok(Money::new(value, currency))
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(&self, other: &Money) -> Result<(), DomainError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(DomainError::CurrencyMismatch {
                left: self.currency.to_string(),
                right: other.currency.to_string(),
            })
        }
    }

    pub fn checked_add(&self, other: &Money) -> Result<Money, DomainError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_add(other.amount).ok_or(DomainError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_sub(&self, other: &Money) -> Result<Money, DomainError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_sub(other.amount).ok_or(DomainError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Multiplies by an exact factor (quantity, rate) without rounding; round explicitly after.
    pub fn checked_mul(&self, factor: Decimal) -> Result<Money, DomainError> {
        let amount = self.amount.checked_mul(factor).ok_or(DomainError::Overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Rounds to the currency's minor unit, half away from zero (commercial rounding).
    pub fn round(&self) -> Money {
        self.round_with(RoundingStrategy::MidpointAwayFromZero)
    }

    /// Rounds to the minor unit with an explicit strategy (e.g. banker's rounding for a ledger that uses it).
    pub fn round_with(&self, strategy: RoundingStrategy) -> Money {
        Money::new(
            self.amount.round_dp_with_strategy(self.currency.exponent(), strategy),
            self.currency,
        )
    }

    /// Integer minor units (cents for EUR). Refuses amounts with more precision than the currency
    /// has, so storage never silently rounds.
    pub fn to_minor(&self) -> Result<i64, DomainError> {
        let scaled = self
            .amount
            .checked_mul(Decimal::from(10i64.pow(self.currency.exponent())))
            .ok_or(DomainError::Overflow)?;
        if scaled.fract() != Decimal::ZERO {
            return Err(DomainError::InvalidAmount {
                value: self.amount.to_string(),
                reason: format!(
                    "more than {} decimal places for {}",
                    self.currency.exponent(),
                    self.currency
                ),
            });
        }
        i64::try_from(scaled).map_err(|_| DomainError::Overflow)
    }

    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money::new(Decimal::new(minor, currency.exponent()), currency)
    }

    /// Sums amounts that must all be in `currency`.
    pub fn sum<'a>(currency: Currency, items: impl IntoIterator<Item = &'a Money>) -> Result<Money, DomainError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), |acc, m| acc.checked_add(m))
    }

    /// The amount as a canonical decimal string with at least the currency's minor digits.
    pub fn amount_string(&self) -> String {
        let mut a = self.amount.normalize();
        if a.scale() < self.currency.exponent() {
            a.rescale(self.currency.exponent());
        }
        a.to_string()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_string(), self.currency)
    }
}

#[derive(Serialize, Deserialize)]
struct MoneyWire {
    amount: String,
    currency: String,
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MoneyWire {
            amount: self.amount_string(),
            currency: self.currency.to_string(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = MoneyWire::deserialize(d)?;
        Money::parse(&w.amount, &w.currency).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn eur(s: &str) -> Money {
        Money::parse(s, "EUR").unwrap()
    }

    #[test]
    fn addition_is_exact_where_floats_are_not() {
        let sum = eur("0.1").checked_add(&eur("0.2")).unwrap();
        assert_eq!(sum.amount(), dec!(0.3));
        let many = Money::sum(Currency::new("EUR").unwrap(), &vec![eur("0.01"); 1000]).unwrap();
        assert_eq!(many.amount(), dec!(10.00));
    }

    #[test]
    fn currencies_do_not_mix() {
        let usd = Money::parse("1", "USD").unwrap();
        assert!(matches!(
            eur("1").checked_add(&usd),
            Err(DomainError::CurrencyMismatch { .. })
        ));
        assert!(matches!(
            eur("1").checked_sub(&usd),
            Err(DomainError::CurrencyMismatch { .. })
        ));
    }

    #[test]
    fn rounding_follows_the_currency_exponent() {
        assert_eq!(eur("2.345").round().amount(), dec!(2.35));
        assert_eq!(eur("-2.345").round().amount(), dec!(-2.35));
        assert_eq!(
            eur("2.345").round_with(RoundingStrategy::MidpointNearestEven).amount(),
            dec!(2.34)
        );
        assert_eq!(Money::parse("1234.5", "JPY").unwrap().round().amount(), dec!(1235));
        assert_eq!(Money::parse("1.2345", "KWD").unwrap().round().amount(), dec!(1.235));
        let third = eur("100").checked_mul(dec!(1) / dec!(3)).unwrap().round();
        assert_eq!(third.amount(), dec!(33.33));
    }

    #[test]
    fn minor_units_round_trip_and_refuse_extra_precision() {
        assert_eq!(eur("1234.56").to_minor().unwrap(), 123456);
        assert_eq!(eur("-0.05").to_minor().unwrap(), -5);
        assert_eq!(Money::from_minor(123456, Currency::new("EUR").unwrap()), eur("1234.56"));
        assert_eq!(Money::parse("500", "JPY").unwrap().to_minor().unwrap(), 500);
        assert!(eur("1.234").to_minor().is_err());
    }

    #[test]
    fn malformed_amounts_are_errors_never_zero() {
        for bad in ["", "  ", "abc", "1,000.00", "1e3", "12.3.4", "1_000", "--1", "NaN"] {
            assert!(Money::parse(bad, "EUR").is_err(), "{bad:?} must be refused");
        }
        assert!(Money::parse("1", "XXX").is_err());
        assert!(Money::parse("1", "eu").is_err());
    }

    #[test]
    fn json_carries_amount_as_string() {
        let m = eur("1234.5");
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"1234.50","currency":"EUR"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<Money>(r#"{"amount":"x","currency":"EUR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":1.5,"currency":"EUR"}"#).is_err());
    }

    #[test]
    fn display_keeps_minor_digits() {
        assert_eq!(eur("7").to_string(), "7.00 EUR");
        assert_eq!(Money::parse("7", "JPY").unwrap().to_string(), "7 JPY");
        assert_eq!(eur("7.125").to_string(), "7.125 EUR");
    }
}
