//! Commands of the Reconciliation screen: bank lines and ledger entries side by side,
//! suggestions, manual matching, matching runs and their simulation, file imports, the account
//! reconciliation sheet with certification, and intercompany pairs. Each checks its input and
//! calls one function of `sync::reconcile` or one screen query of the store; the signed-in user is
//! the actor, so the controls (locks, segregation of duties) and the audit trail apply.

use std::path::PathBuf;

use store::recon_lines as lines;
use sync::reconcile::{self as rc, Period};
use tauri::State;

use crate::dto::recon as dto;
use crate::dto::SortDir;
use crate::error::CommandError;
use crate::AppState;

use super::Result;

/// Most ids one manual match may join, files one import may take.
const MAX_ITEMS: usize = 100;
const MAX_FILES: usize = 50;

fn period(text: &str) -> Result<Period> {
    text.parse()
        .map_err(|e: rc::ReconError| CommandError::invalid(e.to_string()))
}

fn limit(limit: u32) -> Result<i64> {
    if limit == 0 || limit > 500 {
        return Err(CommandError::invalid("limit must be between 1 and 500"));
    }
    Ok(i64::from(limit))
}

fn lines_request(req: dto::ReconLinesRequest) -> Result<lines::LinesRequest> {
    let f = req.filter;
    if f.search.as_ref().is_some_and(|s| s.len() > 200) {
        return Err(CommandError::invalid("search text is longer than 200 characters"));
    }
    let month = f.period.as_deref().filter(|p| !p.is_empty()).map(period).transpose()?;
    Ok(lines::LinesRequest {
        filter: lines::LinesFilter {
            account_iban: f.account.filter(|a| !a.is_empty()),
            from: month.map(Period::first_day),
            to: month.map(Period::last_day),
            state: f.state.map(Into::into),
            search: f.search,
        },
        sort: req.sort.key.into(),
        descending: req.sort.dir == SortDir::Desc,
        after: req.after,
        limit: limit(req.limit)?,
    })
}

/// Accounts, the last run with its break aging, periods and certifications.
#[tauri::command]
#[specta::specta]
pub async fn recon_overview(state: State<'_, AppState>) -> Result<dto::ReconOverview> {
    let ws = state.workspace()?;
    Ok(rc::overview(&ws.store).await?.into())
}

/// A page of booked bank lines with their match state.
#[tauri::command]
#[specta::specta]
pub async fn recon_bank_lines(
    state: State<'_, AppState>,
    req: dto::ReconLinesRequest,
) -> Result<dto::LinePage<dto::BankItem>> {
    let ws = state.workspace()?;
    let req = lines_request(req)?;
    Ok(lines::bank_page(ws.store.reader(), &req).await?.into())
}

/// A page of ledger cash entries with their match state.
#[tauri::command]
#[specta::specta]
pub async fn recon_ledger_entries(
    state: State<'_, AppState>,
    req: dto::ReconLinesRequest,
) -> Result<dto::LinePage<dto::LedgerItem>> {
    let ws = state.workspace()?;
    let req = lines_request(req)?;
    Ok(lines::ledger_page(ws.store.reader(), &req).await?.into())
}

/// Open suggestions with both sides, most confident first.
#[tauri::command]
#[specta::specta]
pub async fn recon_suggestions(
    state: State<'_, AppState>,
    account: Option<String>,
    after: Option<String>,
    limit: u32,
) -> Result<dto::SuggestionPage> {
    let ws = state.workspace()?;
    let limit = self::limit(limit)?;
    let mut conn = ws.store.reader().acquire().await.map_err(store::StoreError::from)?;
    let account = account.filter(|a| !a.is_empty());
    let page = lines::suggestions(&mut conn, account.as_deref(), after.as_deref(), limit).await?;
    Ok(dto::SuggestionPage {
        rows: page.rows.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
        total: crate::dto::count(page.total),
    })
}

/// One match with both sides.
#[tauri::command]
#[specta::specta]
pub async fn recon_match(state: State<'_, AppState>, match_id: i64) -> Result<dto::MatchView> {
    let ws = state.workspace()?;
    Ok(rc::match_detail(&ws.store, match_id).await?.into())
}

/// Matches bank lines with ledger entries by hand (or two bank lines that cancel).
#[tauri::command]
#[specta::specta]
pub async fn recon_match_manual(
    state: State<'_, AppState>,
    bank_entry_ids: Vec<i64>,
    ledger_entry_ids: Vec<String>,
    note: Option<String>,
) -> Result<dto::MatchView> {
    let ws = state.workspace()?;
    if bank_entry_ids.len() + ledger_entry_ids.len() > MAX_ITEMS {
        return Err(CommandError::invalid(format!(
            "a match joins at most {MAX_ITEMS} items"
        )));
    }
    if note.as_ref().is_some_and(|n| n.len() > 500) {
        return Err(CommandError::invalid("the note is longer than 500 characters"));
    }
    let me = ws.user_id.read().await.clone();
    let made = rc::match_manual(&ws.store, &me, &bank_entry_ids, &ledger_entry_ids, note.as_deref()).await?;
    Ok(made.into())
}

/// Undoes a match; its items are open again.
#[tauri::command]
#[specta::specta]
pub async fn recon_unmatch(state: State<'_, AppState>, match_id: i64, note: Option<String>) -> Result<()> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    rc::unmatch(&ws.store, &me, match_id, note.as_deref()).await?;
    Ok(())
}

/// Accepts a suggestion: it becomes a manual match.
#[tauri::command]
#[specta::specta]
pub async fn recon_accept(state: State<'_, AppState>, match_id: i64) -> Result<dto::MatchView> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    Ok(rc::accept(&ws.store, &me, match_id).await?.into())
}

/// Rejects a suggestion; no run proposes it again.
#[tauri::command]
#[specta::specta]
pub async fn recon_reject(state: State<'_, AppState>, match_id: i64, note: Option<String>) -> Result<()> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    rc::reject(&ws.store, &me, match_id, note.as_deref()).await?;
    Ok(())
}

/// The rule set in force (the last run's), as JSON to edit and simulate.
#[tauri::command]
#[specta::specta]
pub async fn recon_rules(state: State<'_, AppState>) -> Result<String> {
    let ws = state.workspace()?;
    Ok(rc::rules_to_json(&rc::current_rules(&ws.store).await?)?)
}

/// Runs matching with `rules` (JSON), or with the rules in force.
#[tauri::command]
#[specta::specta]
pub async fn recon_run(state: State<'_, AppState>, rules: Option<String>) -> Result<dto::ReconRun> {
    let ws = state.workspace()?;
    let rules = match rules {
        Some(json) => rc::rules_from_json(&json)?,
        None => rc::current_rules(&ws.store).await?,
    };
    let me = ws.user_id.read().await.clone();
    Ok(rc::run_matching(&ws.store, &me, &rules).await?.into())
}

/// What `rules` (JSON) would change against the stored matches; applies nothing.
#[tauri::command]
#[specta::specta]
pub async fn recon_simulate(state: State<'_, AppState>, rules: String) -> Result<dto::SimulationView> {
    let ws = state.workspace()?;
    let rules = rc::rules_from_json(&rules)?;
    Ok(rc::simulate(&ws.store, &rules).await?.into())
}

/// Imports bank files (camt.052/053/054, MT940/942, BAI2; told from content). One result per
/// file: a file that cannot be read says why and the others are imported all the same.
#[tauri::command]
#[specta::specta]
pub async fn import_bank_files(state: State<'_, AppState>, paths: Vec<String>) -> Result<Vec<dto::BankImportResult>> {
    let ws = state.workspace()?;
    if paths.is_empty() || paths.len() > MAX_FILES {
        return Err(CommandError::invalid(format!(
            "import 1 to {MAX_FILES} files at a time"
        )));
    }
    let me = ws.user_id.read().await.clone();
    let mut results = Vec::with_capacity(paths.len());
    for p in paths {
        let result = match rc::import_bank_path(&ws.store, &me, &PathBuf::from(&p)).await {
            Ok(import) => import.into(),
            Err(e @ (rc::ReconError::BadFile { .. } | rc::ReconError::Invalid(_))) => {
                dto::BankImportResult::failed(p, e.to_string())
            }
            Err(e) => return Err(e.into()),
        };
        results.push(result);
    }
    Ok(results)
}

/// Imports a LEDGER.csv; a malformed file is refused whole, naming the line and field.
#[tauri::command]
#[specta::specta]
pub async fn import_ledger_csv(state: State<'_, AppState>, path: String) -> Result<dto::LedgerImportResult> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    Ok(rc::import_ledger_path(&ws.store, &me, &PathBuf::from(path))
        .await?
        .into())
}

/// The reconciliation sheet of an account for a period (YYYY-MM).
#[tauri::command]
#[specta::specta]
pub async fn account_rec_sheet(state: State<'_, AppState>, account: String, period: String) -> Result<dto::RecSheet> {
    let ws = state.workspace()?;
    Ok(rc::account_rec(&ws.store, &account, self::period(&period)?)
        .await?
        .into())
}

/// Certifies the sheet as preparer, or as reviewer (another person; locks the period).
#[tauri::command]
#[specta::specta]
pub async fn certify(
    state: State<'_, AppState>,
    account: String,
    period: String,
    step: dto::CertifyStep,
) -> Result<dto::RecSheet> {
    let ws = state.workspace()?;
    let period = self::period(&period)?;
    let me = ws.user_id.read().await.clone();
    let sheet = match step {
        dto::CertifyStep::Prepare => rc::certify_prepare(&ws.store, &me, &account, period).await?,
        dto::CertifyStep::Review => {
            let sheet = rc::certify_review(&ws.store, &me, &account, period).await?;
            // The last account of an entity certified completes its bank reconciliation task
            // in the ERP's close module.
            if ws.engine.complete_close_tasks_by_signal().await? > 0 {
                ws.wake.notify_one();
            }
            sheet
        }
    };
    Ok(sheet.into())
}

/// Intercompany pairs of a period (YYYY-MM), with the documents they disagree on.
#[tauri::command]
#[specta::specta]
pub async fn intercompany(state: State<'_, AppState>, period: String) -> Result<dto::IntercompanyView> {
    let ws = state.workspace()?;
    Ok(rc::intercompany(&ws.store, self::period(&period)?).await?.into())
}
