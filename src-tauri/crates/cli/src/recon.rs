//! `ctower recon match`: bank files against a ledger CSV, matches to a CSV. Every input is read
//! and checked before anything is written; the outputs appear atomically (temp file + rename).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use bankfile::{EntryStatus, Statement};
use clap::Subcommand;
use recon::ledger_csv::read_ledger;
use recon::matches_csv::{write_matches, write_unmatched};
use recon::{BankLine, MatchStatus, RuleSet};

#[derive(Subcommand)]
pub enum ReconCommand {
    /// Match bank statement lines against ledger cash entries and write the matches.
    Match {
        /// A bank file (camt.052/053/054, MT940/942, BAI2; the format is detected from content).
        /// Repeat for more files.
        #[arg(long = "bank", required = true)]
        bank: Vec<PathBuf>,
        /// Ledger cash entries: id,account_iban,booking_date,amount,currency,reference,counterparty,description
        #[arg(long)]
        ledger: PathBuf,
        /// Where to write match_id,bank_entry,ledger_id,rule,confidence (automatic matches).
        #[arg(long)]
        out: PathBuf,
        /// Where to list the bank lines and ledger entries left unmatched, with any suggestion.
        #[arg(long)]
        unmatched: Option<PathBuf>,
    },
}

pub fn run(command: ReconCommand) -> Result<()> {
    match command {
        ReconCommand::Match {
            bank,
            ledger,
            out,
            unmatched,
        } => match_files(&bank, &ledger, &out, unmatched.as_deref()),
    }
}

fn match_files(bank_files: &[PathBuf], ledger_file: &Path, out: &Path, unmatched: Option<&Path>) -> Result<()> {
    let mut lines = Vec::new();
    let mut skipped = 0usize;
    for path in bank_files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("{name}: cannot read"))?;
        let file = bankfile::parse(&bytes).map_err(|e| anyhow!("{name}: {e}"))?;
        if file.statements.is_empty() {
            bail!("{name}: a {} file holds no statement lines to match", file.format);
        }
        for statement in &file.statements {
            skipped += bank_lines(&name, statement, &mut lines);
        }
    }
    let duplicates = distinct_ids(&mut lines);
    let ledger_name = ledger_file.display().to_string();
    let ledger = read_ledger(
        &ledger_name,
        File::open(ledger_file).with_context(|| format!("{ledger_name}: cannot read"))?,
    )?;

    let run = recon::run(&lines, &ledger, &RuleSet::default())?;
    let settled = || run.iter().filter(|m| m.status() != MatchStatus::Suggested);

    // Both outputs go to temporary files first; only when both are complete are they renamed.
    let matches_tmp = write_temp(out, |w| write_matches(w, settled()).map(drop))?;
    let unmatched_tmp = match unmatched {
        Some(path) => Some((
            path,
            write_temp(path, |w| write_unmatched(w, &lines, &ledger, run.iter()).map(drop))?,
        )),
        None => None,
    };
    matches_tmp
        .persist(out)
        .with_context(|| format!("{}: cannot write", out.display()))?;
    if let Some((path, tmp)) = unmatched_tmp {
        tmp.persist(path)
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }

    let (mut automatic, mut suggested, mut pairs) = (0usize, 0usize, 0usize);
    for m in run.iter() {
        if m.status() == MatchStatus::Suggested {
            suggested += 1;
        } else {
            automatic += 1;
            m.for_each_pair(|_, _| pairs += 1);
        }
    }
    println!(
        "{} bank lines, {} ledger entries: {automatic} matches ({pairs} rows) written to {}, {suggested} suggestions",
        lines.len(),
        ledger.len(),
        out.display()
    );
    if skipped > 0 {
        eprintln!("note: {skipped} pending, information-only or undated bank entries were not matched");
    }
    if duplicates > 0 {
        eprintln!("note: {duplicates} bank entries appeared in more than one file and were read once");
    }
    let report = run.report();
    if !report.unusable_bank.is_empty() {
        eprintln!(
            "note: {} bank lines have no account or more decimals than their currency: never matched",
            report.unusable_bank.len()
        );
    }
    Ok(())
}

/// Appends the statement's booked entries as bank lines; returns how many entries it left out
/// (pending and information-only ones do not move the booked balance; undated ones cannot be
/// placed in a date window).
fn bank_lines(file: &str, s: &Statement, out: &mut Vec<BankLine>) -> usize {
    let account = s.account.display_id().unwrap_or_default().to_string();
    let mut skipped = 0;
    for e in &s.entries {
        if e.status != EntryStatus::Booked {
            skipped += 1;
            continue;
        }
        // Notifications (camt.054) and intraday reports often carry no entry dates: the
        // statement's balance dates place them; with no date at all a line cannot be matched.
        let statement_date = s
            .closing
            .as_ref()
            .and_then(|b| b.date)
            .or(s.opening.as_ref().and_then(|b| b.date));
        let Some(booking_date) = e.booking_date.or(e.value_date).or(statement_date) else {
            eprintln!(
                "{file}: note: statement {} entry {} has no booking, value or statement date: not matched",
                s.id, e.sequence
            );
            skipped += 1;
            continue;
        };
        let r = &e.references;
        out.push(BankLine {
            id: e.entry_key().to_string(),
            account_iban: account.clone(),
            booking_date,
            amount: e.amount,
            end_to_end_id: r.end_to_end_id.clone().unwrap_or_default(),
            reference: e.matching_reference(),
            counterparty_name: e.counterparty.name.clone().unwrap_or_default(),
            counterparty_iban: e.counterparty_account(),
            remittance: e.remittance_text(),
            reversal: e.reversal,
        });
    }
    skipped
}

/// Matches name bank lines by id. The same entry read twice (one statement in two files) is kept
/// once; different entries that share a key get `#2`, `#3`, … in file order. Returns how many
/// repeats were dropped.
fn distinct_ids(lines: &mut Vec<BankLine>) -> usize {
    let before = lines.len();
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut kept: Vec<BankLine> = Vec::with_capacity(lines.len());
    for mut line in lines.drain(..) {
        match first.get(&line.id) {
            Some(&i) if same_entry(&kept[i], &line) => continue,
            Some(_) => {
                let base = line.id.clone();
                let mut n = 2;
                while first.contains_key(&format!("{base}#{n}")) {
                    n += 1;
                }
                line.id = format!("{base}#{n}");
            }
            None => {}
        }
        first.insert(line.id.clone(), kept.len());
        kept.push(line);
    }
    *lines = kept;
    before - lines.len()
}

fn same_entry(a: &BankLine, b: &BankLine) -> bool {
    a.account_iban == b.account_iban && a.booking_date == b.booking_date && a.amount == b.amount
}

/// Writes through `fill` into a temporary file beside `target`, flushed and synced.
fn write_temp(
    target: &Path,
    fill: impl FnOnce(&mut BufWriter<&File>) -> std::io::Result<()>,
) -> Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("{}: cannot write", target.display()))?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        fill(&mut w)
            .and_then(|()| w.flush())
            .with_context(|| format!("{}: cannot write", target.display()))?;
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("{}: cannot write", target.display()))?;
    Ok(tmp)
}
