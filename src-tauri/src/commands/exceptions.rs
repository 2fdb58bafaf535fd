//! Commands of the Exceptions screen.

use chrono::Utc;
use domain::exception::Status;
use store::exceptions as ex;
use sync::resolve::{Resolution, Resolved};
use tauri::State;

use crate::dto::count;
use crate::dto::exceptions::*;
use crate::error::{CommandError, CommandErrorCode};
use crate::AppState;

use super::Result;

#[tauri::command]
#[specta::specta]
pub async fn exception_queue(state: State<'_, AppState>, req: ExceptionPageRequest) -> Result<ExceptionPage> {
    let ws = state.workspace()?;
    if req.limit == 0 || req.limit > 500 {
        return Err(CommandError::invalid("limit must be between 1 and 500"));
    }
    if req.search.as_ref().is_some_and(|s| s.len() > 200) {
        return Err(CommandError::invalid("search text is longer than 200 characters"));
    }
    let page = ex::page(
        &ws.store,
        &ex::Request {
            filter: ex::Filter {
                queue: req.queue.filter(|q| !q.is_empty()),
                kind: req.kind.map(|k| k.as_str().to_string()),
                entity: req.entity.filter(|e| !e.is_empty()),
                status: req.status.map(|s| s.as_str().to_string()),
                search: req.search,
                breached_only: req.breached_only,
            },
            sort: match req.sort {
                ExceptionSort::Since => ex::SortKey::Since,
                ExceptionSort::Amount => ex::SortKey::Amount,
                ExceptionSort::Severity => ex::SortKey::Severity,
                ExceptionSort::SlaDue => ex::SortKey::SlaDue,
            },
            descending: req.descending,
            after: req.after,
            limit: i64::from(req.limit),
            now: Utc::now(),
        },
    )
    .await?;
    Ok(ExceptionPage {
        rows: page.rows.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
        total: count(page.total),
        total_capped: page.total_capped,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn exception_detail(state: State<'_, AppState>, id: String) -> Result<ExceptionDetail> {
    let ws = state.workspace()?;
    let d = ex::get(&ws.store, &id, Utc::now())
        .await?
        .ok_or_else(|| CommandError::new(CommandErrorCode::NotFound, format!("exception {id}")))?;
    let sent = match d.row.pending_action.as_deref() {
        Some(action_id) => store::outbox::get(&ws.store, action_id).await?.map(|a| SentAction {
            action_id: a.id,
            kind: a.kind,
            status: a.status.as_str().into(),
            source_message: a.source_message.or(a.last_error),
            attempts: u32::try_from(a.attempts).unwrap_or(u32::MAX),
        }),
        None => None,
    };
    let actions = if d.row.status == Status::Open {
        d.row.kind.actions().to_vec()
    } else {
        vec![]
    };
    Ok(ExceptionDetail {
        row: d.row.into(),
        evidence: d.evidence,
        subject: d.subject,
        actions,
        history: d.history.into_iter().map(Into::into).collect(),
        sent,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn exception_summary(state: State<'_, AppState>, queue: Option<String>) -> Result<Vec<ExceptionKindCount>> {
    let ws = state.workspace()?;
    let rows = ex::summary(&ws.store, queue.as_deref().filter(|q| !q.is_empty()), Utc::now()).await?;
    Ok(rows
        .into_iter()
        .map(|k| ExceptionKindCount {
            label: k.kind.label().into(),
            kind: k.kind,
            open: count(k.open),
            breached: count(k.breached),
            amounts: k.amounts.into_iter().map(Into::into).collect(),
        })
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_exception(state: State<'_, AppState>, req: ResolveRequest) -> Result<ResolveOutcome> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    let outcome = ws
        .engine
        .resolve_exception(
            &me,
            &req.id,
            &Resolution {
                action: req.action,
                reason: req.reason,
                corrected_iban: req.corrected_iban.filter(|i| !i.trim().is_empty()),
            },
        )
        .await?;
    ws.wake.notify_one();
    Ok(match outcome {
        Resolved::Queued { action_id } => ResolveOutcome {
            queued_action: Some(action_id),
            overridden: false,
        },
        Resolved::Overridden => ResolveOutcome {
            queued_action: None,
            overridden: true,
        },
    })
}
