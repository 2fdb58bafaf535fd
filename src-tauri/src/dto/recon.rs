//! The shapes the Reconciliation screen exchanges with the backend. Money travels as decimal
//! strings (`dto::Money`), confidences as integer basis points (10000 = 100 %), dates as
//! YYYY-MM-DD and periods as YYYY-MM. Ids of bank entries and matches are database integers;
//! ledger entry ids are the ledger's own text ids.

use serde::{Deserialize, Serialize};
use specta::Type;
use store::recon_lines as lines;
use sync::reconcile as rc;

use super::{count, Money, SortDir};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum MatchKind {
    /// The engine, at or above the automatic threshold.
    Auto,
    /// The engine, below it: a person accepts or rejects it.
    Suggested,
    /// Made by a person, or a suggestion a person accepted.
    Manual,
}

impl From<store::recon_matches::MatchKind> for MatchKind {
    fn from(k: store::recon_matches::MatchKind) -> Self {
        match k {
            store::recon_matches::MatchKind::Auto => MatchKind::Auto,
            store::recon_matches::MatchKind::Suggested => MatchKind::Suggested,
            store::recon_matches::MatchKind::Manual => MatchKind::Manual,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum MatchStatus {
    Active,
    Rejected,
    Unmatched,
}

impl From<store::recon_matches::MatchStatus> for MatchStatus {
    fn from(s: store::recon_matches::MatchStatus) -> Self {
        match s {
            store::recon_matches::MatchStatus::Active => MatchStatus::Active,
            store::recon_matches::MatchStatus::Rejected => MatchStatus::Rejected,
            store::recon_matches::MatchStatus::Unmatched => MatchStatus::Unmatched,
        }
    }
}

/// Where a line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum LineState {
    Unmatched,
    Suggested,
    Matched,
}

impl From<lines::LineState> for LineState {
    fn from(s: lines::LineState) -> Self {
        match s {
            lines::LineState::Unmatched => LineState::Unmatched,
            lines::LineState::Suggested => LineState::Suggested,
            lines::LineState::Matched => LineState::Matched,
        }
    }
}

/// The state filter: `open` = unmatched or suggested (not settled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum LineStateFilter {
    Open,
    Unmatched,
    Suggested,
    Matched,
}

impl From<LineStateFilter> for lines::StateFilter {
    fn from(f: LineStateFilter) -> Self {
        match f {
            LineStateFilter::Open => lines::StateFilter::Open,
            LineStateFilter::Unmatched => lines::StateFilter::Unmatched,
            LineStateFilter::Suggested => lines::StateFilter::Suggested,
            LineStateFilter::Matched => lines::StateFilter::Matched,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum LineSortKey {
    BookingDate,
    Amount,
    Counterparty,
}

impl From<LineSortKey> for lines::LineSort {
    fn from(k: LineSortKey) -> Self {
        match k {
            LineSortKey::BookingDate => lines::LineSort::BookingDate,
            LineSortKey::Amount => lines::LineSort::Amount,
            LineSortKey::Counterparty => lines::LineSort::Counterparty,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReconLinesFilter {
    /// Bank account (IBAN or account number).
    pub account: Option<String>,
    /// YYYY-MM: lines booked in that month.
    pub period: Option<String>,
    pub state: Option<LineStateFilter>,
    /// Counterparty, references, remittance or description, id.
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ReconLinesSort {
    pub key: LineSortKey,
    pub dir: SortDir,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ReconLinesRequest {
    pub filter: ReconLinesFilter,
    pub sort: ReconLinesSort,
    /// The previous page's `nextCursor`.
    pub after: Option<String>,
    /// 1 to 500.
    pub limit: u32,
}

/// The match a line is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LineMatch {
    pub match_id: i64,
    pub kind: MatchKind,
    pub rule: String,
    pub confidence_bp: u32,
}

impl From<lines::LineMatch> for LineMatch {
    fn from(m: lines::LineMatch) -> Self {
        LineMatch {
            match_id: m.match_id,
            kind: m.kind.into(),
            rule: m.rule,
            confidence_bp: count(m.confidence_bp),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BankItem {
    pub id: i64,
    pub account_iban: String,
    /// The bank's entry reference (AcctSvcrRef), or statement id / sequence.
    pub entry_key: String,
    pub booking_date: String,
    pub value_date: Option<String>,
    /// Signed: money into the account positive.
    pub amount: Money,
    pub reversal: bool,
    pub end_to_end_id: String,
    pub reference: String,
    pub counterparty_name: String,
    pub counterparty_iban: String,
    pub remittance: String,
    pub bank_tx_code: Option<String>,
    /// Open since this matching run (break aging); `null` while matched.
    pub open_since: Option<String>,
}

impl From<store::bank_statements::BankEntry> for BankItem {
    fn from(e: store::bank_statements::BankEntry) -> Self {
        BankItem {
            id: e.id,
            account_iban: e.account_iban,
            entry_key: e.entry_key,
            booking_date: e.booking_date.to_string(),
            value_date: e.value_date.map(|d| d.to_string()),
            amount: e.amount.into(),
            reversal: e.reversal,
            end_to_end_id: e.end_to_end_id,
            reference: e.reference,
            counterparty_name: e.counterparty_name,
            counterparty_iban: e.counterparty_iban,
            remittance: e.remittance,
            bank_tx_code: e.bank_tx_code,
            open_since: e.open_since,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LedgerItem {
    pub id: String,
    pub account_iban: String,
    pub booking_date: String,
    /// Signed: money into the bank account positive.
    pub amount: Money,
    pub reference: String,
    pub counterparty: String,
    pub description: String,
    /// The LEDGER.csv file it came from, or "demo".
    pub source: String,
    pub open_since: Option<String>,
}

impl From<store::ledger_entries::LedgerEntry> for LedgerItem {
    fn from(e: store::ledger_entries::LedgerEntry) -> Self {
        LedgerItem {
            id: e.id,
            account_iban: e.account_iban,
            booking_date: e.booking_date.to_string(),
            amount: e.amount.into(),
            reference: e.reference,
            counterparty: e.counterparty,
            description: e.description,
            source: e.source,
            open_since: e.open_since,
        }
    }
}

/// A bank line or ledger entry with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LineRow<T> {
    pub item: T,
    pub state: LineState,
    #[serde(rename = "match")]
    pub matched: Option<LineMatch>,
}

/// A keyset page of lines: pass `nextCursor` as `after` for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LinePage<T> {
    pub rows: Vec<LineRow<T>>,
    pub next_cursor: Option<String>,
    pub total: u32,
}

impl<S, T: From<S>> From<lines::Page<lines::Line<S>>> for LinePage<T> {
    fn from(p: lines::Page<lines::Line<S>>) -> Self {
        LinePage {
            rows: p
                .rows
                .into_iter()
                .map(|l| LineRow {
                    item: l.item.into(),
                    state: l.state.into(),
                    matched: l.matched.map(Into::into),
                })
                .collect(),
            next_cursor: p.next_cursor,
            total: count(p.total),
        }
    }
}

/// A match with both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MatchView {
    pub match_id: i64,
    pub kind: MatchKind,
    pub status: MatchStatus,
    /// The pass that proposed it, or "manual".
    pub rule: String,
    pub confidence_bp: u32,
    pub reason: String,
    pub created_at: String,
    /// A user id, or "engine".
    pub created_by: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub note: Option<String>,
    pub bank: Vec<BankItem>,
    pub ledger: Vec<LedgerItem>,
}

impl From<lines::MatchWithItems> for MatchView {
    fn from(w: lines::MatchWithItems) -> Self {
        let m = w.m;
        MatchView {
            match_id: m.id,
            kind: m.kind.into(),
            status: m.status.into(),
            rule: m.rule,
            confidence_bp: count(m.confidence_bp),
            reason: m.reason,
            created_at: m.created_at,
            created_by: m.created_by,
            decided_at: m.decided_at,
            decided_by: m.decided_by,
            note: m.note,
            bank: w.bank.into_iter().map(Into::into).collect(),
            ledger: w.ledger.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionPage {
    /// Most confident first.
    pub rows: Vec<MatchView>,
    pub next_cursor: Option<String>,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PassCount {
    pub name: String,
    pub automatic: u32,
    pub suggested: u32,
}

/// A matching run: what it made and break aging against the run before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReconRun {
    pub run_id: i64,
    pub started_at: String,
    pub finished_at: String,
    pub actor_id: String,
    pub bank_lines: u32,
    pub ledger_entries: u32,
    pub automatic: u32,
    pub suggested: u32,
    /// Manual matches (and accepted suggestions) the run kept.
    pub manual: u32,
    /// Against the stored matches before the run.
    pub added: u32,
    pub removed: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub open_bank: u32,
    pub open_ledger: u32,
    /// Items open now that were not at the run before.
    pub breaks_new: u32,
    /// Items open now and at the run before.
    pub breaks_persisting: u32,
    /// Items open at the run before and not now.
    pub breaks_resolved: u32,
    pub passes: Vec<PassCount>,
}

impl From<rc::RunOutcome> for ReconRun {
    fn from(r: rc::RunOutcome) -> Self {
        let c = r.counts;
        ReconRun {
            run_id: r.run_id,
            started_at: r.started_at,
            finished_at: r.finished_at,
            actor_id: r.actor_id,
            bank_lines: count(c.bank_lines),
            ledger_entries: count(c.ledger_entries),
            automatic: count(c.automatic),
            suggested: count(c.suggested),
            manual: count(c.manual),
            added: count(c.added),
            removed: count(c.removed),
            changed: count(c.changed),
            unchanged: count(c.unchanged),
            open_bank: count(c.open_bank),
            open_ledger: count(c.open_ledger),
            breaks_new: count(c.breaks_new),
            breaks_persisting: count(c.breaks_persisting),
            breaks_resolved: count(c.breaks_resolved),
            passes: r
                .passes
                .into_iter()
                .map(|p| PassCount {
                    name: p.name,
                    automatic: narrow(p.automatic),
                    suggested: narrow(p.suggested),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReconAccount {
    pub iban: String,
    pub entity_code: Option<String>,
    pub currency: String,
    pub name: String,
    pub bank_lines: u32,
    /// Bank lines not in an automatic or manual match.
    pub bank_open: u32,
    pub ledger_entries: u32,
    pub ledger_open: u32,
    pub suggestions: u32,
    pub statements: u32,
    /// Statements whose balances do not add up.
    pub flagged_statements: u32,
    pub last_closing: Option<Money>,
    pub last_closing_date: Option<String>,
}

impl From<lines::AccountSummary> for ReconAccount {
    fn from(a: lines::AccountSummary) -> Self {
        ReconAccount {
            iban: a.iban,
            entity_code: a.entity_code,
            currency: a.currency,
            name: a.name,
            bank_lines: count(a.bank_lines),
            bank_open: count(a.bank_open),
            ledger_entries: count(a.ledger_entries),
            ledger_open: count(a.ledger_open),
            suggestions: count(a.suggestions),
            statements: count(a.statements),
            flagged_statements: count(a.flagged_statements),
            last_closing: a.last_closing.map(Into::into),
            last_closing_date: a.last_closing_date,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Certification {
    pub account_iban: String,
    pub period: String,
    pub statement_closing: Money,
    pub ledger_balance: Money,
    pub difference: Money,
    pub open_items: Money,
    pub open_item_count: u32,
    pub prepared_by: String,
    pub prepared_at: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    /// Reviewed: changes to the account and period are refused.
    pub locked: bool,
}

impl From<store::account_recs::AccountRec> for Certification {
    fn from(r: store::account_recs::AccountRec) -> Self {
        let f = r.figures;
        Certification {
            account_iban: r.account_iban,
            period: r.period,
            statement_closing: f.statement_closing.into(),
            ledger_balance: f.ledger_balance.into(),
            difference: f.difference.into(),
            open_items: f.open_items.into(),
            open_item_count: count(f.open_item_count),
            prepared_by: r.prepared_by,
            prepared_at: r.prepared_at,
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at,
            locked: r.locked,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReconOverview {
    pub accounts: Vec<ReconAccount>,
    pub last_run: Option<ReconRun>,
    /// YYYY-MM of today.
    pub current_period: String,
    /// Periods holding bank or ledger entries, newest first.
    pub periods: Vec<String>,
    pub certifications: Vec<Certification>,
}

impl From<rc::Overview> for ReconOverview {
    fn from(o: rc::Overview) -> Self {
        ReconOverview {
            accounts: o.accounts.into_iter().map(Into::into).collect(),
            last_run: o.last_run.map(Into::into),
            current_period: o.current_period.to_string(),
            periods: o.periods.iter().map(ToString::to_string).collect(),
            certifications: o.certifications.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SimulatedMatch {
    /// The stored match, for one that exists now.
    pub match_id: Option<i64>,
    pub kind: MatchKind,
    pub rule: String,
    pub confidence_bp: u32,
    pub reason: String,
    pub bank_entry_ids: Vec<i64>,
    pub bank_keys: Vec<String>,
    pub ledger_entry_ids: Vec<String>,
}

impl From<rc::SimulatedMatch> for SimulatedMatch {
    fn from(m: rc::SimulatedMatch) -> Self {
        SimulatedMatch {
            match_id: m.match_id,
            kind: m.kind.into(),
            rule: m.rule,
            confidence_bp: count(m.confidence_bp),
            reason: m.reason,
            bank_entry_ids: m.bank_entry_ids,
            bank_keys: m.bank_keys,
            ledger_entry_ids: m.ledger_entry_ids,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SimulatedChange {
    pub before: SimulatedMatch,
    pub after: SimulatedMatch,
}

/// "What would change": lists hold the first 500 of each kind, counts are complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SimulationView {
    pub added: Vec<SimulatedMatch>,
    pub removed: Vec<SimulatedMatch>,
    pub changed: Vec<SimulatedChange>,
    pub added_count: u32,
    pub removed_count: u32,
    pub changed_count: u32,
    pub unchanged: u32,
    pub automatic: u32,
    pub suggested: u32,
}

/// Narrows an unsigned count to the u32 the UI gets.
fn narrow(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

impl From<rc::Simulation> for SimulationView {
    fn from(s: rc::Simulation) -> Self {
        SimulationView {
            added: s.added.into_iter().map(Into::into).collect(),
            removed: s.removed.into_iter().map(Into::into).collect(),
            changed: s
                .changed
                .into_iter()
                .map(|(before, after)| SimulatedChange {
                    before: before.into(),
                    after: after.into(),
                })
                .collect(),
            added_count: narrow(s.added_count),
            removed_count: narrow(s.removed_count),
            changed_count: narrow(s.changed_count),
            unchanged: narrow(s.unchanged),
            automatic: narrow(s.automatic),
            suggested: narrow(s.suggested),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BalanceCheck {
    AddsUp,
    /// Opening + entries ≠ closing: kept as the bank sent it, flagged.
    Mismatch,
    NotCheckable,
}

impl From<store::bank_statements::BalanceCheck> for BalanceCheck {
    fn from(b: store::bank_statements::BalanceCheck) -> Self {
        match b {
            store::bank_statements::BalanceCheck::AddsUp => BalanceCheck::AddsUp,
            store::bank_statements::BalanceCheck::Mismatch => BalanceCheck::Mismatch,
            store::bank_statements::BalanceCheck::NotCheckable => BalanceCheck::NotCheckable,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StatementImportView {
    pub statement_ref: String,
    pub account: Option<String>,
    pub currency: Option<String>,
    pub version: String,
    pub entries: u32,
    pub new_entries: u32,
    pub duplicates: u32,
    /// New entries dated in a locked period: not stored.
    pub refused_locked: u32,
    /// Entries with no date at all: not stored.
    pub undated: u32,
    pub already_imported: bool,
    pub balance_check: BalanceCheck,
    pub balance_note: Option<String>,
    /// The whole statement was refused: why.
    pub refused: Option<String>,
}

/// One file's import: `error` when the file could not be read at all (nothing stored from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BankImportResult {
    pub file: String,
    pub error: Option<String>,
    pub format: Option<String>,
    pub statements: Vec<StatementImportView>,
    pub status_reports: u32,
    pub new_entries: u32,
    pub duplicates: u32,
    pub flagged: u32,
}

impl From<rc::BankImport> for BankImportResult {
    fn from(b: rc::BankImport) -> Self {
        BankImportResult {
            new_entries: narrow(b.new_entries()),
            duplicates: narrow(b.duplicates()),
            flagged: narrow(b.flagged()),
            file: b.file,
            error: None,
            format: Some(b.format),
            status_reports: narrow(b.status_reports),
            statements: b
                .statements
                .into_iter()
                .map(|s| StatementImportView {
                    statement_ref: s.statement_ref,
                    account: s.account,
                    currency: s.currency,
                    version: s.version,
                    entries: narrow(s.entries),
                    new_entries: narrow(s.new_entries),
                    duplicates: narrow(s.duplicates),
                    refused_locked: narrow(s.refused_locked),
                    undated: narrow(s.undated),
                    already_imported: s.already_imported,
                    balance_check: s.balance_check.into(),
                    balance_note: s.balance_note,
                    refused: s.refused,
                })
                .collect(),
        }
    }
}

impl BankImportResult {
    pub fn failed(file: String, error: String) -> Self {
        BankImportResult {
            file,
            error: Some(error),
            format: None,
            statements: Vec::new(),
            status_reports: 0,
            new_entries: 0,
            duplicates: 0,
            flagged: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LedgerImportResult {
    pub file: String,
    pub entries: u32,
    pub new_entries: u32,
    pub duplicates: u32,
    /// Ids already stored with other figures: kept as stored (the first 50).
    pub conflicts: Vec<String>,
    pub conflict_count: u32,
    pub refused_locked: u32,
    pub refused: Vec<String>,
    pub refused_count: u32,
}

impl From<rc::LedgerImport> for LedgerImportResult {
    fn from(l: rc::LedgerImport) -> Self {
        LedgerImportResult {
            file: l.file,
            entries: narrow(l.entries),
            new_entries: narrow(l.new_entries),
            duplicates: narrow(l.duplicates),
            conflicts: l.conflicts,
            conflict_count: narrow(l.conflict_count),
            refused_locked: narrow(l.refused_locked),
            refused: l.refused,
            refused_count: narrow(l.refused_count),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum OpenItemKind {
    BankNotInLedger,
    LedgerNotInBank,
    MatchDifference,
    StatementDiscrepancy,
    OpeningDifference,
}

impl From<rc::OpenItemKind> for OpenItemKind {
    fn from(k: rc::OpenItemKind) -> Self {
        match k {
            rc::OpenItemKind::BankNotInLedger => OpenItemKind::BankNotInLedger,
            rc::OpenItemKind::LedgerNotInBank => OpenItemKind::LedgerNotInBank,
            rc::OpenItemKind::MatchDifference => OpenItemKind::MatchDifference,
            rc::OpenItemKind::StatementDiscrepancy => OpenItemKind::StatementDiscrepancy,
            rc::OpenItemKind::OpeningDifference => OpenItemKind::OpeningDifference,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum OpeningSource {
    /// The account's configured ledger opening balance.
    Account,
    /// The earliest statement's opening balance.
    BankStatement,
    Zero,
}

impl From<rc::OpeningSource> for OpeningSource {
    fn from(s: rc::OpeningSource) -> Self {
        match s {
            rc::OpeningSource::Account => OpeningSource::Account,
            rc::OpeningSource::BankStatement => OpeningSource::BankStatement,
            rc::OpeningSource::Zero => OpeningSource::Zero,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OpenItem {
    pub kind: OpenItemKind,
    pub bank_entry_id: Option<i64>,
    pub ledger_entry_id: Option<String>,
    pub match_id: Option<i64>,
    pub reference: String,
    pub date: Option<String>,
    pub description: String,
    /// Signed as booked.
    pub amount: Money,
    /// What it adds to statement closing − ledger balance.
    pub effect: Money,
    pub open_since: Option<String>,
    /// The suggestion holding the item, if any.
    pub suggestion_id: Option<i64>,
}

impl From<rc::OpenItem> for OpenItem {
    fn from(i: rc::OpenItem) -> Self {
        OpenItem {
            kind: i.kind.into(),
            bank_entry_id: i.bank_entry_id,
            ledger_entry_id: i.ledger_entry_id,
            match_id: i.match_id,
            reference: i.reference,
            date: i.date.map(|d| d.to_string()),
            description: i.description,
            amount: i.amount.into(),
            effect: i.effect.into(),
            open_since: i.open_since,
            suggestion_id: i.suggestion,
        }
    }
}

/// The account reconciliation sheet: `difference` = statement closing − ledger balance, which the
/// open items' effects add up to exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RecSheet {
    pub account_iban: String,
    pub account_name: String,
    pub entity_code: Option<String>,
    pub currency: String,
    pub period: String,
    pub as_of: String,
    pub statement_closing: Option<Money>,
    pub statement_closing_date: Option<String>,
    pub statement_ref: Option<String>,
    pub flagged_statements: u32,
    pub ledger_opening: Money,
    pub ledger_opening_date: Option<String>,
    pub opening_source: OpeningSource,
    pub ledger_balance: Money,
    pub difference: Option<Money>,
    /// The first 1000; count and total cover all.
    pub open_items: Vec<OpenItem>,
    pub open_item_count: u32,
    pub open_items_total: Money,
    pub certification: Option<Certification>,
    pub locked: bool,
}

impl From<rc::RecSheet> for RecSheet {
    fn from(s: rc::RecSheet) -> Self {
        RecSheet {
            locked: s.locked(),
            account_iban: s.account.iban,
            account_name: s.account.name,
            entity_code: s.account.entity_code,
            currency: s.account.currency.to_string(),
            period: s.period.to_string(),
            as_of: s.as_of.to_string(),
            statement_closing: s.statement_closing.map(Into::into),
            statement_closing_date: s.statement_closing_date.map(|d| d.to_string()),
            statement_ref: s.statement_ref,
            flagged_statements: narrow(s.flagged_statements),
            ledger_opening: s.ledger_opening.into(),
            ledger_opening_date: s.ledger_opening_date.map(|d| d.to_string()),
            opening_source: s.opening_source.into(),
            ledger_balance: s.ledger_balance.into(),
            difference: s.difference.map(Into::into),
            open_items: s.open_items.into_iter().map(Into::into).collect(),
            open_item_count: narrow(s.open_item_count),
            open_items_total: s.open_items_total.into(),
            certification: s.certification.map(Into::into),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CertifyStep {
    /// The preparer certifies the sheet as it stands.
    Prepare,
    /// Another person reviews the prepared figures; the period is locked after.
    Review,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum IcIssue {
    MissingAtA,
    MissingAtB,
    AmountDiffers,
    CurrencyDiffers,
}

impl From<rc::IcIssue> for IcIssue {
    fn from(i: rc::IcIssue) -> Self {
        match i {
            rc::IcIssue::MissingAtA => IcIssue::MissingAtA,
            rc::IcIssue::MissingAtB => IcIssue::MissingAtB,
            rc::IcIssue::AmountDiffers => IcIssue::AmountDiffers,
            rc::IcIssue::CurrencyDiffers => IcIssue::CurrencyDiffers,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IcSide {
    /// Ledger entry ids.
    pub entries: Vec<String>,
    /// As the entity booked it (money in positive); `null` when its entries mix currencies.
    pub amount: Option<Money>,
    /// At the period rate in the group currency; `null` when a rate is missing.
    pub group_amount: Option<Money>,
}

impl From<rc::IcSide> for IcSide {
    fn from(s: rc::IcSide) -> Self {
        IcSide {
            entries: s.entries,
            amount: s.amount.map(Into::into),
            group_amount: s.group_amount.map(Into::into),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IcDocument {
    pub reference: String,
    pub issue: IcIssue,
    pub a: IcSide,
    pub b: IcSide,
    /// a + b in the transaction currency (zero when they agree).
    pub difference: Option<Money>,
    pub group_difference: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IcTotal {
    pub currency: String,
    pub a: Money,
    pub b: Money,
    pub difference: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IcPair {
    pub entity_a: String,
    pub entity_b: String,
    /// Per transaction currency, as each side booked it with the other.
    pub totals: Vec<IcTotal>,
    pub group_a: Option<Money>,
    pub group_b: Option<Money>,
    pub group_difference: Option<Money>,
    pub documents: u32,
    pub documents_agreeing: u32,
    pub mismatches: Vec<IcDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IntercompanyView {
    pub period: String,
    pub group_currency: String,
    pub pairs: Vec<IcPair>,
    /// Currencies without a rate for the period.
    pub missing_rates: Vec<String>,
}

impl From<rc::Intercompany> for IntercompanyView {
    fn from(ic: rc::Intercompany) -> Self {
        IntercompanyView {
            period: ic.period.to_string(),
            group_currency: ic.group_currency,
            missing_rates: ic.missing_rates,
            pairs: ic
                .pairs
                .into_iter()
                .map(|p| IcPair {
                    entity_a: p.entity_a,
                    entity_b: p.entity_b,
                    totals: p
                        .totals
                        .into_iter()
                        .map(|t| IcTotal {
                            currency: t.currency,
                            a: t.a.into(),
                            b: t.b.into(),
                            difference: t.difference.into(),
                        })
                        .collect(),
                    group_a: p.group_a.map(Into::into),
                    group_b: p.group_b.map(Into::into),
                    group_difference: p.group_difference.map(Into::into),
                    documents: narrow(p.documents),
                    documents_agreeing: narrow(p.documents_agreeing),
                    mismatches: p
                        .mismatches
                        .into_iter()
                        .map(|d| IcDocument {
                            reference: d.reference,
                            issue: d.issue.into(),
                            a: d.a.into(),
                            b: d.b.into(),
                            difference: d.difference.map(Into::into),
                            group_difference: d.group_difference.map(Into::into),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
