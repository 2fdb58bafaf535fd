//! The approver's other moves: handing a step to someone else, approving many small items at
//! once where the policy allows, and approving a payment run at the treasury. Each is checked
//! against the approval policy and segregation of duties before anything is queued.

use chrono::Utc;
use domain::user::Role;
use domain::{Decision, Document};
use serde_json::json;
use store::outbox::{NewAction, OutboxAction};
use tracing::{info, info_span, Instrument};

use crate::actions::APPROVAL_DECISION;
use crate::{Engine, SyncError};

pub const PAYMENT_RUN_APPROVE: &str = "payment_run_approve";

/// One item of a bulk approval and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    pub approval_id: String,
    pub result: Result<String, String>,
}

impl Engine {
    /// Hands `actor_id`'s pending step to another approver, who must not have created or coded
    /// the invoice.
    pub async fn delegate_step(
        &self,
        actor_id: &str,
        connection_id: &str,
        approval_id: &str,
        to: &str,
        reason: Option<&str>,
    ) -> Result<OutboxAction, SyncError> {
        let span = info_span!(
            "action",
            kind = "approval_delegate",
            actor = actor_id,
            approval = approval_id
        );
        async move {
            let approval = store::approvals::get(&self.store, connection_id, approval_id)
                .await?
                .ok_or_else(|| SyncError::NotFound(format!("approval {approval_id}")))?;
            let invoice = store::invoices::get(&self.store, connection_id, &approval.invoice_external_id)
                .await?
                .ok_or_else(|| SyncError::NotFound(format!("invoice {}", approval.invoice_external_id)))?;
            let today = Utc::now().date_naive();
            if !self.approval_policy.may_act_for(actor_id, &approval.approver_id, today) {
                return Err(SyncError::Forbidden(format!(
                    "this step is assigned to {}, not to you",
                    approval.approver_id
                )));
            }
            if approval.status != domain::ApprovalStatus::Pending {
                return Err(SyncError::Invalid(format!("this step is {}", approval.status.as_str())));
            }
            if to == actor_id || to == approval.approver_id {
                return Err(SyncError::Invalid("delegate to someone else".into()));
            }
            let users = store::users::list(&self.store).await?;
            if !users.iter().any(|u| u.id == to && u.roles.contains(&Role::Approver)) {
                return Err(SyncError::Invalid(format!("{to} is not an approver")));
            }
            if let Some(refusal) =
                domain::approval::own_work(to, invoice.created_by.as_deref(), invoice.coded_by.as_deref())
            {
                return Err(SyncError::Forbidden(format!("{to} cannot take it: {refusal}")));
            }
            let reason = reason.map(str::trim).filter(|r| !r.is_empty());
            let action = store::outbox::enqueue(
                &self.store,
                &NewAction {
                    connection_id: connection_id.into(),
                    kind: APPROVAL_DECISION.into(),
                    target_external_id: approval_id.into(),
                    payload: json!({
                        "decision": "delegate", "delegate_to": to, "comment": reason, "actor_id": actor_id,
                        "on_behalf_of": (approval.approver_id != actor_id).then_some(&approval.approver_id),
                    }),
                    if_match: Some(approval.provenance.source_version),
                    actor_id: actor_id.into(),
                    before: Some(
                        json!({ "approver": approval.approver_id, "step": approval.step, "invoice": invoice.number }),
                    ),
                },
                Utc::now(),
            )
            .await?;
            info!(action = %action.id, %to, "delegation queued");
            Ok(action)
        }
        .instrument(span)
        .await
    }

    /// Approves several steps at once. Each item is checked on its own — the bulk limit, then the
    /// same controls as a single approval — and a refused item does not stop the others.
    pub async fn approve_bulk(
        &self,
        actor_id: &str,
        items: &[(String, String)],
    ) -> Result<Vec<BulkOutcome>, SyncError> {
        let mut out = Vec::with_capacity(items.len());
        for (connection_id, approval_id) in items {
            let result = match self.bulk_item(actor_id, connection_id, approval_id).await {
                Ok(action) => Ok(action.id),
                Err(SyncError::Store(e)) if !matches!(e, store::StoreError::Conflict(_)) => return Err(e.into()),
                Err(e) => Err(e.to_string()),
            };
            out.push(BulkOutcome {
                approval_id: approval_id.clone(),
                result,
            });
        }
        Ok(out)
    }

    async fn bulk_item(
        &self,
        actor_id: &str,
        connection_id: &str,
        approval_id: &str,
    ) -> Result<OutboxAction, SyncError> {
        let approval = store::approvals::get(&self.store, connection_id, approval_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("approval {approval_id}")))?;
        let invoice = store::invoices::get(&self.store, connection_id, &approval.invoice_external_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("invoice {}", approval.invoice_external_id)))?;
        self.approval_policy
            .check_bulk(&invoice.total)
            .map_err(|e| SyncError::Forbidden(e.to_string()))?;
        self.decide(actor_id, connection_id, approval_id, Decision::Approve, None)
            .await
    }

    /// Approves a draft payment run at the treasury: not by whoever prepared it, within the
    /// approver's limit, and not by anyone who changed a payee's bank details shortly before.
    pub async fn approve_payment_run(&self, actor_id: &str, run_id: &str) -> Result<OutboxAction, SyncError> {
        let span = info_span!("action", kind = PAYMENT_RUN_APPROVE, actor = actor_id, run = run_id);
        async move {
            let Some((connection_id, Document::PaymentRun(run))) =
                store::source_records::get(&self.store, "payment_runs", run_id).await?
            else {
                return Err(SyncError::NotFound(format!("payment run {run_id}")));
            };
            let refusals = self.payment_run_refusals(actor_id, &run).await?;
            if let Some(first) = refusals.into_iter().next() {
                return Err(SyncError::Forbidden(first));
            }
            let action = store::outbox::enqueue(
                &self.store,
                &NewAction {
                    connection_id,
                    kind: PAYMENT_RUN_APPROVE.into(),
                    target_external_id: run_id.into(),
                    payload: json!({ "actor_id": actor_id }),
                    if_match: Some(run.version),
                    actor_id: actor_id.into(),
                    before: Some(
                        json!({ "status": run.status, "total": run.total.to_string(), "currency": run.currency }),
                    ),
                },
                Utc::now(),
            )
            .await?;
            info!(action = %action.id, "payment run approval queued");
            Ok(action)
        }
        .instrument(span)
        .await
    }

    /// Every reason `actor_id` may not approve `run`, in words; empty when they may.
    pub async fn payment_run_refusals(
        &self,
        actor_id: &str,
        run: &domain::treasury::PaymentRun,
    ) -> Result<Vec<String>, SyncError> {
        let mut why = Vec::new();
        let roles = store::users::roles_of(&self.store, actor_id).await?;
        if !roles
            .iter()
            .any(|r| matches!(r, Role::Approver | Role::TreasuryAnalyst))
        {
            why.push(format!("{actor_id} is neither an approver nor a treasury analyst"));
        }
        if run.status != "draft" {
            why.push(format!("the run is {}, only draft runs are approved", run.status));
        }
        if run.created_by == actor_id {
            why.push("segregation of duties: you prepared this run, so someone else must approve it".into());
        }
        if let Err(e) = self
            .approval_policy
            .check_limit(actor_id, &domain::Money::new(run.total, run.currency))
        {
            why.push(e.to_string());
        }
        let changes: Vec<domain::erp::BankAccountChange> =
            store::source_records::list(&self.store, "bank_account_changes")
                .await?
                .into_iter()
                .filter_map(|(_, d)| match d {
                    Document::BankAccountChange(c) if c.changed_by == actor_id => Some(c),
                    _ => None,
                })
                .collect();
        if !changes.is_empty() {
            let refs: Vec<&domain::erp::BankAccountChange> = changes.iter().collect();
            let now = Utc::now();
            for (_, d) in store::source_records::list(&self.store, "payment_instructions").await? {
                let Document::PaymentInstruction(i) = d else { continue };
                if i.run_id != run.id {
                    continue;
                }
                if let Err(e) = self
                    .approval_policy
                    .check_bank_changes(actor_id, &i.supplier_id, &refs, now)
                {
                    why.push(e.to_string());
                    break;
                }
            }
        }
        Ok(why)
    }
}

/// The most escalations one pass queues: a large backlog moves over several passes.
const ESCALATIONS_PER_PASS: i64 = 200;

impl Engine {
    /// Hands every pending step older than the policy's SLA to its escalation approver (on the
    /// absent approver's behalf), unless that person keyed or coded the invoice or something is
    /// already on its way for the step. Returns how many were queued.
    pub async fn escalate_overdue(&self) -> Result<usize, SyncError> {
        let Some(to) = self.approval_policy.escalate_to.clone() else {
            return Ok(0);
        };
        let span = info_span!("escalate_overdue", to = %to);
        async move {
            let mut queued = 0;
            let overdue = store::approvals::overdue(
                &self.store,
                self.approval_policy.sla_business_days,
                ESCALATIONS_PER_PASS,
            )
            .await?;
            for o in overdue {
                if o.approver_id == to
                    || [&o.created_by, &o.coded_by]
                        .iter()
                        .any(|p| p.as_deref() == Some(to.as_str()))
                {
                    continue;
                }
                if store::outbox::latest_for(&self.store, &o.connection_id, &o.approval_id)
                    .await?
                    .is_some_and(|a| !matches!(a.status, store::outbox::ActionStatus::Delivered))
                {
                    continue;
                }
                let why = format!(
                    "escalated: waiting {} business days, over the {}-day SLA",
                    o.age_business_days, self.approval_policy.sla_business_days
                );
                store::outbox::enqueue(
                    &self.store,
                    &NewAction {
                        connection_id: o.connection_id.clone(),
                        kind: APPROVAL_DECISION.into(),
                        target_external_id: o.approval_id.clone(),
                        payload: json!({
                            "decision": "delegate", "delegate_to": to, "comment": why,
                            "actor_id": crate::SIGNAL_ACTOR, "on_behalf_of": o.approver_id,
                        }),
                        if_match: Some(o.source_version),
                        actor_id: crate::SIGNAL_ACTOR.into(),
                        before: Some(json!({ "approver": o.approver_id, "age_business_days": o.age_business_days })),
                    },
                    Utc::now(),
                )
                .await?;
                queued += 1;
            }
            if queued > 0 {
                info!(queued, "overdue approvals escalated");
            }
            Ok(queued)
        }
        .instrument(span)
        .await
    }
}
