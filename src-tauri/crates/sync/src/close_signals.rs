//! Close tasks that complete themselves: when the system signal a task names holds (the AP
//! subledger or the general ledger closed in the ERP, every bank account of the entity
//! certified in the tower), the tower sends the ERP the task's completion through the outbox,
//! with the evidence as its note.

use chrono::Utc;
use domain::Document;
use serde_json::json;
use store::outbox::{ActionStatus, NewAction};
use tracing::{info, info_span, Instrument};

use crate::actions::CLOSE_TASK_STATUS;
use crate::{Engine, SyncError};

/// The actor the ERP sees for a signal's completion.
pub const SIGNAL_ACTOR: &str = "control-tower";

impl Engine {
    /// Queues the completion of every task whose signal holds; returns how many were queued.
    pub async fn complete_close_tasks_by_signal(&self) -> Result<usize, SyncError> {
        let span = info_span!("close_signals");
        async move {
            let mut queued = 0;
            for (connection_id, doc) in store::source_records::list(&self.store, "close_tasks").await? {
                let Document::CloseTask(task) = doc else { continue };
                let Some(signal) = task.signal.clone() else { continue };
                if !domain::close::completes_by_signal(&task, &signal) {
                    continue;
                }
                let Some(evidence) = self.signal_evidence(&signal, &task.company_code, &task.period).await? else {
                    continue;
                };
                // One try per task: a refused completion waits for a person, it is not re-sent.
                if let Some(last) = store::outbox::latest_for(&self.store, &connection_id, &task.id).await? {
                    if matches!(last.status, ActionStatus::Queued | ActionStatus::Delivering | ActionStatus::Refused) {
                        continue;
                    }
                }
                store::outbox::enqueue(
                    &self.store,
                    &NewAction {
                        connection_id: connection_id.clone(),
                        kind: CLOSE_TASK_STATUS.into(),
                        target_external_id: task.id.clone(),
                        payload: json!({ "Status": "reviewed", "ActorId": SIGNAL_ACTOR, "Signal": signal, "Note": evidence }),
                        if_match: Some(task.version),
                        actor_id: SIGNAL_ACTOR.into(),
                        before: Some(json!({ "status": task.status, "source_version": task.version, "task": task.name })),
                    },
                    Utc::now(),
                )
                .await?;
                info!(task = %task.id, %signal, "close task completed by its signal");
                queued += 1;
            }
            Ok(queued)
        }
        .instrument(span)
        .await
    }

    /// Whether `signal` holds for the entity's period, and the evidence that says so.
    async fn signal_evidence(&self, signal: &str, entity: &str, period: &str) -> Result<Option<String>, SyncError> {
        let status = || async {
            Ok::<_, SyncError>(
                match store::source_records::get(&self.store, "period_status", &format!("{entity}-{period}")).await? {
                    Some((_, Document::PeriodStatus(p))) => Some(p),
                    _ => None,
                },
            )
        };
        Ok(match signal {
            "ap_subledger_closed" => status()
                .await?
                .filter(|p| p.ap_subledger == "closed")
                .map(|_| format!("AP subledger {entity} {period} closed in the ERP")),
            "gl_closed" => status()
                .await?
                .filter(|p| p.general_ledger == "closed")
                .map(|_| format!("General ledger {entity} {period} closed in the ERP")),
            "bank_rec_certified" => store::account_recs::entity_certified(&self.store, entity, period)
                .await?
                .map(|n| format!("All {n} bank account reconciliations of {entity} {period} certified and locked")),
            _ => None,
        })
    }
}
