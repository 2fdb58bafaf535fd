//! People's actions: checked by the controls in the backend, then committed to the outbox.

use chrono::Utc;
use domain::approval::authorize_decision;
use domain::Decision;
use serde_json::json;
use store::outbox::{NewAction, OutboxAction};
use tracing::{info, info_span, Instrument};

use crate::{Engine, SyncError};

pub const APPROVAL_DECISION: &str = "approval_decision";
pub const SUPPLIER_HOLD: &str = "supplier_hold";

impl Engine {
    /// Queues `actor_id`'s decision on an approval step. Refused here, before anything is sent,
    /// when the step is not theirs, not pending, or segregation of duties forbids it.
    pub async fn decide(
        &self,
        actor_id: &str,
        connection_id: &str,
        approval_id: &str,
        decision: Decision,
        reason: Option<&str>,
    ) -> Result<OutboxAction, SyncError> {
        let span = info_span!(
            "action",
            kind = APPROVAL_DECISION,
            actor = actor_id,
            approval = approval_id
        );
        self.decide_in_span(actor_id, connection_id, approval_id, decision, reason)
            .instrument(span)
            .await
    }

    async fn decide_in_span(
        &self,
        actor_id: &str,
        connection_id: &str,
        approval_id: &str,
        decision: Decision,
        reason: Option<&str>,
    ) -> Result<OutboxAction, SyncError> {
        let approval = store::approvals::get(&self.store, connection_id, approval_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("approval {approval_id}")))?;
        let invoice = store::invoices::get(&self.store, connection_id, &approval.invoice_external_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("invoice {}", approval.invoice_external_id)))?;
        // A delegate decides the absent approver's step on their behalf; SoD still looks at the
        // person acting, and so does their own limit.
        let today = Utc::now().date_naive();
        let on_behalf_of = (approval.approver_id != actor_id
            && self.approval_policy.may_act_for(actor_id, &approval.approver_id, today))
        .then(|| approval.approver_id.clone());
        let as_user = on_behalf_of.as_deref().unwrap_or(actor_id);
        authorize_decision(as_user, &approval, &invoice, decision, reason)?;
        if let Some(refusal) =
            domain::approval::own_work(actor_id, invoice.created_by.as_deref(), invoice.coded_by.as_deref())
        {
            return Err(refusal.into());
        }
        if decision == Decision::Approve {
            self.approval_policy
                .check_limit(actor_id, &invoice.total)
                .map_err(|e| SyncError::Forbidden(e.to_string()))?;
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let action = store::outbox::enqueue(
            &self.store,
            &NewAction {
                connection_id: connection_id.into(),
                kind: APPROVAL_DECISION.into(),
                target_external_id: approval_id.into(),
                payload: json!({
                    "decision": decision.as_str(), "comment": reason, "reason": reason, "actor_id": actor_id,
                    "on_behalf_of": on_behalf_of,
                }),
                if_match: Some(approval.provenance.source_version),
                actor_id: actor_id.into(),
                before: Some(json!({
                    "approval_status": approval.status.as_str(),
                    "source_version": approval.provenance.source_version,
                    "step": approval.step,
                    "invoice": invoice.number,
                    "supplier": invoice.supplier_external_id,
                    "amount": invoice.total,
                })),
            },
            Utc::now(),
        )
        .await?;
        info!(action = %action.id, "decision queued");
        Ok(action)
    }
}

impl Engine {
    /// Queues `actor_id`'s hold or release of a supplier. Only AP clerks place holds, a hold
    /// needs a reason, and the supplier must not already be in the asked state.
    pub async fn set_supplier_hold(
        &self,
        actor_id: &str,
        connection_id: &str,
        supplier_id: &str,
        on_hold: bool,
        reason: Option<&str>,
    ) -> Result<OutboxAction, SyncError> {
        let span = info_span!("action", kind = SUPPLIER_HOLD, actor = actor_id, supplier = supplier_id);
        async move {
            let users = store::users::list(&self.store).await?;
            let clerk = users
                .iter()
                .any(|u| u.id == actor_id && u.roles.contains(&domain::user::Role::ApClerk));
            if !clerk {
                return Err(SyncError::Forbidden(format!(
                    "{actor_id} is not an AP clerk; only AP clerks place or release holds"
                )));
            }
            let supplier = store::suppliers::all(&self.store)
                .await?
                .into_iter()
                .find(|s| s.provenance.connection_id == connection_id && s.provenance.external_id == supplier_id)
                .ok_or_else(|| SyncError::NotFound(format!("supplier {supplier_id}")))?;
            if supplier.on_hold == on_hold {
                let state = if on_hold { "already on hold" } else { "not on hold" };
                return Err(SyncError::Invalid(format!("supplier {} is {state}", supplier.name)));
            }
            let reason = reason.map(str::trim).filter(|r| !r.is_empty());
            if on_hold && reason.is_none() {
                return Err(SyncError::Invalid("a hold needs a reason".into()));
            }
            let action = store::outbox::enqueue(
                &self.store,
                &NewAction {
                    connection_id: connection_id.into(),
                    kind: SUPPLIER_HOLD.into(),
                    target_external_id: supplier_id.into(),
                    payload: json!({ "on_hold": on_hold, "reason": reason, "actor_id": actor_id }),
                    if_match: Some(supplier.provenance.source_version),
                    actor_id: actor_id.into(),
                    before: Some(json!({
                        "on_hold": supplier.on_hold,
                        "source_version": supplier.provenance.source_version,
                        "supplier": supplier.name,
                    })),
                },
                Utc::now(),
            )
            .await?;
            info!(action = %action.id, "hold change queued");
            Ok(action)
        }
        .instrument(span)
        .await
    }
}

pub const CLOSE_TASK_STATUS: &str = "close_task_status";

impl Engine {
    /// Queues a close task's move to `to` (in_progress, submitted, reviewed, sent_back), checked
    /// against the flow, the owner and reviewer, and segregation of duties.
    pub async fn move_close_task(
        &self,
        actor_id: &str,
        task_id: &str,
        to: &str,
        note: Option<&str>,
    ) -> Result<OutboxAction, SyncError> {
        let span = info_span!("action", kind = CLOSE_TASK_STATUS, actor = actor_id, task = task_id);
        async move {
            let Some((connection_id, domain::Document::CloseTask(task))) =
                store::source_records::get(&self.store, "close_tasks", task_id).await?
            else {
                return Err(SyncError::NotFound(format!("close task {task_id}")));
            };
            let roles = store::users::roles_of(&self.store, actor_id).await?;
            let period = store::close_tasks::of_period(&self.store, &task.company_code, &task.period).await?;
            let open = domain::close::open_dependencies(&task, |id| {
                period.iter().find(|(_, t)| t.id == id).map(|(_, t)| t.status.as_str())
            });
            domain::close::authorize(actor_id, &roles, &task, to, note, &open)
                .map_err(|e| SyncError::Forbidden(e.to_string()))?;
            let note = note.map(str::trim).filter(|n| !n.is_empty());
            let action = store::outbox::enqueue(
                &self.store,
                &NewAction {
                    connection_id: connection_id.clone(),
                    kind: CLOSE_TASK_STATUS.into(),
                    target_external_id: task_id.into(),
                    payload: json!({ "Status": to, "ActorId": actor_id, "Note": note }),
                    if_match: Some(task.version),
                    actor_id: actor_id.into(),
                    before: Some(json!({ "status": task.status, "source_version": task.version, "task": task.name })),
                },
                Utc::now(),
            )
            .await?;
            info!(action = %action.id, "close task move queued");
            Ok(action)
        }
        .instrument(span)
        .await
    }
}
