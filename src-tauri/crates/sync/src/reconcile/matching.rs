//! Matching runs over the mirror, and "what would change" before a rule change.
//!
//! A run keeps every manual match (and accepted suggestion), leaves items in locked periods and
//! their matches exactly as they are, never proposes a group a person rejected or unmatched, and
//! writes only the difference to the stored matches — an unchanged match keeps its id. It then
//! marks which items are open, which gives break aging against the run before.

use std::collections::HashSet;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::SqliteConnection;
use store::audit::{self, NewEvent};
use store::recon_matches::{self, items_key, MatchKind, NewMatch};
use store::recon_runs::{self, RunCounts};
use store::{bank_statements, ledger_entries, Store, StoreError};
use tracing::{info, warn};

use super::items::{bank_line, db_id, engine_match, engine_status, ledger_line, store_kind, BankIds};
use super::locks::Locks;
use super::ReconError;

/// Per pass: how many automatic matches and suggestions it made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassCount {
    pub name: String,
    pub automatic: usize,
    pub suggested: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    pub run_id: i64,
    pub started_at: String,
    pub finished_at: String,
    pub actor_id: String,
    pub counts: RunCounts,
    pub passes: Vec<PassCount>,
}

impl RunOutcome {
    pub(super) fn from_stored(r: recon_runs::Run) -> Result<RunOutcome, ReconError> {
        let passes = serde_json::from_str(&r.passes).map_err(|e| StoreError::Corrupt {
            table: "recon_runs",
            column: "passes",
            reason: e.to_string(),
        })?;
        Ok(RunOutcome {
            run_id: r.id,
            started_at: r.started_at,
            finished_at: r.finished_at,
            actor_id: r.actor_id,
            counts: r.counts,
            passes,
        })
    }
}

/// The mirror as the engine sees it.
struct Book {
    /// Engine inputs: booked bank lines and ledger entries outside locked periods.
    bank: Vec<recon::BankLine>,
    ledger: Vec<recon::LedgerEntry>,
    ids: BankIds,
    booked_bank: Vec<i64>,
    all_ledger: Vec<String>,
    /// Active matches in the engine's terms (match id = database id). Those touching a locked
    /// period count as manual: every run keeps them as they are.
    current: Vec<recon::Match>,
    /// Groups a person said no to.
    declined: HashSet<String>,
}

async fn load(conn: &mut SqliteConnection) -> Result<Book, ReconError> {
    let locks = Locks::load(conn).await?;
    let bank_entries = bank_statements::booked(&mut *conn).await?;
    let ledger = ledger_entries::all(&mut *conn).await?;
    let ids = BankIds::new(&bank_entries);
    let frozen_bank: HashSet<i64> = bank_entries
        .iter()
        .filter(|e| locks.holds(&e.account_iban, e.booking_date))
        .map(|e| e.id)
        .collect();
    let frozen_ledger: HashSet<&str> = ledger
        .iter()
        .filter(|e| locks.holds(&e.account_iban, e.booking_date))
        .map(|e| e.id.as_str())
        .collect();
    let current = recon_matches::active(conn)
        .await?
        .iter()
        .map(|m| {
            let frozen = m.bank.iter().any(|b| frozen_bank.contains(b))
                || m.ledger.iter().any(|l| frozen_ledger.contains(l.as_str()));
            let status = if frozen {
                recon::MatchStatus::Manual
            } else {
                engine_status(m.kind)
            };
            engine_match(m, &ids, status)
        })
        .collect();
    let bank = bank_entries
        .iter()
        .filter(|e| !frozen_bank.contains(&e.id))
        .filter_map(|e| ids.engine(e.id).map(|id| bank_line(e, id.to_string())))
        .collect();
    let engine_ledger = ledger
        .iter()
        .filter(|e| !frozen_ledger.contains(e.id.as_str()))
        .map(ledger_line)
        .collect();
    Ok(Book {
        bank,
        ledger: engine_ledger,
        booked_bank: bank_entries.iter().map(|e| e.id).collect(),
        all_ledger: ledger.into_iter().map(|e| e.id).collect(),
        ids,
        current,
        declined: recon_matches::declined_keys(conn).await?,
    })
}

impl Book {
    /// Database bank ids of an engine match; `None` if one does not map back (a bug upstream).
    fn db_bank(&self, engine_ids: &[&str]) -> Option<Vec<i64>> {
        engine_ids.iter().map(|id| self.ids.db(id)).collect()
    }

    fn key_of(&self, m: &recon::MatchRef) -> Option<String> {
        let bank = self.db_bank(&m.bank_ids())?;
        let ledger: Vec<String> = m.ledger_ids().iter().map(|l| l.to_string()).collect();
        Some(items_key(&bank, &ledger))
    }
}

/// What a rule set would do to the current matches.
struct Plan {
    diff: recon::Diff,
    automatic: usize,
    suggested: usize,
    manual: usize,
    passes: Vec<PassCount>,
}

fn plan(book: &Book, rules: &recon::RuleSet) -> Result<Plan, ReconError> {
    let keep: Vec<recon::Match> = book
        .current
        .iter()
        .filter(|m| m.status == recon::MatchStatus::Manual)
        .cloned()
        .collect();
    let manual = keep.len();
    let run = recon::run_keeping(&book.bank, &book.ledger, rules, keep)?;
    let after: Vec<recon::MatchRef> = run
        .iter()
        .filter(|m| {
            m.status() == recon::MatchStatus::Manual || book.key_of(m).is_some_and(|k| !book.declined.contains(&k))
        })
        .collect();
    let automatic = after.iter().filter(|m| m.status() == recon::MatchStatus::Auto).count();
    let suggested = after
        .iter()
        .filter(|m| m.status() == recon::MatchStatus::Suggested)
        .count();
    let diff = recon::simulate::diff(book.current.iter().map(recon::MatchRef::Owned), after);
    let passes = run
        .report()
        .passes
        .iter()
        .map(|p| PassCount {
            name: p.name.clone(),
            automatic: p.automatic,
            suggested: p.suggested,
        })
        .collect();
    Ok(Plan {
        diff,
        automatic,
        suggested,
        manual,
        passes,
    })
}

fn bp(c: recon::Confidence) -> i64 {
    i64::from(c.basis_points())
}

/// Runs the matching passes and stores the result; returns the run's counts and break aging.
#[tracing::instrument(name = "recon.run_matching", skip_all, fields(actor = actor_id))]
pub async fn run_matching(store: &Store, actor_id: &str, rules: &recon::RuleSet) -> Result<RunOutcome, ReconError> {
    rules.validate().map_err(recon::EngineError::from)?;
    let rules_json = serde_json::to_string(rules).map_err(|e| ReconError::Invalid(e.to_string()))?;
    let started = Utc::now();
    // Loaded, matched and written in the one write transaction, so a person's match made meanwhile
    // cannot collide with the run's.
    let mut tx = store.begin().await?;
    let book = load(&mut tx).await?;
    let plan = plan(&book, rules)?;
    let passes_json = serde_json::to_string(&plan.passes).map_err(|e| ReconError::Invalid(e.to_string()))?;
    let mut counts = RunCounts {
        bank_lines: book.booked_bank.len() as i64,
        ledger_entries: book.all_ledger.len() as i64,
        automatic: plan.automatic as i64,
        suggested: plan.suggested as i64,
        manual: plan.manual as i64,
        added: plan.diff.added.len() as i64,
        removed: plan.diff.removed.len() as i64,
        changed: plan.diff.changed.len() as i64,
        unchanged: plan.diff.unchanged as i64,
        ..RunCounts::default()
    };
    let finished = Utc::now();
    let run_id = recon_runs::insert(&mut tx, actor_id, &rules_json, &passes_json, &counts, started, finished).await?;

    let removed: Vec<i64> = plan.diff.removed.iter().map(|m| db_id(m.id)).collect();
    recon_matches::delete_engine(&mut tx, &removed).await?;
    for c in &plan.diff.changed {
        let a = &c.after;
        recon_matches::regrade(
            &mut tx,
            db_id(c.before.id),
            store_kind(a.status),
            &a.rule,
            bp(a.confidence),
            &a.reason,
            run_id,
        )
        .await?;
    }
    let mut added = Vec::with_capacity(plan.diff.added.len());
    for m in &plan.diff.added {
        let bank: Vec<&str> = m.bank.iter().map(String::as_str).collect();
        let Some(bank) = book.db_bank(&bank) else {
            warn!(rule = %m.rule, "a match names a bank line the run did not load; not stored");
            continue;
        };
        added.push(NewMatch {
            rule: m.rule.clone(),
            confidence_bp: bp(m.confidence),
            reason: m.reason.clone(),
            kind: store_kind(m.status),
            bank,
            ledger: m.ledger.clone(),
            created_by: "engine".into(),
            run_id: Some(run_id),
            note: None,
        });
    }
    recon_matches::insert_batch(&mut tx, &added, finished).await?;

    // Break aging: an item is open unless an automatic or manual match holds it.
    let settled = recon_matches::active(&mut tx).await?;
    let settled = settled.iter().filter(|m| m.kind != MatchKind::Suggested);
    let (mut bank_settled, mut ledger_settled) = (HashSet::new(), HashSet::new());
    for m in settled {
        bank_settled.extend(m.bank.iter().copied());
        ledger_settled.extend(m.ledger.iter().map(String::as_str));
    }
    let open_bank: Vec<i64> = book
        .booked_bank
        .iter()
        .copied()
        .filter(|b| !bank_settled.contains(b))
        .collect();
    let open_ledger: Vec<&str> = book
        .all_ledger
        .iter()
        .map(String::as_str)
        .filter(|l| !ledger_settled.contains(l))
        .collect();
    let (bank_new, bank_resolved) = bank_statements::set_open(&mut tx, &open_bank, started).await?;
    let (ledger_new, ledger_resolved) = ledger_entries::set_open(&mut tx, &open_ledger, started).await?;
    counts.open_bank = open_bank.len() as i64;
    counts.open_ledger = open_ledger.len() as i64;
    counts.breaks_new = (bank_new + ledger_new) as i64;
    counts.breaks_resolved = (bank_resolved + ledger_resolved) as i64;
    counts.breaks_persisting = counts.open_bank + counts.open_ledger - counts.breaks_new;
    recon_runs::set_breaks(
        &mut tx,
        run_id,
        counts.open_bank,
        counts.open_ledger,
        counts.breaks_new,
        counts.breaks_persisting,
        counts.breaks_resolved,
    )
    .await?;
    let event = NewEvent {
        actor_id,
        action: "recon.matching_run",
        object_type: "recon_run",
        object_id: &run_id.to_string(),
        before: None,
        after: Some(json!({
            "automatic": counts.automatic, "suggested": counts.suggested, "manual_kept": counts.manual,
            "added": counts.added, "removed": counts.removed, "changed": counts.changed,
            "breaks_new": counts.breaks_new, "breaks_persisting": counts.breaks_persisting,
            "breaks_resolved": counts.breaks_resolved,
        })),
    };
    audit::append(&mut tx, &event, finished).await?;
    tx.commit().await?;
    info!(
        run = run_id,
        automatic = counts.automatic,
        suggested = counts.suggested,
        open = counts.open_bank + counts.open_ledger,
        "matching run stored"
    );
    Ok(RunOutcome {
        run_id,
        started_at: store::format_ts(started),
        finished_at: store::format_ts(finished),
        actor_id: actor_id.to_string(),
        counts,
        passes: plan.passes,
    })
}

/// A rule set from its JSON (omitted fields take the defaults), checked.
pub fn rules_from_json(json: &str) -> Result<recon::RuleSet, ReconError> {
    let rules: recon::RuleSet = serde_json::from_str(json).map_err(|e| ReconError::Invalid(format!("rules: {e}")))?;
    rules
        .validate()
        .map_err(|e| ReconError::Invalid(format!("rules: {e}")))?;
    Ok(rules)
}

pub fn rules_to_json(rules: &recon::RuleSet) -> Result<String, ReconError> {
    serde_json::to_string_pretty(rules).map_err(|e| ReconError::Invalid(format!("rules: {e}")))
}

/// The rule set of the latest run, else the defaults.
pub async fn current_rules(store: &Store) -> Result<recon::RuleSet, ReconError> {
    let Some(last) = recon_runs::recent(store.reader(), 1).await?.pop() else {
        return Ok(recon::RuleSet::default());
    };
    serde_json::from_str(&last.rules).map_err(|e| {
        ReconError::Store(StoreError::Corrupt {
            table: "recon_runs",
            column: "rules",
            reason: e.to_string(),
        })
    })
}

/// A match as a simulation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimulatedMatch {
    /// The stored match, for one that exists now.
    pub match_id: Option<i64>,
    pub kind: MatchKind,
    pub rule: String,
    pub confidence_bp: i64,
    pub reason: String,
    pub bank_entry_ids: Vec<i64>,
    /// The bank's entry keys, as the reason names them.
    pub bank_keys: Vec<String>,
    pub ledger_entry_ids: Vec<String>,
}

/// "What would change" with a rule set, without applying it. Lists hold the first
/// `SIMULATION_LISTED` of each kind; the counts are complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Simulation {
    pub added: Vec<SimulatedMatch>,
    pub removed: Vec<SimulatedMatch>,
    /// Same items, other rule, confidence or kind: (now, after).
    pub changed: Vec<(SimulatedMatch, SimulatedMatch)>,
    pub added_count: usize,
    pub removed_count: usize,
    pub changed_count: usize,
    pub unchanged: usize,
    pub automatic: usize,
    pub suggested: usize,
}

pub const SIMULATION_LISTED: usize = 500;

/// Runs `rules` against the mirror and compares with the stored matches; writes nothing.
#[tracing::instrument(name = "recon.simulate", skip_all)]
pub async fn simulate(store: &Store, rules: &recon::RuleSet) -> Result<Simulation, ReconError> {
    let mut conn = store.reader().acquire().await?;
    let book = load(&mut conn).await?;
    let plan = plan(&book, rules)?;
    let view = |m: &recon::Match, stored: bool| SimulatedMatch {
        match_id: stored.then(|| db_id(m.id)),
        kind: store_kind(m.status),
        rule: m.rule.clone(),
        confidence_bp: bp(m.confidence),
        reason: m.reason.clone(),
        bank_entry_ids: m.bank.iter().filter_map(|b| book.ids.db(b)).collect(),
        bank_keys: m.bank.clone(),
        ledger_entry_ids: m.ledger.clone(),
    };
    let d = &plan.diff;
    Ok(Simulation {
        added: d.added.iter().take(SIMULATION_LISTED).map(|m| view(m, false)).collect(),
        removed: d
            .removed
            .iter()
            .take(SIMULATION_LISTED)
            .map(|m| view(m, true))
            .collect(),
        changed: d
            .changed
            .iter()
            .take(SIMULATION_LISTED)
            .map(|c| (view(&c.before, true), view(&c.after, false)))
            .collect(),
        added_count: d.added.len(),
        removed_count: d.removed.len(),
        changed_count: d.changed.len(),
        unchanged: d.unchanged,
        automatic: plan.automatic,
        suggested: plan.suggested,
    })
}
