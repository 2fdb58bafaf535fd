//! Resolving an exception: the controls (the exception's queue, the kind's actions, a reason where
//! one is owed), then either an action to the source through the outbox, or — for the tower's
//! own findings — an override logged with its reason. The exception's history line commits with
//! the action or override in one transaction.

use chrono::Utc;
use domain::exception::{ActionKind, Kind};
use domain::user::Role;
use serde_json::json;
use store::audit::NewEvent;
use store::outbox::NewAction;
use tracing::{info, info_span, Instrument};

use crate::{Engine, SyncError};

pub const ACCEPT_VARIANCE: &str = "invoice_accept_variance";
pub const REQUEST_CREDIT_NOTE: &str = "invoice_request_credit_note";
pub const POSTING_RESUBMIT: &str = "posting_resubmit";
pub const PAYMENT_RESEND: &str = "payment_resend";

/// What a person asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub action: ActionKind,
    pub reason: Option<String>,
    /// The corrected creditor IBAN for a re-send; the ERP's supplier master when absent.
    pub corrected_iban: Option<String>,
}

/// What happened: an outbox action queued, or an override recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Queued { action_id: String },
    Overridden,
}

impl Engine {
    pub async fn resolve_exception(
        &self,
        actor_id: &str,
        exception_id: &str,
        r: &Resolution,
    ) -> Result<Resolved, SyncError> {
        let span = info_span!(
            "action",
            kind = r.action.as_str(),
            actor = actor_id,
            exception = exception_id
        );
        self.resolve_in_span(actor_id, exception_id, r).instrument(span).await
    }

    async fn resolve_in_span(&self, actor_id: &str, exception_id: &str, r: &Resolution) -> Result<Resolved, SyncError> {
        let now = Utc::now();
        let e = store::exceptions::get(&self.store, exception_id, now)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("exception {exception_id}")))?;
        let kind = e.row.kind;
        let roles = store::users::roles_of(&self.store, actor_id).await?;
        // The owning queue acts; a controller may override anything.
        let owner = kind.queue();
        let may = roles.contains(&owner) || (r.action == ActionKind::Override && roles.contains(&Role::Controller));
        if !may {
            return Err(SyncError::Forbidden(format!(
                "{} exceptions belong to the {} queue; {actor_id} is not in it",
                kind.label(),
                owner.as_str()
            )));
        }
        if e.row.status != domain::exception::Status::Open {
            return Err(SyncError::Invalid(format!(
                "this exception is {}",
                e.row.status.as_str()
            )));
        }
        if !kind.actions().contains(&r.action) {
            return Err(SyncError::Invalid(format!(
                "{} is not a way to resolve a {}",
                r.action.as_str(),
                kind.label()
            )));
        }
        let reason = r.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if r.action.needs_reason() && reason.is_none() {
            return Err(SyncError::Invalid(format!("{} needs a reason", r.action.as_str())));
        }
        if e.row.pending_action.is_some() {
            if let Some(a) = store::outbox::get(&self.store, e.row.pending_action.as_deref().unwrap_or("")).await? {
                if matches!(
                    a.status,
                    store::outbox::ActionStatus::Queued | store::outbox::ActionStatus::Delivering
                ) {
                    return Err(SyncError::Invalid(
                        "an action on this exception is already on its way".into(),
                    ));
                }
            }
        }
        let detail = match reason {
            Some(why) => format!("{}: {why}", r.action.as_str()),
            None => r.action.as_str().to_string(),
        };

        if matches!(r.action, ActionKind::PlaceHold | ActionKind::ReleaseHold) {
            let subject = e
                .subject
                .as_ref()
                .filter(|s| s.resource == "suppliers")
                .ok_or_else(|| SyncError::Invalid("this exception names no supplier to hold".into()))?;
            let queued = self
                .set_supplier_hold(
                    actor_id,
                    &subject.connection_id,
                    &subject.external_id,
                    r.action == ActionKind::PlaceHold,
                    reason,
                )
                .await?;
            let mut tx = self.store.begin().await?;
            store::exceptions::record_action(
                &mut tx,
                exception_id,
                &store::exceptions::Step {
                    actor_id,
                    event: "action",
                    detail: &detail,
                    pending_action: Some(&queued.id),
                    overridden: false,
                },
                now,
            )
            .await?;
            tx.commit().await.map_err(store::StoreError::from)?;
            return Ok(Resolved::Queued { action_id: queued.id });
        }

        let mut tx = self.store.begin().await?;
        let outcome = match r.action {
            ActionKind::NotDuplicate | ActionKind::Override => {
                store::exceptions::record_action(
                    &mut tx,
                    exception_id,
                    &store::exceptions::Step {
                        actor_id,
                        event: "override",
                        detail: &detail,
                        pending_action: None,
                        overridden: true,
                    },
                    now,
                )
                .await?;
                store::audit::append(
                    &mut tx,
                    &NewEvent {
                        actor_id,
                        action: &format!("exception.{}", r.action.as_str()),
                        object_type: "exception",
                        object_id: exception_id,
                        before: Some(json!({ "status": "open", "summary": e.row.summary })),
                        after: Some(json!({ "status": "overridden", "reason": reason })),
                    },
                    now,
                )
                .await?;
                Resolved::Overridden
            }
            action => {
                let subject = e
                    .subject
                    .as_ref()
                    .ok_or_else(|| SyncError::Invalid("this exception names no source record to act on".into()))?;
                let (kind_name, resource) = match action {
                    ActionKind::AcceptVariance => (ACCEPT_VARIANCE, "posted_invoices"),
                    ActionKind::RequestCreditNote => (REQUEST_CREDIT_NOTE, "posted_invoices"),
                    ActionKind::ResubmitPosting => (POSTING_RESUBMIT, "posting_errors"),
                    ActionKind::CorrectAndResend => (PAYMENT_RESEND, "payment_instructions"),
                    _ => unreachable!("holds and overrides are handled above"),
                };
                let Some((_, doc)) = store::source_records::get(&self.store, resource, &subject.external_id).await?
                else {
                    return Err(SyncError::NotFound(format!("{resource} {}", subject.external_id)));
                };
                let mut payload = json!({ "ActorId": actor_id, "Reason": reason });
                if action == ActionKind::CorrectAndResend {
                    let iban = match &r.corrected_iban {
                        Some(i) => Some(i.trim().to_uppercase()),
                        None => self.master_iban(&doc).await?,
                    };
                    if let Some(i) = &iban {
                        if !recon::normalize::is_valid_iban(i) {
                            return Err(SyncError::Invalid(format!(
                                "{i} is not a valid IBAN (ISO 13616 check digits)"
                            )));
                        }
                    }
                    payload = json!({ "actor_id": actor_id, "creditor_iban": iban, "reason": reason });
                }
                let id = store::outbox::enqueue_in(
                    &mut tx,
                    &NewAction {
                        connection_id: subject.connection_id.clone(),
                        kind: kind_name.into(),
                        target_external_id: subject.external_id.clone(),
                        payload,
                        if_match: Some(doc.version()),
                        actor_id: actor_id.into(),
                        before: Some(json!({ "exception": exception_id, "summary": e.row.summary, "source_version": doc.version() })),
                    },
                    now,
                )
                .await?;
                store::exceptions::record_action(
                    &mut tx,
                    exception_id,
                    &store::exceptions::Step {
                        actor_id,
                        event: "action",
                        detail: &detail,
                        pending_action: Some(&id),
                        overridden: false,
                    },
                    now,
                )
                .await?;
                Resolved::Queued { action_id: id }
            }
        };
        tx.commit().await.map_err(store::StoreError::from)?;
        info!(?outcome, "exception action taken");
        Ok(outcome)
    }

    /// The supplier's IBAN in the ERP master: the correction a rejected payment is re-sent with.
    async fn master_iban(&self, doc: &domain::Document) -> Result<Option<String>, SyncError> {
        let domain::Document::PaymentInstruction(i) = doc else {
            return Ok(None);
        };
        let found = store::source_records::get(&self.store, "supplier_masters", &i.supplier_id).await?;
        Ok(match found {
            Some((_, domain::Document::SupplierMaster(m))) if m.iban != i.creditor_iban => Some(m.iban),
            _ => None,
        })
    }
}

/// The kinds of exception a role sees first when it lands on the queue.
pub fn kinds_for(role: Role) -> Vec<Kind> {
    Kind::ALL.into_iter().filter(|k| k.queue() == role).collect()
}
