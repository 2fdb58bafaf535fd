//! Stored items as the matching engine's inputs, and the two ways of naming a bank line: the
//! database id (what matches store) and the engine id (the bank's entry key, what reasons show).

use std::collections::HashMap;

use store::bank_statements::BankEntry;
use store::ledger_entries::LedgerEntry;
use store::recon_matches::{MatchKind, StoredMatch};

/// Engine ids of bank entries: the entry key where no other account uses it, else
/// `account:key` (keys are unique per account only).
pub(super) struct BankIds {
    to_db: HashMap<String, i64>,
    to_engine: HashMap<i64, String>,
}

impl BankIds {
    pub(super) fn new(entries: &[BankEntry]) -> BankIds {
        let mut uses: HashMap<&str, usize> = HashMap::new();
        for e in entries {
            *uses.entry(e.entry_key.as_str()).or_default() += 1;
        }
        let mut ids = BankIds {
            to_db: HashMap::with_capacity(entries.len()),
            to_engine: HashMap::with_capacity(entries.len()),
        };
        for e in entries {
            let engine = if uses.get(e.entry_key.as_str()).copied().unwrap_or(0) > 1 {
                format!("{}:{}", e.account_iban, e.entry_key)
            } else {
                e.entry_key.clone()
            };
            ids.to_db.insert(engine.clone(), e.id);
            ids.to_engine.insert(e.id, engine);
        }
        ids
    }

    pub(super) fn db(&self, engine: &str) -> Option<i64> {
        self.to_db.get(engine).copied()
    }

    pub(super) fn engine(&self, db: i64) -> Option<&str> {
        self.to_engine.get(&db).map(String::as_str)
    }
}

pub(super) fn bank_line(e: &BankEntry, id: String) -> recon::BankLine {
    recon::BankLine {
        id,
        account_iban: e.account_iban.clone(),
        booking_date: e.booking_date,
        amount: e.amount,
        end_to_end_id: e.end_to_end_id.clone(),
        reference: e.reference.clone(),
        counterparty_name: e.counterparty_name.clone(),
        counterparty_iban: e.counterparty_iban.clone(),
        remittance: e.remittance.clone(),
        reversal: e.reversal,
    }
}

pub(super) fn ledger_line(e: &LedgerEntry) -> recon::LedgerEntry {
    recon::LedgerEntry {
        id: e.id.clone(),
        account_iban: e.account_iban.clone(),
        booking_date: e.booking_date,
        amount: e.amount,
        reference: e.reference.clone(),
        counterparty: e.counterparty.clone(),
        description: e.description.clone(),
    }
}

pub(super) fn engine_status(kind: MatchKind) -> recon::MatchStatus {
    match kind {
        MatchKind::Auto => recon::MatchStatus::Auto,
        MatchKind::Suggested => recon::MatchStatus::Suggested,
        MatchKind::Manual => recon::MatchStatus::Manual,
    }
}

pub(super) fn store_kind(status: recon::MatchStatus) -> MatchKind {
    match status {
        recon::MatchStatus::Auto => MatchKind::Auto,
        recon::MatchStatus::Suggested => MatchKind::Suggested,
        recon::MatchStatus::Manual => MatchKind::Manual,
    }
}

/// The database id behind an engine match id (they are the same number for stored matches).
pub(super) fn db_id(id: recon::MatchId) -> i64 {
    i64::try_from(id.0).unwrap_or(i64::MAX)
}

pub(super) fn engine_id(id: i64) -> recon::MatchId {
    recon::MatchId(u64::try_from(id).unwrap_or(0))
}

/// A stored match in the engine's terms (match id = database id), with the given status.
pub(super) fn engine_match(m: &StoredMatch, ids: &BankIds, status: recon::MatchStatus) -> recon::Match {
    recon::Match {
        id: engine_id(m.id),
        bank: m
            .bank
            .iter()
            .filter_map(|&b| ids.engine(b).map(str::to_string))
            .collect(),
        ledger: m.ledger.clone(),
        rule: m.rule.clone(),
        confidence: recon::Confidence::new(u16::try_from(m.confidence_bp).unwrap_or(0))
            .unwrap_or(recon::Confidence::MAX),
        status,
        reason: m.reason.clone(),
    }
}
