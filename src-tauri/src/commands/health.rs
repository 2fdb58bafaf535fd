//! Commands of the Integration health screen.

use chrono::Utc;
use tauri::State;

use super::Result;
use crate::dto::{self, count};
use crate::error::{CommandError, CommandErrorCode};
use crate::AppState;

/// Recent runs that make up a card's error rate.
const RECENT_RUNS: i64 = 20;

fn millis_between(start: &str, end: &str) -> Option<u32> {
    let (s, e) = (store::parse_ts(start).ok()?, store::parse_ts(end).ok()?);
    u32::try_from((e - s).num_milliseconds().max(0)).ok()
}

#[tauri::command]
#[specta::specta]
pub async fn integration_health(state: State<'_, AppState>) -> Result<Vec<dto::ConnectionHealth>> {
    let ws = state.workspace()?;
    let mut cards = Vec::new();
    let open = store::outbox::open_actions(&ws.store, 10_000).await?;
    for c in store::connections::list(&ws.store).await? {
        let runs = store::sync_log::recent_runs(&ws.store, &c.id, RECENT_RUNS).await?;
        let finished: Vec<_> = runs.iter().filter(|r| r.status != "running").collect();
        let last = finished.first();
        let last_success_at = store::sync_log::last_success_at(&ws.store, &c.id).await?;
        let failing = finished.iter().filter(|r| r.status != "ok").count();
        let last_ms = last.and_then(|r| r.finished_at.as_deref().and_then(|f| millis_between(&r.started_at, f)));
        let (circuit, failures) = ws.engine.circuit(&c.id);
        let mine = open.iter().filter(|a| a.connection_id == c.id);
        cards.push(dto::ConnectionHealth {
            freshness_seconds: last_success_at
                .as_deref()
                .and_then(|t| store::parse_ts(t).ok())
                .map(|t| count((Utc::now() - t).num_seconds())),
            throughput_per_second: match (last, last_ms) {
                (Some(r), Some(ms)) if ms > 0 => Some(count(r.records * 1000 / i64::from(ms))),
                _ => None,
            },
            last_run_ms: last_ms,
            error_rate_percent: if finished.is_empty() {
                0
            } else {
                count((failing * 100 / finished.len()) as i64)
            },
            recent_run_count: count(finished.len() as i64),
            last_run_at: last.and_then(|r| r.finished_at.clone()),
            last_run_status: last.map(|r| r.status.clone()),
            last_error: last.and_then(|r| r.error.clone()),
            last_success_at,
            circuit: circuit.into(),
            consecutive_failures: failures,
            pending_actions: count(
                mine.clone()
                    .filter(|a| a.status != store::outbox::ActionStatus::Refused)
                    .count() as i64,
            ),
            refused_actions: count(
                mine.filter(|a| a.status == store::outbox::ActionStatus::Refused)
                    .count() as i64,
            ),
            dead_letters: count(store::sync_log::open_dead_letter_count(&ws.store, &c.id).await?),
            connection_id: c.id,
            name: c.name,
            kind: c.kind,
            endpoint: c.base_url,
        });
    }
    Ok(cards)
}

#[tauri::command]
#[specta::specta]
pub async fn connection_runs(state: State<'_, AppState>, connection_id: String) -> Result<Vec<dto::SyncRunView>> {
    let ws = state.workspace()?;
    let runs = store::sync_log::recent_runs(&ws.store, &connection_id, 50).await?;
    Ok(runs
        .into_iter()
        .map(|r| dto::SyncRunView {
            id: count(r.id),
            duration_ms: r.finished_at.as_deref().and_then(|f| millis_between(&r.started_at, f)),
            started_at: r.started_at,
            finished_at: r.finished_at,
            status: r.status,
            records: count(r.records),
            bytes: count(r.bytes),
            malformed: count(r.malformed),
            error: r.error,
        })
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn dead_letters(
    state: State<'_, AppState>,
    connection_id: Option<String>,
) -> Result<Vec<dto::DeadLetterView>> {
    let ws = state.workspace()?;
    let letters = store::sync_log::dead_letters(&ws.store, connection_id.as_deref()).await?;
    Ok(letters
        .into_iter()
        .map(|d| dto::DeadLetterView {
            id: count(d.id),
            connection_id: d.connection_id,
            resource: d.resource,
            position: d.position,
            reason: d.reason,
            raw_preview: d.raw.chars().take(400).collect(),
        })
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn replay_dead_letter(state: State<'_, AppState>, id: u32) -> Result<dto::ReplayResult> {
    let ws = state.workspace()?;
    let outcome = ws.engine.replay_dead_letter(i64::from(id)).await?;
    Ok(match outcome {
        sync::replay::ReplayOutcome::Applied { refetched } => dto::ReplayResult {
            applied: true,
            refetched,
            reason: None,
        },
        sync::replay::ReplayOutcome::StillFailing(reason) => dto::ReplayResult {
            applied: false,
            refetched: false,
            reason: Some(reason),
        },
    })
}

#[tauri::command]
#[specta::specta]
pub async fn outbox_actions(state: State<'_, AppState>) -> Result<Vec<dto::OutboxView>> {
    let ws = state.workspace()?;
    Ok(store::outbox::open_actions(&ws.store, 500)
        .await?
        .into_iter()
        .map(|a| dto::OutboxView {
            status: match a.status {
                store::outbox::ActionStatus::Queued => dto::ActionStatus::Queued,
                store::outbox::ActionStatus::Delivering => dto::ActionStatus::Delivering,
                store::outbox::ActionStatus::Delivered => dto::ActionStatus::Delivered,
                store::outbox::ActionStatus::Refused => dto::ActionStatus::Refused,
            },
            action_id: a.id,
            connection_id: a.connection_id,
            kind: a.kind,
            target: a.target_external_id,
            actor_id: a.actor_id,
            attempts: count(a.attempts),
            next_attempt_at: a.next_attempt_at,
            last_error: a.last_error,
            source_status: a.source_status.map(count),
            source_message: a.source_message,
            created_at: a.created_at,
        })
        .collect())
}

/// Turns the demo systems' fault mode on or off (per mille of requests that fail).
#[tauri::command]
#[specta::specta]
pub async fn set_demo_faults(state: State<'_, AppState>, faults: dto::DemoFaults) -> Result<dto::DemoFaults> {
    let ws = state.workspace()?;
    if faults.per_mille > 1000 {
        return Err(CommandError::new(
            CommandErrorCode::InvalidInput,
            "per mille must be between 0 and 1000",
        ));
    }
    ws.set_demo_faults(faults.per_mille);
    Ok(faults)
}

#[tauri::command]
#[specta::specta]
pub async fn demo_faults(state: State<'_, AppState>) -> Result<dto::DemoFaults> {
    Ok(dto::DemoFaults {
        per_mille: state.workspace()?.demo_faults(),
    })
}
