//! Commands of the Close board.

use chrono::Utc;
use domain::close_plan;
use tauri::State;

use crate::dto::close::*;
use crate::error::CommandError;
use crate::AppState;

use super::Result;

fn day_label(offset: i32) -> String {
    if offset < 0 {
        format!("BD{offset}")
    } else {
        format!("BD+{offset}")
    }
}

const MOVES: [&str; 4] = ["in_progress", "submitted", "reviewed", "sent_back"];

#[tauri::command]
#[specta::specta]
pub async fn close_board(
    state: State<'_, AppState>,
    entity: Option<String>,
    period: Option<String>,
) -> Result<CloseBoard> {
    let ws = state.workspace()?;
    let now = Utc::now();
    let me = ws.user_id.read().await.clone();
    let roles = store::users::roles_of(&ws.store, &me).await?;
    let b = sync::close_board::board(&ws.store, entity.as_deref(), period.as_deref(), now).await?;
    let (plan, plan_error) = match b.plan {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(e)),
    };
    let (cal, today) = (&b.calendar, b.today);
    let rows = b.tasks;
    let burndown = b
        .burndown
        .into_iter()
        .map(|p| BurndownPoint {
            date: p.date.to_string(),
            planned_remaining: p.planned_remaining,
            actual_remaining: p.actual_remaining,
        })
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for (i, (connection_id, t)) in rows.iter().enumerate() {
        let tp = plan.as_ref().map(|p| &p.tasks[i]);
        let due = tp
            .map(|p| p.due)
            .or_else(|| close_plan::period_start(&t.period).map(|s| close_plan::period_day(cal, s, t.day_offset)))
            .unwrap_or(today);
        let pending = store::outbox::latest_for(&ws.store, connection_id, &t.id)
            .await?
            .and_then(|a| {
                let payload: serde_json::Value = serde_json::from_str(&a.payload).unwrap_or_default();
                matches!(a.status.as_str(), "queued" | "delivering" | "refused").then(|| PendingMove {
                    to: payload["Status"].as_str().unwrap_or_default().to_string(),
                    action_id: a.id,
                    status: a.status.as_str().to_string(),
                    source_message: a.source_message.or(a.last_error),
                })
            });
        let open = domain::close::open_dependencies(t, |id| {
            rows.iter().find(|(_, x)| x.id == id).map(|(_, x)| x.status.as_str())
        });
        let moves = MOVES
            .iter()
            .filter(|to| domain::close::authorize(&me, &roles, t, to, Some("-"), &open).is_ok())
            .map(|s| s.to_string())
            .collect();
        out.push(CloseTaskRow {
            id: t.id.clone(),
            name: t.name.clone(),
            category: t.category.clone(),
            owner: t.owner.clone(),
            reviewer: t.reviewer.clone(),
            status: t.status.clone(),
            day_label: day_label(t.day_offset),
            due: due.to_string(),
            duration_days: t.duration_days,
            depends_on: t.depends_on.clone(),
            blocked_by: tp.map(|p| p.blocked_by.clone()).unwrap_or_default(),
            state: tp.map(|p| p.state.into()).unwrap_or(TaskState::OnTrack),
            projected_finish: tp.map(|p| p.projected_finish.to_string()).unwrap_or_default(),
            slack_days: tp.map(|p| p.slack_days).unwrap_or(0),
            critical: tp.is_some_and(|p| p.critical),
            signal: t.signal.clone(),
            note: t.note.clone(),
            submitted_by: t.submitted_by.clone(),
            reviewed_by: t.reviewed_by.clone(),
            moves,
            pending,
        });
    }
    Ok(CloseBoard {
        entities: b.entities,
        periods: b.periods,
        entity: b.entity,
        period: b.period,
        today: today.to_string(),
        tasks: out,
        critical_path: plan.as_ref().map(|p| p.critical_path.clone()).unwrap_or_default(),
        planned_close: plan.as_ref().map(|p| p.planned_close.to_string()).unwrap_or_default(),
        projected_close: plan.as_ref().map(|p| p.projected_close.to_string()).unwrap_or_default(),
        days_late: plan.as_ref().map(|p| p.days_late).unwrap_or(0),
        burndown,
        plan_error,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn move_close_task(state: State<'_, AppState>, req: MoveTaskRequest) -> Result<String> {
    let ws = state.workspace()?;
    if !MOVES.contains(&req.to.as_str()) {
        return Err(CommandError::invalid(format!("{} is not a close task status", req.to)));
    }
    let me = ws.user_id.read().await.clone();
    let action = ws
        .engine
        .move_close_task(&me, &req.task_id, &req.to, req.note.as_deref())
        .await?;
    ws.wake.notify_one();
    Ok(action.id)
}
