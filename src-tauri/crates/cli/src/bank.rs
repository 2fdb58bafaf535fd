//! `ctower bank …`: bank files (camt.052/053/054, pain.002, MT940/942, BAI2) from the command line.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Result};
use bankfile::{BankFile, Statement, StatusReport};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum BankCommand {
    /// One line per statement or status report in each file: format and version, account,
    /// currency, opening and closing balance, number of entries, and whether the balances add
    /// up. Exits non-zero, naming file, position and reason, when a file cannot be read.
    Inspect {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub fn run(command: BankCommand) -> Result<()> {
    match command {
        BankCommand::Inspect { files } => inspect(&files),
    }
}

fn inspect(files: &[PathBuf]) -> Result<()> {
    let mut failed = 0;
    for path in files {
        let name = path.display();
        let parsed = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| bankfile::parse(&bytes).map_err(|e| e.to_string()));
        match parsed {
            Ok(file) => print_file(&name.to_string(), &file),
            Err(e) => {
                // Keep going: the good files are still shown.
                eprintln!("{name}: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} files could not be read", files.len());
    }
    Ok(())
}

fn print_file(name: &str, file: &BankFile) {
    for s in &file.statements {
        println!("{name}  {}", statement_line(s));
        for note in &s.notes {
            eprintln!("{name}: note: {note}");
        }
    }
    for r in &file.status_reports {
        println!("{name}  {}", report_line(r));
    }
}

fn statement_line(s: &Statement) -> String {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    format!(
        "{}  id={}  account={}  currency={}  opening={}  closing={}  entries={}  balances={}",
        s.version,
        s.id,
        or_dash(s.account.display_id().map(str::to_string)),
        or_dash(s.currency.map(|c| c.to_string())),
        or_dash(s.opening.as_ref().map(|b| b.amount.to_string())),
        or_dash(s.closing.as_ref().map(|b| b.amount.to_string())),
        s.entries.len(),
        s.balances_add_up()
    )
}

/// Status reports have no account or balances: the line says what the bank answered.
fn report_line(r: &StatusReport) -> String {
    let mut statuses = BTreeMap::<&str, usize>::new();
    for p in &r.payments {
        for tx in &p.transactions {
            *statuses.entry(p.effective_status(tx, r).unwrap_or("none")).or_default() += 1;
        }
    }
    let statuses = statuses
        .iter()
        .map(|(s, n)| format!("{s}:{n}"))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "{}  original={}  group={}  payment-infos={}  transactions={}  statuses={}",
        r.version,
        r.original_message_id,
        r.group_status.as_deref().unwrap_or("-"),
        r.payments.len(),
        r.transaction_count(),
        if statuses.is_empty() { "-" } else { &statuses }
    )
}
