//! BAI2 cash management balance reporting: file (01/99), groups (02/98), accounts (03/49),
//! transaction details (16) and continuations (88). One statement per account record.
//!
//! Written by hand: no maintained Rust crate reads BAI2. Amounts are integers in the
//! currency's minor units (ISO 4217 exponent); the BAI spec's own decimals table predates the
//! euro and is not used. Control totals in trailers are checked; a difference is noted on the
//! statement rather than refusing the file, but a file without its 99 trailer is refused as
//! cut short.

use chrono::NaiveDate;
use domain::{Currency, Money};

use crate::amount;
use crate::error::Error;
use crate::statement::{
    assign_entry_keys, meaningful_ref, statement_currency, Account, Balance, Entry, EntryStatus, Format, Remittance,
    Statement,
};

const FMT: &str = "BAI2";
const CODES: &[&str] = &["01", "02", "03", "16", "49", "88", "98", "99"];

/// A logical record: its code, fields text and line, with the 88 continuations that follow it.
struct Record {
    code: String,
    content: String,
    line: usize,
    continuations: Vec<String>,
    /// Continuations that were wrapped text lines, not 88 records (they count as no record).
    wrapped: usize,
}

impl Record {
    /// Records as the trailers count them: this one and its 88s.
    fn count(&self) -> usize {
        1 + self.continuations.len() - self.wrapped
    }
}

/// Strips the record terminator `/` and trailing blanks.
fn strip_end(s: &str) -> &str {
    let t = s.trim_end();
    t.strip_suffix('/').unwrap_or(t).trim_end()
}

fn starts_with_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_digit() && b[1].is_ascii_digit() && b[2] == b','
}

/// Physical lines → logical records. Some banks put several records on one line
/// (`…,2/   02,…`), some wrap a text field onto a line with no record code: both are read.
fn records(text: &str) -> Result<Vec<Record>, Error> {
    let mut out: Vec<Record> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        for piece in split_line(raw.trim_end()) {
            if piece.trim().is_empty() {
                continue;
            }
            if !starts_with_code(piece) {
                // A text field wrapped onto the next line without an 88.
                match out.last_mut() {
                    Some(r) => {
                        r.continuations.push(piece.trim().to_string());
                        r.wrapped += 1;
                    }
                    None => return Err(Error::line(FMT, line, format!("{piece:?} is not a BAI2 record"))),
                }
                continue;
            }
            let (code, content) = (&piece[..2], &piece[3..]);
            if !CODES.contains(&code) {
                return Err(Error::line(
                    FMT,
                    line,
                    format!("record code {code} is not a BAI2 record (01, 02, 03, 16, 49, 88, 98, 99)"),
                ));
            }
            if code == "88" {
                match out.last_mut() {
                    Some(r) => r.continuations.push(content.to_string()),
                    None => return Err(Error::line(FMT, line, "88 continuation with no record before it")),
                }
                continue;
            }
            out.push(Record {
                code: code.to_string(),
                content: content.to_string(),
                line,
                continuations: Vec::new(),
                wrapped: 0,
            });
        }
    }
    Ok(out)
}

/// Splits `a/   02,b/` into `a/` and `02,b/`: a slash, blanks, then a record code.
fn split_line(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'/' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                j += 1;
            }
            if j > i + 1 && line.get(j..).is_some_and(starts_with_code) {
                pieces.push(&line[start..=i]);
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    pieces.push(&line[start..]);
    pieces
}

/// Fields of a non-text record, continuations joined as further fields.
fn fields(r: &Record) -> Vec<String> {
    let mut all = strip_end(&r.content).to_string();
    for c in &r.continuations {
        all.push(',');
        all.push_str(strip_end(c));
    }
    all.split(',').map(|f| f.trim().to_string()).collect()
}

/// How many fields follow a funds type.
fn funds_extras(funds: &str, following: &[String], line: usize) -> Result<usize, Error> {
    Ok(match funds {
        "S" => 3,
        "V" => 2,
        "D" => {
            let n = following
                .first()
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| Error::line(FMT, line, "funds type D without a number of distributions"))?;
            1 + 2 * n
        }
        _ => 0,
    })
}

#[derive(Default)]
struct Group {
    currency: Option<String>,
    as_of: Option<NaiveDate>,
    total: i128,
    accounts: usize,
    statements_before: usize,
}

struct AccountBuilder {
    statement: Statement,
    total: Money,
    records: usize,
    line: usize,
}

pub(crate) fn parse(text: &str) -> Result<Vec<Statement>, Error> {
    let records = records(text)?;
    let first = records
        .first()
        .ok_or_else(|| Error::line(FMT, 1, "empty file: no 01 file header"))?;
    if first.code != "01" {
        return Err(Error::line(
            FMT,
            first.line,
            format!("the file starts with {} instead of the 01 file header", first.code),
        ));
    }
    let header = fields(first);
    let file_id = format!(
        "{}-{}-{}",
        header.first().map(String::as_str).unwrap_or(""),
        header.get(2).map(String::as_str).unwrap_or(""),
        header.get(4).map(String::as_str).unwrap_or("")
    );

    let mut statements: Vec<Statement> = Vec::new();
    let mut group: Option<Group> = None;
    let mut account: Option<AccountBuilder> = None;
    let mut file_total: i128 = 0;
    let mut file_records = 0usize;
    let mut groups = 0usize;
    let mut ended = false;

    for r in &records[1..] {
        file_records += r.count();
        let line = r.line;
        if ended {
            return Err(Error::line(
                FMT,
                line,
                format!("record {} after the 99 file trailer", r.code),
            ));
        }
        match r.code.as_str() {
            "01" => return Err(Error::line(FMT, line, "a second 01 file header")),
            "02" => {
                if group.is_some() {
                    return Err(Error::line(
                        FMT,
                        line,
                        "02 group header before the previous group's 98 trailer",
                    ));
                }
                let f = fields(r);
                let as_of = match f.get(3).map(String::as_str) {
                    Some(d) if !d.is_empty() => Some(
                        yymmdd(d)
                            .ok_or_else(|| Error::line(FMT, line, format!("as-of date {d:?} is not a YYMMDD date")))?,
                    ),
                    _ => None,
                };
                group = Some(Group {
                    currency: f.get(5).filter(|c| !c.is_empty()).cloned(),
                    as_of,
                    statements_before: statements.len(),
                    ..Group::default()
                });
                groups += 1;
            }
            "03" => {
                let g = group
                    .as_mut()
                    .ok_or_else(|| Error::line(FMT, line, "03 account record outside a group (no 02 before it)"))?;
                if account.is_some() {
                    return Err(Error::line(
                        FMT,
                        line,
                        "03 account record before the previous account's 49 trailer",
                    ));
                }
                g.accounts += 1;
                let n = statements.len() + 1;
                account = Some(account_record(r, g, &file_id, n)?);
            }
            "16" => {
                let a = account
                    .as_mut()
                    .ok_or_else(|| Error::line(FMT, line, "16 detail outside an account (no 03 before it)"))?;
                let as_of = group.as_ref().and_then(|g| g.as_of);
                detail(r, a, as_of)?;
            }
            "49" => {
                let mut a = account
                    .take()
                    .ok_or_else(|| Error::line(FMT, line, "49 account trailer without an 03 account record"))?;
                a.records += r.count();
                let f = fields(r);
                let total = control_total(f.first(), line)?;
                let computed = minor(&a.total);
                if total != computed {
                    a.statement.notes.push(format!(
                        "line {line}: 49 control total {total} differs from the sum of the account's amounts {computed} (minor units)"
                    ));
                }
                if let Some(count) = f.get(1).and_then(|c| c.parse::<usize>().ok()) {
                    if count != a.records {
                        a.statement.notes.push(format!(
                            "line {line}: 49 says {count} records, the account has {}",
                            a.records
                        ));
                    }
                }
                if let Some(g) = group.as_mut() {
                    g.total = g.total.saturating_add(total);
                }
                let mut statement = a.statement;
                assign_entry_keys(&statement.id.clone(), &mut statement.entries);
                statement.currency = statement_currency(
                    statement.currency,
                    statement.opening.as_ref(),
                    statement.closing.as_ref(),
                    &statement.entries,
                );
                statements.push(statement);
            }
            "98" => {
                if let Some(a) = &account {
                    return Err(Error::line(
                        FMT,
                        line,
                        format!("98 group trailer inside the account of line {}", a.line),
                    ));
                }
                let g = group
                    .take()
                    .ok_or_else(|| Error::line(FMT, line, "98 group trailer without a 02 group header"))?;
                let total = control_total(fields(r).first(), line)?;
                file_total = file_total.saturating_add(total);
                if total != g.total {
                    let note = format!(
                        "line {line}: 98 group control total {total} differs from its accounts' totals {}",
                        g.total
                    );
                    for s in &mut statements[g.statements_before..] {
                        s.notes.push(note.clone());
                    }
                }
            }
            "99" => {
                if account.is_some() || group.is_some() {
                    return Err(Error::line(
                        FMT,
                        line,
                        "99 file trailer before the open group or account was closed",
                    ));
                }
                let f = fields(r);
                let total = control_total(f.first(), line)?;
                let mut notes = Vec::new();
                if total != file_total {
                    notes.push(format!(
                        "line {line}: 99 file control total {total} differs from the groups' {file_total}"
                    ));
                }
                if f.get(1)
                    .and_then(|g| g.parse::<usize>().ok())
                    .is_some_and(|g| g != groups)
                {
                    notes.push(format!("line {line}: 99 says {} groups, the file has {groups}", f[1]));
                }
                let counted = file_records + first.count();
                if f.get(2)
                    .and_then(|c| c.parse::<usize>().ok())
                    .is_some_and(|c| c != counted)
                {
                    notes.push(format!("line {line}: 99 says {} records, the file has {counted}", f[2]));
                }
                for s in &mut statements {
                    s.notes.extend(notes.iter().cloned());
                }
                ended = true;
            }
            _ => {}
        }
    }
    if !ended {
        let last = records.last().map(|r| r.line).unwrap_or(1);
        return Err(Error::line(FMT, last, "no 99 file trailer: the file is cut short"));
    }
    if statements.is_empty() {
        return Err(Error::line(FMT, first.line, "no 03 account record: nothing to import"));
    }
    Ok(statements)
}

fn control_total(field: Option<&String>, line: usize) -> Result<i128, Error> {
    let t = field.map(String::as_str).unwrap_or("").trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::line(FMT, line, format!("control total {t:?} is not a number")));
    }
    let v: i128 = digits
        .parse()
        .map_err(|_| Error::line(FMT, line, format!("control total {t:?} is out of range")))?;
    Ok(if t.starts_with('-') { -v } else { v })
}

/// Minor units of a money amount (exact: amounts here come from minor units).
fn minor(m: &Money) -> i128 {
    let mut a = m.amount();
    a.rescale(m.currency().exponent());
    a.mantissa()
}

fn currency(code: &str, line: usize) -> Result<Currency, Error> {
    amount::currency(code).map_err(|e| Error::line(FMT, line, e))
}

fn money(text: &str, ccy: Currency, line: usize) -> Result<Money, Error> {
    amount::minor_units(text, ccy).map_err(|e| Error::line(FMT, line, e))
}

fn account_record(r: &Record, g: &Group, file_id: &str, n: usize) -> Result<AccountBuilder, Error> {
    let line = r.line;
    let f = fields(r);
    let number = f
        .first()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| Error::line(FMT, line, "03 record without an account number"))?;
    let code = f
        .get(1)
        .filter(|c| !c.is_empty())
        .or(g.currency.as_ref())
        .map(String::as_str)
        .unwrap_or("USD"); // the BAI2 default
    let ccy = currency(code, line)?;
    let mut total = Money::zero(ccy);
    let (mut opening, mut closing) = (None, None);
    let mut i = 2;
    while i < f.len() {
        let type_code = f[i].as_str();
        let amount = f.get(i + 1).map(String::as_str).unwrap_or("");
        let funds = f.get(i + 3).map(String::as_str).unwrap_or("");
        let extras = funds_extras(funds, f.get(i + 4..).unwrap_or(&[]), line)?;
        if !amount.is_empty() {
            let value = money(amount, ccy, line)?;
            total = total
                .checked_add(&value)
                .map_err(|e| Error::line(FMT, line, e.to_string()))?;
            let balance = || Balance {
                code: type_code.to_string(),
                amount: value,
                date: g.as_of,
            };
            match type_code {
                "010" => opening = Some(balance()),
                "015" => closing = Some(balance()),
                _ => {}
            }
        }
        i += 4 + extras;
    }
    Ok(AccountBuilder {
        statement: Statement {
            format: Format::Bai2,
            version: "BAI2".into(),
            id: format!("{file_id}/{number}/{n}"),
            number: None,
            account: Account {
                other_id: Some(number.clone()),
                ..Account::default()
            },
            currency: Some(ccy),
            opening,
            closing,
            entries: Vec::new(),
            additional_info: None,
            notes: Vec::new(),
        },
        total,
        records: r.count(),
        line,
    })
}

/// A 16 record: type code, amount, funds type (+ its fields), bank reference, customer
/// reference, then text to the end of the record, continued by 88s.
fn detail(r: &Record, a: &mut AccountBuilder, as_of: Option<NaiveDate>) -> Result<(), Error> {
    let line = r.line;
    a.records += r.count();
    let ccy = a.total.currency();

    // Continuations before the text starts carry further fields; after it, more text.
    let mut head = r.content.clone();
    let mut pending = r.continuations.iter();
    let (fields, text) = loop {
        if let Some(split) = split_detail(&head, line)? {
            break split;
        }
        match pending.next() {
            Some(c) => {
                head = format!("{},{}", strip_end(&head), c);
            }
            None => {
                break (
                    head.split(',').map(|s| strip_end(s).trim().to_string()).collect(),
                    String::new(),
                )
            }
        }
    };
    let mut text_lines: Vec<String> = Vec::new();
    for t in std::iter::once(text.as_str()).chain(pending.map(String::as_str)) {
        let t = strip_end(t).trim();
        if !t.is_empty() {
            text_lines.push(t.to_string());
        }
    }

    let type_code = fields.first().map(String::as_str).unwrap_or("");
    let amount_text = fields.get(1).map(String::as_str).unwrap_or("");
    let debit = match type_code.parse::<u16>() {
        Ok(890) => {
            a.statement
                .notes
                .push(format!("line {line}: information: {}", text_lines.join(" ")));
            return Ok(());
        }
        Ok(100..=399 | 720..=759 | 920..=959) => false,
        Ok(400..=699 | 760..=799 | 960..=999) => true,
        _ => {
            return Err(Error::line(
                FMT,
                line,
                format!("16 detail type code {type_code:?} is neither a credit (100-399) nor a debit (400-699) code"),
            ))
        }
    };
    if amount_text.is_empty() {
        a.statement.notes.push(format!(
            "line {line}: 16 detail {type_code} reports no amount; left out"
        ));
        return Ok(());
    }
    let value = money(amount_text, ccy, line)?;
    if value.is_negative() {
        return Err(Error::line(
            FMT,
            line,
            format!("detail amount {amount_text:?} is negative; its type code gives the sign"),
        ));
    }
    a.total = a
        .total
        .checked_add(&value)
        .map_err(|e| Error::line(FMT, line, e.to_string()))?;
    let funds = fields.get(2).map(String::as_str).unwrap_or("");
    let value_date = match funds {
        "V" => fields.get(3).and_then(|d| yymmdd(d)).or(as_of),
        _ => as_of,
    };
    let extras = funds_extras(funds, fields.get(3..).unwrap_or(&[]), line)?;
    let sequence = u32::try_from(a.statement.entries.len() + 1).unwrap_or(u32::MAX);
    let mut entry = Entry {
        sequence,
        key: String::new(),
        acct_svcr_ref: meaningful_ref(fields.get(3 + extras).cloned()),
        booking_date: as_of,
        value_date,
        amount: amount::signed(value, debit),
        reversal: false,
        status: EntryStatus::Booked,
        bank_tx_code: Some(type_code.to_string()),
        references: Default::default(),
        counterparty: Default::default(),
        remittance: Remittance {
            unstructured: text_lines.clone(),
            creditor_reference: None,
        },
        additional_info: (!text_lines.is_empty()).then(|| text_lines.join("\n")),
        transactions: Vec::new(),
    };
    entry.references.customer_ref = meaningful_ref(fields.get(4 + extras).cloned());
    a.statement.entries.push(entry);
    Ok(())
}

/// Splits a 16 record into its fields before the text and the text, or `None` when the
/// record ends before its text field (an 88 then continues it).
fn split_detail(content: &str, line: usize) -> Result<Option<(Vec<String>, String)>, Error> {
    let parts: Vec<String> = content.split(',').map(|p| strip_end(p).trim().to_string()).collect();
    let funds = parts.get(2).map(String::as_str).unwrap_or("");
    let extras = funds_extras(funds, parts.get(3..).unwrap_or(&[]), line)?;
    let before_text = 5 + extras; // type, amount, funds, its fields, bank ref, customer ref
    if parts.len() <= before_text {
        return Ok(None);
    }
    let text = content
        .splitn(before_text + 1, ',')
        .nth(before_text)
        .unwrap_or("")
        .to_string();
    Ok(Some((parts[..before_text].to_vec(), text)))
}

fn yymmdd(s: &str) -> Option<NaiveDate> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(&format!("20{s}"), "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "01,BANK,CUST,240101,0800,7,,,2/\n02,CUST,BANK,1,240101,2400,EUR,2/\n03,ACC1,,010,+10000,,,015,+7500,,/\n16,475,2500,0,REF1,CHK9,CHEQUE PAID/\n16,195,1000,V,240102,,REF2,,WIRE IN\n88,FROM ACME\n16,409,2000,Z,,,FEE/\n49,23000,6/\n98,23000,1,8/\n99,23000,1,10/\n";

    #[test]
    fn parses_accounts_details_and_continuations() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(s.account.other_id.as_deref(), Some("ACC1"));
        assert_eq!(s.opening.as_ref().unwrap().amount.amount().to_string(), "100.00");
        let amounts: Vec<String> = s.entries.iter().map(|e| e.amount.amount().to_string()).collect();
        assert_eq!(amounts, vec!["-25.00", "10.00", "-20.00"]);
        assert_eq!(s.entries[1].remittance.unstructured, vec!["WIRE IN", "FROM ACME"]);
        assert_eq!(s.entries[1].value_date, NaiveDate::from_ymd_opt(2024, 1, 2));
        assert_eq!(s.entries[0].entry_key(), "REF1");
        assert_eq!(s.entries[0].references.customer_ref.as_deref(), Some("CHK9"));
        assert_eq!(s.entries[2].entry_key(), format!("{}/3", s.id));
        assert!(matches!(s.balances_add_up(), crate::BalanceCheck::Mismatch { .. }));
        assert!(s.notes.is_empty(), "{:?}", s.notes);
    }

    #[test]
    fn refuses_bad_records_and_cut_files() {
        let e = parse("00,0004,1/2/345,06/0321,0829,001,80,1,2/")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && e.contains("record code 00"), "{e}");
        let cut = SAMPLE.lines().take(5).collect::<Vec<_>>().join("\n");
        let e = parse(&cut).unwrap_err().to_string();
        assert!(e.contains("cut short"), "{e}");
        let bad = SAMPLE.replace("16,409,2000", "16,409,20.00");
        let e = parse(&bad).unwrap_err().to_string();
        assert!(e.contains("line 7") && e.contains("\"20.00\""), "{e}");
    }
}
