//! Commands of the session and the Approvals screen.

use chrono::Utc;
use store::approval_queue as queue;
use tauri::State;

use crate::dto::{self, count};
use crate::error::{CommandError, CommandErrorCode};
use crate::AppState;

use super::Result;

async fn session_of(ws: &crate::workspace::Workspace) -> Result<dto::Session> {
    let users = store::users::list(&ws.store).await?;
    let me = ws.user_id.read().await.clone();
    let user =
        users.iter().find(|u| u.id == me).cloned().ok_or_else(|| {
            CommandError::new(CommandErrorCode::NotFound, format!("user {me} is not in the directory"))
        })?;
    Ok(dto::Session {
        user: user.into(),
        users: users.into_iter().map(Into::into).collect(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn get_session(state: State<'_, AppState>) -> Result<dto::Session> {
    session_of(state.workspace()?).await
}

#[tauri::command]
#[specta::specta]
pub async fn switch_user(state: State<'_, AppState>, user_id: String) -> Result<dto::Session> {
    let ws = state.workspace()?;
    let users = store::users::list(&ws.store).await?;
    if !users.iter().any(|u| u.id == user_id) {
        return Err(CommandError::new(
            CommandErrorCode::NotFound,
            format!("user {user_id} is not in the directory"),
        ));
    }
    *ws.user_id.write().await = user_id;
    session_of(ws).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_entities(state: State<'_, AppState>) -> Result<Vec<dto::EntityInfo>> {
    let ws = state.workspace()?;
    Ok(store::entities::list(&ws.store)
        .await?
        .into_iter()
        .map(|e| dto::EntityInfo {
            code: e.code,
            name: e.name,
            currency: e.currency.to_string(),
            time_zone: e.time_zone.name().to_string(),
        })
        .collect())
}

fn filter_of(f: dto::QueueFilter) -> Result<queue::QueueFilter> {
    if f.search.as_ref().is_some_and(|s| s.len() > 200) {
        return Err(CommandError::invalid("search text is longer than 200 characters"));
    }
    Ok(queue::QueueFilter {
        entity: f.entity.filter(|e| !e.is_empty()),
        bucket: f.bucket.map(Into::into),
        search: f.search,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn approval_queue(state: State<'_, AppState>, req: dto::QueuePageRequest) -> Result<dto::QueuePage> {
    let ws = state.workspace()?;
    if req.limit == 0 || req.limit > 500 {
        return Err(CommandError::invalid("limit must be between 1 and 500"));
    }
    let sort = match req.sort.key {
        dto::SortKey::DueDate => queue::SortKey::DueDate,
        dto::SortKey::Amount => queue::SortKey::Amount,
        dto::SortKey::Age => queue::SortKey::Age,
        dto::SortKey::Supplier => queue::SortKey::Supplier,
        dto::SortKey::InvoiceNumber => queue::SortKey::InvoiceNumber,
    };
    let me = ws.user_id.read().await.clone();
    let page = queue::page(
        &ws.store,
        &queue::QueueRequest {
            approvers: ws.engine.approvers_for(&me, Utc::now().date_naive()),
            filter: filter_of(req.filter)?,
            sort,
            descending: req.sort.dir == dto::SortDir::Desc,
            after: req.after,
            limit: i64::from(req.limit),
        },
    )
    .await?;
    let policy = &ws.engine.approval_policy;
    Ok(dto::QueuePage {
        rows: page.rows.into_iter().map(|r| row(&me, policy, r)).collect(),
        next_cursor: page.next_cursor,
        total: count(page.total),
    })
}

fn row(me: &str, policy: &domain::approval_policy::ApprovalPolicy, r: queue::QueueRow) -> dto::ApprovalRow {
    let blocked_reason = domain::approval::own_work(me, r.created_by.as_deref(), r.coded_by.as_deref())
        .map(|refusal| refusal.to_string())
        .or_else(|| policy.check_limit(me, &r.amount).err().map(|e| e.to_string()));
    dto::ApprovalRow {
        blocked_reason,
        approval_id: r.approval_id,
        invoice_id: r.invoice_id,
        invoice_number: r.invoice_number,
        supplier_name: r.supplier_name,
        entity_code: r.entity_code,
        entity_name: r.entity_name,
        amount: r.amount.into(),
        invoice_date: r.invoice_date,
        due_date: r.due_date,
        assigned_on: r.assigned_on,
        age_business_days: count(r.age_business_days),
        bucket: r.bucket.into(),
        step: count(r.step),
        step_count: count(r.step_count),
        step_name: r.step_name,
        status: r.status,
        pending_action: r.pending_action.map(|p| dto::PendingAction {
            action_id: p.action_id,
            decision: match p.decision.as_str() {
                "reject" => dto::PendingDecision::Reject,
                "delegate" => dto::PendingDecision::Delegate,
                _ => dto::PendingDecision::Approve,
            },
            status: match p.status.as_str() {
                "queued" => dto::ActionStatus::Queued,
                "delivering" => dto::ActionStatus::Delivering,
                "delivered" => dto::ActionStatus::Delivered,
                _ => dto::ActionStatus::Refused,
            },
            reason: p.reason,
            source_message: p.source_message,
            queued_at: p.queued_at,
            attempts: count(p.attempts),
        }),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn aging_summary(state: State<'_, AppState>, filter: dto::QueueFilter) -> Result<dto::AgingSummary> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    let approvers = ws.engine.approvers_for(&me, Utc::now().date_naive());
    let entities = queue::aging_summary(&ws.store, &approvers, &filter_of(filter)?).await?;
    Ok(dto::AgingSummary {
        entities: entities
            .into_iter()
            .map(|e| dto::EntityAging {
                entity_code: e.entity_code,
                entity_name: e.entity_name,
                currency: e.currency.to_string(),
                cells: e
                    .cells
                    .into_iter()
                    .map(|c| dto::BucketCell {
                        bucket: c.bucket.into(),
                        count: count(c.count),
                        amount: c.amount.into(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn decide(
    state: State<'_, AppState>,
    approval_id: String,
    decision: dto::Decision,
    reason: Option<String>,
) -> Result<dto::PendingAction> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    let action = ws
        .engine
        .decide(&me, &ws.connection.id, &approval_id, decision.into(), reason.as_deref())
        .await?;
    ws.wake.notify_one();
    Ok(dto::PendingAction {
        action_id: action.id,
        decision: decision.into(),
        status: dto::ActionStatus::Queued,
        reason: reason.filter(|r| !r.trim().is_empty()),
        source_message: None,
        queued_at: action.created_at,
        attempts: 0,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_action(state: State<'_, AppState>, action_id: String) -> Result<()> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    store::outbox::dismiss(&ws.store, &action_id, &me, Utc::now()).await?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(state: State<'_, AppState>) -> Result<dto::SyncStatus> {
    let ws = state.workspace()?;
    let last = store::sync_log::last_run(&ws.store, &ws.connection.id).await?;
    let outbox = store::outbox::counts(&ws.store).await?;
    let dead = store::sync_log::open_dead_letter_count(&ws.store, &ws.connection.id).await?;
    Ok(dto::SyncStatus {
        connection_name: ws.connection.name.clone(),
        endpoint: ws.connection.base_url.clone(),
        last_sync_at: last.as_ref().and_then(|r| r.finished_at.clone()),
        last_sync_ok: last.as_ref().is_some_and(|r| r.status == "ok"),
        last_error: last.as_ref().and_then(|r| r.error.clone()),
        records_last_run: last.as_ref().map(|r| count(r.records)).unwrap_or(0),
        pending_actions: count(outbox.pending),
        failed_actions: count(outbox.refused),
        malformed_records: count(dead),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>) -> Result<dto::SyncStatus> {
    {
        let ws = state.workspace()?;
        ws.engine.deliver_outbox().await?;
        ws.engine.sync_all().await?;
    }
    sync_status(state).await
}

/// Hands a pending step to another approver (who did not key or code the invoice).
#[tauri::command]
#[specta::specta]
pub async fn delegate_step(
    state: State<'_, AppState>,
    approval_id: String,
    to: String,
    reason: Option<String>,
) -> Result<String> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    let action = ws
        .engine
        .delegate_step(&me, &ws.connection.id, &approval_id, &to, reason.as_deref())
        .await?;
    ws.wake.notify_one();
    Ok(action.id)
}

/// Approves many steps at once where the policy allows bulk approval; each refusal is explained.
#[tauri::command]
#[specta::specta]
pub async fn approve_bulk(state: State<'_, AppState>, approval_ids: Vec<String>) -> Result<Vec<dto::BulkResult>> {
    let ws = state.workspace()?;
    if approval_ids.is_empty() || approval_ids.len() > 200 {
        return Err(CommandError::invalid("bulk approval takes 1 to 200 steps"));
    }
    let me = ws.user_id.read().await.clone();
    let items: Vec<(String, String)> = approval_ids
        .into_iter()
        .map(|id| (ws.connection.id.clone(), id))
        .collect();
    let out = ws.engine.approve_bulk(&me, &items).await?;
    ws.wake.notify_one();
    Ok(out
        .into_iter()
        .map(|o| dto::BulkResult {
            approval_id: o.approval_id,
            action_id: o.result.as_ref().ok().cloned(),
            refusal: o.result.err(),
        })
        .collect())
}
