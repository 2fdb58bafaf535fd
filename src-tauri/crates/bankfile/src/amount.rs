//! Amount and currency parsing shared by the parsers. A bad amount is an error, never zero.

use std::str::FromStr;

use domain::{Currency, Money};
use rust_decimal::Decimal;

pub(crate) fn currency(code: &str) -> Result<Currency, String> {
    Currency::new(code).map_err(|_| format!("{code:?} is not a currency this product knows (ISO 4217)"))
}

/// An ISO 20022 amount: `1234.50`, a dot for decimals, no sign, no grouping.
pub(crate) fn iso(text: &str, ccy: Currency) -> Result<Money, String> {
    let t = text.trim();
    let plain = !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().filter(|c| *c == '.').count() <= 1
        && t.chars().any(|c| c.is_ascii_digit());
    if !plain {
        return Err(format!("{t:?} is not a decimal amount"));
    }
    Decimal::from_str(t)
        .map(|d| Money::new(d, ccy))
        .map_err(|e| format!("{t:?} is not a decimal amount ({e})"))
}

/// A SWIFT amount: digits with a comma for decimals (`1234,5`, `380115,`, `0,12`).
pub(crate) fn swift(text: &str, ccy: Currency) -> Result<Money, String> {
    let t = text.trim();
    let ok = t.chars().all(|c| c.is_ascii_digit() || c == ',')
        && t.chars().filter(|c| *c == ',').count() <= 1
        && t.chars().next().is_some_and(|c| c.is_ascii_digit());
    if !ok {
        return Err(format!("{t:?} is not a SWIFT amount (digits with a decimal comma)"));
    }
    let dotted = t.replace(',', ".");
    let dotted = dotted.strip_suffix('.').unwrap_or(&dotted);
    Decimal::from_str(dotted)
        .map(|d| Money::new(d, ccy))
        .map_err(|e| format!("{t:?} is not a SWIFT amount ({e})"))
}

/// A BAI2 amount: an optionally signed integer in the currency's minor units (`+000012345`).
pub(crate) fn minor_units(text: &str, ccy: Currency) -> Result<Money, String> {
    let t = text.trim();
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{t:?} is not a BAI2 amount (digits in minor units)"));
    }
    let value = i128::from_str(digits).map_err(|e| format!("{t:?} is not a BAI2 amount ({e})"))?;
    let value = if negative { -value } else { value };
    Decimal::try_from_i128_with_scale(value, ccy.exponent())
        .map(|d| Money::new(d, ccy))
        .map_err(|e| format!("{t:?} is out of range ({e})"))
}

/// Applies a debit sign.
pub(crate) fn signed(m: Money, debit: bool) -> Money {
    if debit {
        Money::new(-m.amount(), m.currency())
    } else {
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::new("EUR").unwrap()
    }

    #[test]
    fn iso_amounts_are_plain_decimals() {
        assert_eq!(iso(" 18.150 ", eur()).unwrap().amount().to_string(), "18.150");
        for bad in ["", "12,5", "-1", "1e3", "1.2.3", ".", "NaN"] {
            assert!(iso(bad, eur()).is_err(), "{bad:?}");
        }
        assert_eq!(iso("12,5", eur()).unwrap_err(), "\"12,5\" is not a decimal amount");
    }

    #[test]
    fn swift_amounts_use_a_decimal_comma() {
        for (raw, want) in [
            ("380115,12", "380115.12"),
            ("380115,", "380115"),
            ("00,12", "0.12"),
            ("5", "5"),
        ] {
            assert_eq!(swift(raw, eur()).unwrap().amount().to_string(), want);
        }
        for bad in ["", ",5", "1.5", "1,2,3", "-1"] {
            assert!(swift(bad, eur()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bai2_amounts_are_minor_units() {
        assert_eq!(minor_units("+000012345", eur()).unwrap().amount().to_string(), "123.45");
        assert_eq!(minor_units("-500", eur()).unwrap().amount().to_string(), "-5.00");
        let jpy = Currency::new("JPY").unwrap();
        assert_eq!(minor_units("2700", jpy).unwrap().amount().to_string(), "2700");
        assert!(minor_units("12.5", eur()).is_err());
        assert!(minor_units("", eur()).is_err());
    }
}
