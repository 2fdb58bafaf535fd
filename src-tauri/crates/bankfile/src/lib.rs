//! Bank files to canonical statements and payment status reports.
//!
//! Reads ISO 20022 camt.052/053/054 (001.01 to 001.10) and pain.002, SWIFT MT940/MT942 and
//! BAI2, telling them apart by content. Pure: bytes in, values out; no I/O, no async, never a
//! panic on any input. Lenient where banks are sloppy (encodings, BOMs, CRLF, namespace
//! versions, missing optional elements), strict where money is at stake: a bad amount or a
//! missing currency is an error naming the element or line, never a zero, and a statement
//! whose balances do not add up is returned but flagged ([`Statement::balances_add_up`]).

mod amount;
mod bai2;
mod camt;
mod detect;
mod error;
mod mt940;
mod pain002;
mod report;
mod statement;
mod xml;

pub use detect::detect;
pub use error::{Error, Position};
pub use report::{PaymentStatus, StatusReason, StatusReport, TransactionStatus};
pub use statement::{
    Account, Balance, BalanceCheck, Entry, EntryStatus, Format, Party, References, Remittance, Statement, Transaction,
};

/// Everything one file holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BankFile {
    pub format: Format,
    pub statements: Vec<Statement>,
    pub status_reports: Vec<StatusReport>,
}

/// Parses a bank file of any supported format, detected from its content.
pub fn parse(bytes: &[u8]) -> Result<BankFile, Error> {
    let format = detect(bytes).ok_or_else(|| Error::UnknownFormat {
        found: describe_start(bytes),
    })?;
    let text = detect::decode(bytes);
    // One line ending for the line formats; XML positions stay those of the file.
    let lines = || text.replace("\r\n", "\n").replace('\r', "\n");
    let (statements, status_reports) = match format {
        Format::Mt940 | Format::Mt942 => (mt940::parse(&lines())?, Vec::new()),
        Format::Bai2 => (bai2::parse(&lines())?, Vec::new()),
        Format::Camt052 | Format::Camt053 | Format::Camt054 | Format::Pain002 => return parse_xml(&text),
    };
    let format = statements.first().map(|s| s.format).unwrap_or(format);
    let mut statements = statements;
    distinct_ids(&mut statements);
    Ok(BankFile {
        format,
        statements,
        status_reports,
    })
}

fn parse_xml(text: &str) -> Result<BankFile, Error> {
    let mut camt = camt::CamtReader::default();
    let mut pain = pain002::Pain002Reader::default();
    let message = xml::read_message(text, &mut |msg, el| match msg.format {
        Format::Pain002 => pain.block(el),
        _ => camt.block(msg, el),
    })?;
    Ok(match message.format {
        Format::Pain002 => BankFile {
            format: Format::Pain002,
            statements: Vec::new(),
            status_reports: vec![pain.finish(&message)?],
        },
        format => {
            let mut statements = camt.finish(&message)?;
            distinct_ids(&mut statements);
            BankFile {
                format,
                statements,
                status_reports: Vec::new(),
            }
        }
    })
}

/// Banks reuse statement ids within one file (MT940 `:20:` is often a constant). Entry keys
/// built from the id must not collide, so a repeated id gets `#2`, `#3`, … in file order,
/// which is stable when the same file is read again.
fn distinct_ids(statements: &mut [Statement]) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for s in statements.iter_mut() {
        let n = seen.entry(s.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            s.id = format!("{}#{n}", s.id);
            statement::assign_entry_keys(&s.id, &mut s.entries);
        }
    }
}

/// The first line, shortened, to show what an unknown file starts with.
fn describe_start(bytes: &[u8]) -> String {
    let text = detect::decode(bytes);
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        None => "the file is empty".into(),
        Some(l) => {
            let shown: String = l.chars().take(60).collect();
            format!("line 1 starts with {shown:?}")
        }
    }
}
