//! Bank files and LEDGER.csv into the mirror. Each file is one transaction and one audit event.
//! Re-importing a file adds nothing (entry keys and ledger ids are unique); a statement whose
//! balances do not add up is stored and flagged as the bank sent it; a statement that cannot be
//! stored exactly (no account, amounts finer than the currency) is refused with the reason while
//! the rest of the file is kept; entries that would land in a locked period are refused and logged.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use domain::Money;
use serde::Serialize;
use serde_json::json;
use sqlx::{Sqlite, SqliteConnection, Transaction};
use store::audit::{self, NewEvent};
use store::bank_statements::{self, BalanceCheck, EntryStatus, NewBankEntry, NewStatement};
use store::ledger_entries::{self, NewLedgerEntry};
use store::Store;
use tracing::info;

use super::locks::Locks;
use super::{Period, ReconError};

/// What importing one bank file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankImport {
    pub file: String,
    /// Detected format (`camt.053`, `MT940`, …).
    pub format: String,
    pub statements: Vec<StatementImport>,
    /// pain.002 status reports in the file: they belong to payments, not to reconciliation.
    pub status_reports: usize,
}

impl BankImport {
    pub fn new_entries(&self) -> u64 {
        self.statements.iter().map(|s| s.new_entries).sum()
    }

    pub fn duplicates(&self) -> u64 {
        self.statements.iter().map(|s| s.duplicates).sum()
    }

    pub fn flagged(&self) -> usize {
        self.statements
            .iter()
            .filter(|s| s.balance_check == BalanceCheck::Mismatch && s.refused.is_none())
            .count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementImport {
    pub statement_ref: String,
    pub account: Option<String>,
    pub currency: Option<String>,
    pub version: String,
    pub entries: usize,
    pub new_entries: u64,
    /// Entries the mirror already held (the same file, or an overlapping one, imported before).
    pub duplicates: u64,
    /// New entries dated in a locked period: not stored.
    pub refused_locked: u64,
    /// Entries with no booking, value or statement date: cannot be placed, not stored.
    pub undated: u64,
    /// The statement itself was imported before.
    pub already_imported: bool,
    pub balance_check: BalanceCheck,
    /// Why the balances do not add up or cannot be checked.
    pub balance_note: Option<String>,
    /// The whole statement was refused: why. Nothing of it was stored.
    pub refused: Option<String>,
}

/// Imports one bank file (any format `bankfile` reads, told from its content).
#[tracing::instrument(name = "recon.import_bank_file", skip_all, fields(actor = actor_id, file = file_name))]
pub async fn import_bank_file(
    store: &Store,
    actor_id: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<BankImport, ReconError> {
    let parsed = bankfile::parse(bytes).map_err(|e| ReconError::BadFile {
        file: file_name.to_string(),
        message: e.to_string(),
    })?;
    let now = Utc::now();
    let mut tx = store.begin().await?;
    let locks = Locks::load(&mut tx).await?;
    let mut statements = Vec::with_capacity(parsed.statements.len());
    for s in &parsed.statements {
        let outcome = match convert(s, file_name) {
            Ok(c) => store_statement(&mut tx, actor_id, &locks, c, now).await?,
            Err(why) => {
                let (balance_check, balance_note) = balance_check(s);
                StatementImport {
                    statement_ref: s.id.clone(),
                    account: s.account.display_id().map(str::to_string),
                    currency: s.currency.map(|c| c.to_string()),
                    version: s.version.clone(),
                    entries: s.entries.len(),
                    new_entries: 0,
                    duplicates: 0,
                    refused_locked: 0,
                    undated: 0,
                    already_imported: false,
                    balance_check,
                    balance_note,
                    refused: Some(why),
                }
            }
        };
        statements.push(outcome);
    }
    let import = BankImport {
        file: file_name.to_string(),
        format: parsed.format.name().to_string(),
        statements,
        status_reports: parsed.status_reports.len(),
    };
    commit_audited(
        tx,
        actor_id,
        "recon.bank_file_imported",
        "bank_file",
        file_name,
        json!(import),
        now,
    )
    .await?;
    info!(
        new = import.new_entries(),
        duplicates = import.duplicates(),
        flagged = import.flagged(),
        "bank file imported"
    );
    Ok(import)
}

/// Records the import in the audit trail and commits it with the data.
async fn commit_audited(
    mut tx: Transaction<'static, Sqlite>,
    actor_id: &str,
    action: &str,
    object_type: &str,
    file: &str,
    after: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ReconError> {
    let event = NewEvent {
        actor_id,
        action,
        object_type,
        object_id: file,
        before: None,
        after: Some(after),
    };
    audit::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Reads and imports a bank file from disk; errors name the file.
pub async fn import_bank_path(store: &Store, actor_id: &str, path: &Path) -> Result<BankImport, ReconError> {
    let (name, bytes) = read(path).await?;
    import_bank_file(store, actor_id, &name, &bytes).await
}

async fn read(path: &Path) -> Result<(String, Vec<u8>), ReconError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let bytes = tokio::fs::read(path).await.map_err(|e| ReconError::BadFile {
        file: path.display().to_string(),
        message: format!("cannot read: {e}"),
    })?;
    Ok((name, bytes))
}

fn balance_check(s: &bankfile::Statement) -> (BalanceCheck, Option<String>) {
    match s.balances_add_up() {
        bankfile::BalanceCheck::AddsUp => (BalanceCheck::AddsUp, None),
        bankfile::BalanceCheck::Mismatch { computed, closing } => (
            BalanceCheck::Mismatch,
            Some(format!("opening + entries = {computed}, closing = {closing}")),
        ),
        bankfile::BalanceCheck::NotCheckable(why) => (BalanceCheck::NotCheckable, Some(why)),
    }
}

/// A statement ready to store, with the entries it could not place in time.
pub(super) struct Converted {
    pub statement: NewStatement,
    /// How the file names the account (its name, else its owner), for an account seen first here.
    pub account_name: Option<String>,
    pub entries: Vec<NewBankEntry>,
    pub undated: u64,
}

/// A parsed statement in the mirror's terms, or why it cannot be stored exactly.
fn convert(s: &bankfile::Statement, file: &str) -> Result<Converted, String> {
    let account = s
        .account
        .display_id()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or("the statement names no account")?;
    let currency = s.currency.ok_or("the statement has no currency")?;
    let mut notes = s.notes.clone();
    let mut balance =
        |b: &Option<bankfile::Balance>, what: &str| -> Result<Option<(Money, Option<NaiveDate>)>, String> {
            match b {
                None => Ok(None),
                Some(b) if b.amount.currency() != currency => {
                    notes.push(format!(
                        "{what} balance in {} on a {currency} statement: not used",
                        b.amount.currency()
                    ));
                    Ok(None)
                }
                Some(b) => {
                    b.amount
                        .to_minor()
                        .map_err(|e| format!("{what} balance ({}): {e}", b.code))?;
                    Ok(Some((b.amount, b.date)))
                }
            }
        };
    let opening = balance(&s.opening, "opening")?;
    let closing = balance(&s.closing, "closing")?;
    // Notifications and intraday reports often carry no entry dates: the statement's balance
    // dates place them.
    let statement_date = closing
        .as_ref()
        .and_then(|c| c.1)
        .or(opening.as_ref().and_then(|o| o.1));
    let mut entries = Vec::with_capacity(s.entries.len());
    let mut undated = 0;
    for e in &s.entries {
        let Some(booking_date) = e.booking_date.or(e.value_date).or(statement_date) else {
            undated += 1;
            continue;
        };
        if e.amount.currency() != currency {
            return Err(format!(
                "entry {}: amount in {} on a {currency} statement",
                e.sequence,
                e.amount.currency()
            ));
        }
        e.amount
            .to_minor()
            .map_err(|err| format!("entry {}: {err}", e.sequence))?;
        let r = &e.references;
        entries.push(NewBankEntry {
            entry_key: e.entry_key().to_string(),
            sequence: i64::from(e.sequence),
            booking_date,
            value_date: e.value_date,
            amount: e.amount,
            status: match e.status {
                bankfile::EntryStatus::Booked => EntryStatus::Booked,
                bankfile::EntryStatus::Pending => EntryStatus::Pending,
                bankfile::EntryStatus::Info => EntryStatus::Info,
            },
            reversal: e.reversal,
            end_to_end_id: r.end_to_end_id.clone().unwrap_or_default(),
            reference: e.matching_reference(),
            counterparty_name: e.counterparty.name.clone().unwrap_or_default(),
            counterparty_iban: e.counterparty_account(),
            remittance: e.remittance_text(),
            bank_tx_code: e.bank_tx_code.clone(),
        });
    }
    let end_date = statement_date
        .or(entries.iter().map(|e| e.booking_date).max())
        .ok_or("the statement has no balance dates and no dated entries")?;
    let (check, note) = balance_check(s);
    let date_key = |b: &Option<(Money, Option<NaiveDate>)>| {
        b.as_ref()
            .and_then(|(_, d)| d.map(|d| d.to_string()))
            .unwrap_or_default()
    };
    Ok(Converted {
        statement: NewStatement {
            account_iban: account.to_string(),
            statement_key: format!(
                "{}|{}|{}|{}",
                s.format.name(),
                s.id,
                date_key(&opening),
                date_key(&closing)
            ),
            statement_ref: s.id.clone(),
            format: s.format.name().to_string(),
            version: s.version.clone(),
            currency,
            opening,
            closing,
            end_date,
            balance_check: check,
            balance_note: note,
            entry_count: i64::try_from(s.entries.len()).unwrap_or(i64::MAX),
            parser_notes: notes,
            source_file: file.to_string(),
        },
        account_name: s.account.name.clone().or_else(|| s.account.owner.clone()),
        entries,
        undated,
    })
}

/// Stores one statement and its new entries (the import's and the demo's way in).
pub(super) async fn store_statement(
    tx: &mut SqliteConnection,
    actor_id: &str,
    locks: &Locks,
    c: Converted,
    now: DateTime<Utc>,
) -> Result<StatementImport, ReconError> {
    let s = &c.statement;
    let mut outcome = StatementImport {
        statement_ref: s.statement_ref.clone(),
        account: Some(s.account_iban.clone()),
        currency: Some(s.currency.to_string()),
        version: s.version.clone(),
        entries: usize::try_from(s.entry_count).unwrap_or(usize::MAX),
        new_entries: 0,
        duplicates: 0,
        refused_locked: 0,
        undated: c.undated,
        already_imported: false,
        balance_check: s.balance_check,
        balance_note: s.balance_note.clone(),
        refused: None,
    };
    let name = c.account_name.as_deref().unwrap_or(&s.account_iban);
    let account = store::bank_accounts::ensure(tx, &s.account_iban, s.currency, name, now).await?;
    if account.currency != s.currency {
        outcome.refused = Some(format!(
            "account {} is kept in {}; this statement is in {}",
            account.iban, account.currency, s.currency
        ));
        return Ok(outcome);
    }
    let keys: Vec<&str> = c.entries.iter().map(|e| e.entry_key.as_str()).collect();
    let existing = bank_statements::existing_keys(tx, &s.account_iban, &keys).await?;
    let (mut fresh, mut locked) = (Vec::new(), 0u64);
    for e in &c.entries {
        if existing.contains(&e.entry_key) {
            outcome.duplicates += 1;
        } else if locks.holds(&s.account_iban, e.booking_date) {
            locked += 1;
        } else {
            fresh.push(e.clone());
        }
    }
    let statement_id = match bank_statements::find(tx, &s.account_iban, &s.statement_key).await? {
        Some(id) => {
            outcome.already_imported = true;
            id
        }
        None => bank_statements::insert(tx, s, actor_id, now).await?,
    };
    let inserted = bank_statements::insert_entries(tx, statement_id, &s.account_iban, &fresh).await?;
    // Keys repeated within this batch (an entry in two statements of one file) land once.
    outcome.duplicates += fresh.len() as u64 - inserted;
    outcome.new_entries = inserted;
    outcome.refused_locked = locked;
    if locked > 0 {
        let event = NewEvent {
            actor_id,
            action: "recon.bank_entries.refused",
            object_type: "bank_account",
            object_id: &s.account_iban,
            before: None,
            after: Some(json!({
                "refused": "entries dated in a locked period",
                "statement": s.statement_ref,
                "file": s.source_file,
                "entries": locked,
            })),
        };
        audit::append(tx, &event, now).await?;
    }
    Ok(outcome)
}

/// What importing a LEDGER.csv did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerImport {
    pub file: String,
    pub entries: usize,
    pub new_entries: u64,
    /// Ids the mirror already held with the same figures.
    pub duplicates: u64,
    /// Ids the mirror already held with other figures: kept as stored, listed here (the first 50).
    pub conflicts: Vec<String>,
    pub conflict_count: u64,
    /// New entries dated in a locked period: not stored.
    pub refused_locked: u64,
    /// Entries refused for another reason (the first 50), e.g. a currency other than the account's.
    pub refused: Vec<String>,
    pub refused_count: u64,
}

const LISTED: usize = 50;

/// Imports a LEDGER.csv (`id,account_iban,booking_date,amount,currency,reference,counterparty,description`).
/// A malformed file is refused whole, naming the line and field.
#[tracing::instrument(name = "recon.import_ledger_csv", skip_all, fields(actor = actor_id, file = file_name))]
pub async fn import_ledger_csv(
    store: &Store,
    actor_id: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<LedgerImport, ReconError> {
    let rows = recon::ledger_csv::read_ledger(file_name, bytes).map_err(|e| ReconError::BadFile {
        file: file_name.to_string(),
        message: format!("line {}: {}: {}", e.line, e.field, e.message),
    })?;
    let entries: Vec<NewLedgerEntry> = rows
        .into_iter()
        .map(|r| NewLedgerEntry {
            id: r.id,
            account_iban: r.account_iban,
            booking_date: r.booking_date,
            amount: r.amount,
            reference: r.reference,
            counterparty: r.counterparty,
            description: r.description,
        })
        .collect();
    let now = Utc::now();
    let mut tx = store.begin().await?;
    let locks = Locks::load(&mut tx).await?;
    let import = store_ledger(&mut tx, actor_id, &locks, file_name, entries, now).await?;
    commit_audited(
        tx,
        actor_id,
        "recon.ledger_imported",
        "ledger_file",
        file_name,
        json!(import),
        now,
    )
    .await?;
    info!(
        new = import.new_entries,
        duplicates = import.duplicates,
        conflicts = import.conflict_count,
        "ledger imported"
    );
    Ok(import)
}

pub async fn import_ledger_path(store: &Store, actor_id: &str, path: &Path) -> Result<LedgerImport, ReconError> {
    let (name, bytes) = read(path).await?;
    import_ledger_csv(store, actor_id, &name, &bytes).await
}

/// Stores the new ledger entries (the import's and the demo's way in).
pub(super) async fn store_ledger(
    tx: &mut SqliteConnection,
    actor_id: &str,
    locks: &Locks,
    source: &str,
    entries: Vec<NewLedgerEntry>,
    now: DateTime<Utc>,
) -> Result<LedgerImport, ReconError> {
    let mut out = LedgerImport {
        file: source.to_string(),
        entries: entries.len(),
        new_entries: 0,
        duplicates: 0,
        conflicts: Vec::new(),
        conflict_count: 0,
        refused_locked: 0,
        refused: Vec::new(),
        refused_count: 0,
    };
    let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    let stored = ledger_entries::by_ids(&mut *tx, &ids).await?;
    let mut accounts = HashMap::new();
    let mut fresh = Vec::with_capacity(entries.len());
    let mut locked_periods: Vec<(String, String)> = Vec::new();
    for e in entries {
        if let Some(s) = stored.get(&e.id) {
            if s.same_as(&e) {
                out.duplicates += 1;
            } else {
                out.conflict_count += 1;
                if out.conflicts.len() < LISTED {
                    out.conflicts.push(e.id.clone());
                }
            }
            continue;
        }
        if locks.holds(&e.account_iban, e.booking_date) {
            out.refused_locked += 1;
            let key = (e.account_iban.clone(), Period::of(e.booking_date).to_string());
            if !locked_periods.contains(&key) {
                locked_periods.push(key);
            }
            continue;
        }
        let currency = e.amount.currency();
        let account = match accounts.get(&e.account_iban) {
            Some(a) => a,
            None => {
                let a = store::bank_accounts::ensure(tx, &e.account_iban, currency, &e.account_iban, now).await?;
                accounts.entry(e.account_iban.clone()).or_insert(a)
            }
        };
        if account.currency != currency {
            out.refused_count += 1;
            if out.refused.len() < LISTED {
                out.refused.push(format!(
                    "{}: amount in {currency}; account {} is kept in {}",
                    e.id, account.iban, account.currency
                ));
            }
            continue;
        }
        fresh.push(e);
    }
    // Ids repeated within the file are refused by the reader, so every fresh entry lands.
    out.new_entries = ledger_entries::insert_batch(tx, &fresh, source, now).await?;
    if out.refused_locked > 0 {
        let event = NewEvent {
            actor_id,
            action: "recon.ledger_entries.refused",
            object_type: "ledger_file",
            object_id: source,
            before: None,
            after: Some(json!({
                "refused": "entries dated in a locked period",
                "entries": out.refused_locked,
                "periods": locked_periods,
            })),
        };
        audit::append(tx, &event, now).await?;
    }
    Ok(out)
}
