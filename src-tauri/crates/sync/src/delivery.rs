//! Delivering the outbox to the sources.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use connect::{Source, WriteOutcome};
use store::outbox::{self, OutboxAction};
use tracing::{info, info_span, warn, Instrument};

use crate::apply::{apply_all, entity_map};
use crate::{Engine, SyncError};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub delivered: usize,
    pub refused: usize,
    pub retrying: usize,
}

/// When to try again after `attempts` failed tries: 2, 4, 8 … seconds, at most five minutes.
fn retry_delay(attempts: i64) -> Duration {
    Duration::seconds(2i64.saturating_pow(attempts.clamp(1, 20) as u32).min(300))
}

impl Engine {
    /// Sends every due action once. Safe to run after a crash at any point: an action is re-sent
    /// with its own idempotency key, and the source applies a key once.
    pub async fn deliver_outbox(&self) -> Result<DeliveryReport, SyncError> {
        let _guard = self.delivery_lock.lock().await;
        let mut report = DeliveryReport::default();
        let due = outbox::due(&self.store, Utc::now(), 100).await?;
        if due.is_empty() {
            return Ok(report);
        }
        let connections: HashMap<String, store::connections::Connection> = store::connections::list(&self.store)
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        for action in due {
            let span = info_span!("action_delivery", action = %action.id, kind = %action.kind, target = %action.target_external_id);
            let result = async {
                let Some(conn) = connections.get(&action.connection_id) else {
                    return Err(SyncError::NotFound(format!("connection {}", action.connection_id)));
                };
                outbox::mark_delivering(&self.store, &action.id, Utc::now()).await?;
                self.deliver_one(conn, &action).await
            }
            .instrument(span)
            .await;
            match result {
                Ok(true) => report.delivered += 1,
                Ok(false) => report.refused += 1,
                Err(e) => {
                    report.retrying += 1;
                    let next = Utc::now() + retry_delay(action.attempts + 1);
                    warn!(action = %action.id, error = %e, %next, "delivery failed, will retry");
                    outbox::retry_later(&self.store, &action.id, &e.to_string(), next, Utc::now()).await?;
                }
            }
        }
        Ok(report)
    }

    /// Returns Ok(true) when applied, Ok(false) when refused by the source.
    async fn deliver_one(
        &self,
        conn: &store::connections::Connection,
        action: &OutboxAction,
    ) -> Result<bool, SyncError> {
        let client = self.client(conn)?;
        // The payload was written as the source's request body when the person acted.
        let body: serde_json::Value =
            serde_json::from_str(&action.payload).map_err(|e| SyncError::Invalid(format!("action payload: {e}")))?;
        match client
            .write(
                &action.kind,
                &action.target_external_id,
                &action.idempotency_key,
                action.if_match,
                &body,
            )
            .await?
        {
            WriteOutcome::Applied { status, record } => {
                // The source's answer is the newest version we know: mirror it right away.
                let entities = entity_map(&self.store).await?;
                let mut tx = self.store.begin().await?;
                let (_, unplaced) = apply_all(&mut tx, &conn.id, [record.as_ref()], &entities).await?;
                if let Some((_, reason)) = unplaced.first() {
                    warn!(%reason, "applied action could not be mirrored; the next sync will bring it");
                }
                tx.commit().await.map_err(store::StoreError::from)?;
                let answer = match record.as_ref() {
                    connect::ap::Record::Approval { approval, .. } => Some(serde_json::json!({
                        "status": approval.status.as_str(),
                        "source_version": approval.provenance.source_version,
                        "decided_by": approval.decided_by,
                    })),
                    connect::ap::Record::Supplier(supplier) => Some(serde_json::json!({
                        "on_hold": supplier.on_hold,
                        "source_version": supplier.provenance.source_version,
                    })),
                    connect::Record::Document(d) => Some(serde_json::json!({
                        "source_version": d.version(),
                        "record": d.to_value(),
                    })),
                    _ => None,
                };
                outbox::mark_delivered(&self.store, action, i64::from(status), answer, Utc::now()).await?;
                info!(status, "action applied at the source");
                Ok(true)
            }
            WriteOutcome::Refused { status, message } => {
                outbox::refuse(&self.store, action, i64::from(status), &message, Utc::now()).await?;
                warn!(status, %message, "action refused by the source");
                Ok(false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_and_are_capped() {
        assert_eq!(retry_delay(1), Duration::seconds(2));
        assert_eq!(retry_delay(3), Duration::seconds(8));
        assert_eq!(retry_delay(50), Duration::seconds(300));
    }
}
