//! Targeted pulls: a verified webhook says which record changed; the engine fetches that record
//! from the source (never trusting the notice's content) and applies it. Versions make
//! duplicated and out-of-order notices harmless.

use connect::webhook::WebhookEvent;
use connect::Source;
use tracing::{info_span, Instrument};

use crate::apply::{apply_all, entity_map};
use crate::{Engine, SyncError};

impl Engine {
    /// Returns whether the mirror changed.
    pub async fn pull_one(&self, connection_id: &str, event: &WebhookEvent) -> Result<bool, SyncError> {
        let span = info_span!("targeted_pull", connection = connection_id, resource = %event.resource, record = %event.record_id);
        async move {
            let conn = store::connections::get(&self.store, connection_id)
                .await?
                .ok_or_else(|| SyncError::NotFound(format!("connection {connection_id}")))?;
            let record = match self.client(&conn)?.fetch_one(&event.resource, &event.record_id).await? {
                Ok(r) => r,
                Err(reason) => {
                    return Err(SyncError::Invalid(format!(
                        "{} {}: {reason}",
                        event.resource, event.record_id
                    )))
                }
            };
            let entities = entity_map(&self.store).await?;
            let mut tx = self.store.begin().await?;
            let (changed, unplaced) = apply_all(&mut tx, &conn.id, [&record], &entities).await?;
            tx.commit().await.map_err(store::StoreError::from)?;
            if let Some((_, reason)) = unplaced.into_iter().next() {
                return Err(SyncError::Invalid(reason));
            }
            Ok(changed > 0)
        }
        .instrument(span)
        .await
    }
}
