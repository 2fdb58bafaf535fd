//! LEDGER.csv: the ledger cash entries `ctower recon match` reads. The header is fixed, amounts are
//! signed decimal strings (positive = money into the bank account), dates YYYY-MM-DD. A malformed
//! row is an error naming the file, the line and the field; nothing is guessed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use chrono::NaiveDate;
use domain::Money;
use thiserror::Error;

use crate::input::LedgerEntry;
use crate::normalize;

pub const LEDGER_HEADER: [&str; 8] = [
    "id",
    "account_iban",
    "booking_date",
    "amount",
    "currency",
    "reference",
    "counterparty",
    "description",
];

#[derive(Debug, Error, PartialEq, Eq)]
#[error("{file}: line {line}: {field}: {message}")]
pub struct LedgerCsvError {
    pub file: String,
    /// 1-based line of the record (0 when the input could not be read at all).
    pub line: u64,
    /// The column name, or "header" / "row" for the record as a whole.
    pub field: String,
    pub message: String,
}

/// Reads LEDGER.csv from `input`; `file` names it in errors.
pub fn read_ledger(file: &str, input: impl Read) -> Result<Vec<LedgerEntry>, LedgerCsvError> {
    let err = |line: u64, field: &str, message: String| LedgerCsvError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        message,
    };
    let mut input = BufReader::new(input);
    // Spreadsheet exports often start with a UTF-8 byte-order mark.
    let has_bom = input
        .fill_buf()
        .map_err(|e| err(0, "file", e.to_string()))?
        .starts_with(b"\xEF\xBB\xBF");
    if has_bom {
        input.consume(3);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(input);
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(err(1, "header", "empty file: expected the header row".into())),
        Some(r) => r.map_err(|e| csv_error(file, &e))?,
    };
    if header.iter().map(str::trim).ne(LEDGER_HEADER) {
        return Err(err(
            1,
            "header",
            format!(
                "expected {:?}, found {:?}",
                LEDGER_HEADER.join(","),
                header.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    let mut entries = Vec::new();
    let mut lines = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(file, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("");
        let id = field(0).trim();
        if id.is_empty() {
            return Err(err(line, "id", "empty".into()));
        }
        let account_iban = field(1).trim();
        if normalize::account(account_iban).is_none() {
            return Err(err(
                line,
                "account_iban",
                format!("{account_iban:?} is not an account number"),
            ));
        }
        let date_text = field(2).trim();
        let booking_date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
            .ok()
            .filter(|_| date_text.len() == 10)
            .ok_or_else(|| {
                err(
                    line,
                    "booking_date",
                    format!("{date_text:?} is not a date like 2024-03-31"),
                )
            })?;
        let currency = field(4).trim();
        let amount = Money::parse(field(3), currency).map_err(|e| {
            let column = if domain::Currency::new(currency).is_err() {
                "currency"
            } else {
                "amount"
            };
            err(line, column, e.to_string())
        })?;
        // The engine compares minor units; an amount finer than the currency allows cannot be one.
        amount.to_minor().map_err(|e| err(line, "amount", e.to_string()))?;
        entries.push(LedgerEntry {
            id: id.to_string(),
            account_iban: account_iban.to_string(),
            booking_date,
            amount,
            reference: field(5).trim().to_string(),
            counterparty: field(6).trim().to_string(),
            description: field(7).trim().to_string(),
        });
        lines.push(line);
    }
    // Matches name entries by id, so an id must name one entry.
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(entries.len());
    for (e, &line) in entries.iter().zip(&lines) {
        if let Some(first) = seen.insert(&e.id, line) {
            return Err(err(line, "id", format!("{:?} repeats the id on line {first}", e.id)));
        }
    }
    Ok(entries)
}

fn csv_error(file: &str, e: &csv::Error) -> LedgerCsvError {
    let (line, field, message) = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => (
            pos.as_ref().map_or(0, |p| p.line()),
            "row".to_string(),
            format!("{len} fields, expected {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { pos, err } => (
            pos.as_ref().map_or(0, |p| p.line()),
            LEDGER_HEADER.get(err.field()).map_or("row", |f| f).to_string(),
            "not valid UTF-8".to_string(),
        ),
        _ => (e.position().map_or(0, |p| p.line()), "row".to_string(), e.to_string()),
    };
    LedgerCsvError {
        file: file.to_string(),
        line,
        field,
        message,
    }
}
