//! SWIFT MT940 (customer statement) and MT942 (interim transaction report).
//!
//! Written by hand: the line format is small, and the one Rust crate for it is strict where
//! banks are sloppy (SWIFT envelopes, preambles, wrapped lines, missing entry dates) and has
//! no MT942. Lenient on layout, strict on money: an amount without a currency, a malformed
//! amount or a second account in one statement is refused with its line.

use chrono::{Datelike, NaiveDate};
use domain::{Currency, Money};

mod details;

use crate::amount;
use crate::error::Error;
use crate::statement::{
    assign_entry_keys, meaningful_ref, statement_currency, Account, Balance, Entry, EntryStatus, Format, Statement,
};
use details::details;

const FMT: &str = "MT940";

/// The tags that start a field; anything else at the start of a line (`:26:` inside a
/// wrapped `:86:`) is text of the field before it.
const TAGS: &[&str] = &[
    "20", "21", "25", "28", "28C", "60F", "60M", "61", "86", "62F", "62M", "64", "65", "13", "13D", "34F", "90D",
    "90C", "NS",
];

/// Whether a line starts a known MT940/942 field.
pub(crate) fn is_tag_line(line: &str) -> bool {
    tag_of(line).is_some()
}

fn tag_of(line: &str) -> Option<(&'static str, &str)> {
    let rest = line.strip_prefix(':')?;
    let (tag, value) = rest.split_once(':')?;
    TAGS.iter().find(|t| **t == tag).map(|t| (*t, value))
}

struct Field {
    tag: &'static str,
    value: String,
    line: usize,
}

/// Splits the text into fields, dropping SWIFT envelopes (`{1:…}{4:` … `-}`), bank preambles
/// and control characters. `None` tags mark the end of a message (`-`).
fn fields(text: &str) -> Vec<Option<Field>> {
    let mut out: Vec<Option<Field>> = Vec::new();
    let mut open = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let cleaned: String = raw.chars().filter(|c| !c.is_control() || *c == '\t').collect();
        let mut line = cleaned.trim_end();
        if let Some(at) = line.find("{4:") {
            line = &line[at + 3..];
        } else if line.starts_with("{1:") {
            continue;
        }
        if is_message_end(line) {
            out.push(None);
            open = false;
            continue;
        }
        if let Some((tag, value)) = tag_of(line) {
            out.push(Some(Field {
                tag,
                value: value.to_string(),
                line: line_no,
            }));
            open = true;
        } else if open {
            if let Some(Some(field)) = out.last_mut() {
                field.value.push('\n');
                field.value.push_str(line);
            }
        }
    }
    for field in out.iter_mut().flatten() {
        let trimmed = field.value.trim_end().len();
        field.value.truncate(trimmed);
    }
    out
}

/// `-`, `-}`, `-}{5:…}` or a bank's `-XXX` end a message.
fn is_message_end(line: &str) -> bool {
    let Some(rest) = line.trim().strip_prefix('-') else {
        return false;
    };
    rest.is_empty() || rest.starts_with('}') || (rest.len() <= 4 && rest.chars().all(|c| c.is_ascii_uppercase()))
}

#[derive(Default)]
struct Builder {
    start_line: usize,
    mt942: bool,
    reference: Option<String>,
    number: Option<String>,
    account: Option<(Account, usize)>,
    currency: Option<Currency>,
    opening: Option<Balance>,
    closing: Option<Balance>,
    entries: Vec<Entry>,
    info: Vec<String>,
    notes: Vec<String>,
    /// MT942 `:90D:`/`:90C:` control sums: (debit, count, sum, line).
    sums: Vec<(bool, u64, Money, usize)>,
}

impl Builder {
    fn is_empty(&self) -> bool {
        self.reference.is_none()
            && self.number.is_none()
            && self.account.is_none()
            && self.opening.is_none()
            && self.closing.is_none()
            && self.entries.is_empty()
            && self.info.is_empty()
            && !self.mt942
    }

    fn finish(mut self) -> Statement {
        let id = match (&self.reference, &self.number) {
            (Some(r), Some(n)) => format!("{r}/{n}"),
            (Some(r), None) => r.clone(),
            (None, Some(n)) => format!("line{}/{n}", self.start_line),
            (None, None) => format!("line{}", self.start_line),
        };
        assign_entry_keys(&id, &mut self.entries);
        for (debit, count, sum, line) in &self.sums {
            let matching: Vec<&Entry> = self
                .entries
                .iter()
                .filter(|e| e.amount.is_negative() == *debit)
                .collect();
            let total = matching.iter().try_fold(rust_decimal::Decimal::ZERO, |t, e| {
                t.checked_add(e.amount.amount().abs())
            });
            if matching.len() as u64 != *count || total != Some(sum.amount()) {
                let total = total.map_or_else(|| "more than can be counted".into(), |t| t.to_string());
                self.notes.push(format!(
                    "line {line}: :90{}: says {count} entries for {sum}, the statement has {} for {total}",
                    if *debit { 'D' } else { 'C' },
                    matching.len()
                ));
            }
        }
        let format = if self.mt942 { Format::Mt942 } else { Format::Mt940 };
        Statement {
            format,
            version: format.name().to_string(),
            number: self.number,
            account: self.account.map(|(a, _)| a).unwrap_or_default(),
            currency: statement_currency(
                self.currency,
                self.opening.as_ref(),
                self.closing.as_ref(),
                &self.entries,
            ),
            id,
            opening: self.opening,
            closing: self.closing,
            entries: self.entries,
            additional_info: (!self.info.is_empty()).then(|| self.info.join("\n")),
            notes: self.notes,
        }
    }
}

pub(crate) fn parse(text: &str) -> Result<Vec<Statement>, Error> {
    let mut statements = Vec::new();
    let mut cur: Option<Builder> = None;
    let mut last_tag = "";
    let close = |cur: &mut Option<Builder>, out: &mut Vec<Statement>| {
        if let Some(b) = cur.take().filter(|b| !b.is_empty()) {
            out.push(b.finish());
        }
    };
    for field in fields(text) {
        let Some(field) = field else {
            close(&mut cur, &mut statements);
            last_tag = "";
            continue;
        };
        let line = field.line;
        // A new :20:, or a balance where the statement already has one, starts a statement.
        let starts_new = match field.tag {
            "20" => true,
            "60F" | "60M" => cur
                .as_ref()
                .is_some_and(|b| b.opening.is_some() || b.closing.is_some() || !b.entries.is_empty()),
            "62F" | "62M" => cur.as_ref().is_some_and(|b| b.closing.is_some()),
            _ => false,
        };
        if starts_new {
            close(&mut cur, &mut statements);
        }
        let b = cur.get_or_insert_with(|| Builder {
            start_line: line,
            ..Builder::default()
        });
        let value = field.value.as_str();
        match field.tag {
            "20" => b.reference = Some(value.trim().to_string()).filter(|s| !s.is_empty()),
            "25" => {
                if let Some((_, first)) = &b.account {
                    return Err(Error::line(
                        FMT,
                        line,
                        format!(":25: a second account identification in one statement (the first is on line {first}): the file is mangled"),
                    ));
                }
                b.account = Some((account(value), line));
            }
            "28" | "28C" => b.number = Some(value.trim().to_string()).filter(|s| !s.is_empty()),
            "60F" | "60M" | "62F" | "62M" => {
                let balance = balance(field.tag, value, line, b.currency, &mut b.notes)?;
                b.currency.get_or_insert(balance.amount.currency());
                if field.tag.starts_with("60") {
                    b.opening = Some(balance);
                } else {
                    b.closing = Some(balance);
                }
            }
            "61" => {
                let ccy = b.currency.ok_or_else(|| {
                    let why = if statements.is_empty() {
                        ":61: entry has no currency: no :60F:/:60M: opening balance (or MT942 :34F:) before it"
                    } else {
                        ":61: entry after the end of the previous statement, with no :20: or :60F: before it: it belongs to no statement"
                    };
                    Error::line(FMT, line, why)
                })?;
                let sequence = u32::try_from(b.entries.len() + 1).unwrap_or(u32::MAX);
                let entry = statement_line(value, line, ccy, sequence, &mut b.notes)?;
                b.entries.push(entry);
            }
            "86" | "NS" if matches!(last_tag, "61" | "86" | "NS") && !b.entries.is_empty() => {
                if let Some(entry) = b.entries.last_mut() {
                    apply_details(entry, value);
                }
            }
            "86" => b.info.push(value.to_string()),
            "13" | "13D" => b.mt942 = true,
            "34F" => {
                b.mt942 = true;
                let code = value.trim().get(..3).unwrap_or("");
                let ccy = amount::currency(code).map_err(|e| Error::line(FMT, line, format!(":34F: {e}")))?;
                b.currency.get_or_insert(ccy);
            }
            "90D" | "90C" => {
                b.mt942 = true;
                let (count, sum) = control_sum(value, line)?;
                b.sums.push((field.tag == "90D", count, sum, line));
                b.currency.get_or_insert(sum.currency());
            }
            // :21: related reference, :64:/:65: available balances, :NS: bank data: not used.
            _ => {}
        }
        last_tag = field.tag;
    }
    close(&mut cur, &mut statements);
    if statements.is_empty() {
        return Err(Error::line(
            FMT,
            1,
            "no statement: nothing to import (no :20:, :25:, :28C:, balance or :61: entry)",
        ));
    }
    Ok(statements)
}

fn apply_details(entry: &mut Entry, text: &str) {
    let d = details(text);
    entry.references.end_to_end_id = entry.references.end_to_end_id.take().or(d.end_to_end_id);
    entry.references.mandate_id = entry.references.mandate_id.take().or(d.mandate_id);
    entry.counterparty = d.counterparty;
    entry.remittance = d.remittance;
    entry.additional_info = Some(match entry.additional_info.take() {
        Some(supplementary) => format!("{supplementary}\n{text}"),
        None => text.to_string(),
    });
}

fn account(value: &str) -> Account {
    let v = value.trim();
    let after_slash = v.rsplit_once('/').map(|(_, a)| a.trim());
    let iban = [Some(v), after_slash]
        .into_iter()
        .flatten()
        .find(|c| is_iban(c))
        .map(str::to_string);
    let other_id = (iban.as_deref() != Some(v)).then(|| v.to_string());
    Account {
        iban,
        other_id,
        ..Account::default()
    }
}

pub(crate) fn is_iban(s: &str) -> bool {
    let b = s.as_bytes();
    (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric)
}

/// `C100318EUR380115,12`: mark, date, currency, amount. A bank that leaves out the currency
/// (`C02032495000,00`) gets the statement's, with a note.
fn balance(
    tag: &str,
    value: &str,
    line: usize,
    fallback: Option<Currency>,
    notes: &mut Vec<String>,
) -> Result<Balance, Error> {
    let v = value.trim();
    let err = |why: String| Error::line(FMT, line, format!(":{tag}: {why} in {v:?}"));
    let debit = match v.get(..1) {
        Some("C") => false,
        Some("D") => true,
        _ => return Err(err("the balance must start with C (credit) or D (debit)".into())),
    };
    let date_text = v.get(1..7).ok_or_else(|| err("no YYMMDD date".into()))?;
    let date = yymmdd(date_text, notes, line).map_err(err)?;
    let (ccy, amount_text) = match v.get(7..10) {
        Some(code) if code.chars().all(|c| c.is_ascii_alphabetic()) => {
            (amount::currency(code).map_err(err)?, v.get(10..).unwrap_or(""))
        }
        _ => match fallback {
            Some(ccy) => {
                notes.push(format!("line {line}: :{tag}: has no currency; taken as {ccy}"));
                (ccy, v.get(7..).unwrap_or(""))
            }
            None => return Err(err("no currency".into())),
        },
    };
    let money = amount::swift(amount_text, ccy).map_err(err)?;
    Ok(Balance {
        code: tag.to_string(),
        amount: amount::signed(money, debit),
        date: Some(date),
    })
}

/// `:90D:1EUR2,30`: number of entries, currency, sum.
fn control_sum(value: &str, line: usize) -> Result<(u64, Money), Error> {
    let v = value.trim();
    let digits = v.chars().take_while(char::is_ascii_digit).count();
    let err = |why: String| Error::line(FMT, line, format!("{why} in {v:?}"));
    let count = v[..digits].parse::<u64>().unwrap_or(0);
    let ccy = v.get(digits..digits + 3).ok_or_else(|| err("no currency".into()))?;
    let ccy = amount::currency(ccy).map_err(err)?;
    let sum = amount::swift(v.get(digits + 3..).unwrap_or(""), ccy).map_err(err)?;
    Ok((count, sum))
}

/// YYMMDD. Some banks book interest on "February 30": a day past the month's end is taken as
/// the month's last day, with a note; anything else impossible is an error.
fn yymmdd(text: &str, notes: &mut Vec<String>, line: usize) -> Result<NaiveDate, String> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not a YYMMDD date"));
    }
    let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(0);
    let yy = n(0..2) as i32;
    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
    month_day(year, n(2..4), n(4..6), notes, line).ok_or_else(|| format!("{text:?} is not a date"))
}

fn month_day(year: i32, month: u32, day: u32, notes: &mut Vec<String>, line: usize) -> Option<NaiveDate> {
    if let Some(d) = NaiveDate::from_ymd_opt(year, month, day) {
        return Some(d);
    }
    if !(1..=31).contains(&day) {
        return None;
    }
    let last = (28..=31).rev().find_map(|d| NaiveDate::from_ymd_opt(year, month, d))?;
    notes.push(format!(
        "line {line}: {year}-{month:02}-{day:02} does not exist; taken as {last}"
    ));
    Some(last)
}

/// `:61:` value date, [entry date], mark, [funds code], amount, type, customer reference,
/// [//bank reference], [newline supplementary details].
fn statement_line(
    value: &str,
    line: usize,
    ccy: Currency,
    sequence: u32,
    notes: &mut Vec<String>,
) -> Result<Entry, Error> {
    let (first, supplementary) = match value.split_once('\n') {
        Some((f, s)) => (f, Some(s.trim()).filter(|s| !s.is_empty())),
        None => (value, None),
    };
    let err = |why: &str| Error::line(FMT, line, format!(":61: {why} in {first:?}"));
    let mut rest = first.trim_start();

    let value_date = yymmdd(rest.get(..6).ok_or_else(|| err("no value date"))?, notes, line).map_err(|e| err(&e))?;
    rest = &rest[6..];
    let mut booking_date = value_date;
    match rest.get(..4) {
        Some(md) if md.bytes().all(|b| b.is_ascii_digit()) => {
            let (m, d) = (md[..2].parse().unwrap_or(0), md[2..].parse().unwrap_or(0));
            // The entry date has no year: take the value date's, across a year end if needed.
            let year = match (value_date.month(), m) {
                (12, 1) => value_date.year() + 1,
                (1, 12) => value_date.year() - 1,
                _ => value_date.year(),
            };
            booking_date = month_day(year, m, d, notes, line).ok_or_else(|| err("bad entry date"))?;
            rest = &rest[4..];
        }
        // Some banks send four spaces for a missing entry date.
        Some("    ") => rest = &rest[4..],
        _ => {}
    }

    let (debit, reversal, status, skip) = if rest.starts_with("RC") {
        (true, true, EntryStatus::Booked, 2)
    } else if rest.starts_with("RD") {
        (false, true, EntryStatus::Booked, 2)
    } else if rest.starts_with("EC") {
        (false, false, EntryStatus::Pending, 2)
    } else if rest.starts_with("ED") {
        (true, false, EntryStatus::Pending, 2)
    } else if rest.starts_with('C') {
        (false, false, EntryStatus::Booked, 1)
    } else if rest.starts_with('D') {
        (true, false, EntryStatus::Booked, 1)
    } else {
        return Err(err("no debit/credit mark (C, D, RC, RD)"));
    };
    rest = &rest[skip..];
    // Funds code: the third letter of the currency code, sometimes present.
    if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        rest = &rest[1..];
    }
    rest = rest.trim_start();
    let amount_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(rest.len());
    let amount_part = &rest[..amount_len];
    let money = amount::swift(amount_part, ccy).map_err(|e| err(&e))?;
    rest = &rest[amount_len..];

    // Some banks pad the type with blanks (`S   `).
    let tx_type = rest.get(..4).filter(|t| {
        t.starts_with(|c: char| c.is_ascii_uppercase()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
    });
    match tx_type {
        Some(t) => rest = &rest[t.len()..],
        // The type (`NTRF`, `S051`) must follow the amount; anything else means the amount
        // itself is malformed (`5.00`), and reading on would misplace money.
        None if !rest.trim().is_empty() => {
            return Err(err(&format!(
                "the amount {:?} is followed by {rest:?} instead of a transaction type such as NTRF",
                &amount_part
            )))
        }
        None => {}
    }
    let (customer, bank) = match rest.split_once("//") {
        Some((c, b)) => (c, Some(b)),
        None => (rest, None),
    };

    let mut entry = Entry {
        sequence,
        key: String::new(),
        acct_svcr_ref: meaningful_ref(bank.map(|b| b.trim().to_string())),
        booking_date: Some(booking_date),
        value_date: Some(value_date),
        amount: amount::signed(money, debit),
        reversal,
        status,
        bank_tx_code: tx_type.map(|t| t.trim_end().to_string()),
        references: Default::default(),
        counterparty: Default::default(),
        remittance: Default::default(),
        additional_info: supplementary.map(str::to_string),
        transactions: Vec::new(),
    };
    entry.references.customer_ref = meaningful_ref(Some(customer.trim().to_string()));
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = ":20:REF1\r\n:25:NL91ABNA0417164300\r\n:28C:1/1\r\n:60F:C200101EUR100,00\r\n:61:2001020102D25,5NTRFE2E-1//BANK-1\r\n:86:/EREF/E2E-1/REMI/USTD//INVOICE 42/\r\n:61:200103C10,NTRFNONREF\r\n:86:plain text\r\n:62F:C200103EUR84,50\r\n-";

    #[test]
    fn parses_a_statement() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(s.id, "REF1/1/1");
        assert_eq!(s.account.iban.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[0].amount.amount().to_string(), "-25.5");
        assert_eq!(s.entries[0].acct_svcr_ref.as_deref(), Some("BANK-1"));
        assert_eq!(s.entries[0].entry_key(), "BANK-1");
        assert_eq!(s.entries[0].references.end_to_end_id.as_deref(), Some("E2E-1"));
        assert_eq!(s.entries[0].remittance.unstructured, vec!["INVOICE 42"]);
        assert_eq!(s.entries[1].entry_key(), "REF1/1/1/2");
        assert_eq!(s.entries[1].booking_date, NaiveDate::from_ymd_opt(2020, 1, 3));
        assert!(matches!(s.balances_add_up(), crate::BalanceCheck::AddsUp));
    }

    #[test]
    fn refuses_what_puts_money_at_risk() {
        let e = parse(":20:X\n:61:200101C5,00NTRF\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("no currency"), "{e}");
        let e = parse(":20:X\n:60F:C200101EUR1,0\n:61:200101C5.00NTRF\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 3") && e.contains("\"5\" is followed by \".00NTRF\""),
            "{e}"
        );
        let e = parse(":20:X\n:25:A\n:60F:C200101EUR1,0\n:25:B\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4") && e.contains("second account"), "{e}");
        let e = parse(":20:X\n:60F:X200101EUR1,0\n").unwrap_err().to_string();
        assert!(e.contains("C (credit) or D (debit)"), "{e}");
    }

    #[test]
    fn reversals_and_year_ends() {
        let s = parse(":20:X\n:60F:C191231EUR0,\n:61:1912310102RCR1,00NTRFNONREF\n:61:1912311231RD2,00NTRF\n").unwrap();
        let e = &s[0].entries;
        assert_eq!(e[0].amount.amount().to_string(), "-1.00");
        assert!(e[0].reversal);
        assert_eq!(e[0].booking_date, NaiveDate::from_ymd_opt(2020, 1, 2));
        assert_eq!(e[1].amount.amount().to_string(), "2.00");
    }
}
