//! Replaying dead letters: a record that could not be mapped is mapped again (the mapping may
//! have been fixed), and if it still fails, its current version is fetched from the source.

use chrono::Utc;
use connect::Source;
use tracing::{info, info_span, Instrument};

use crate::apply::{apply_all, entity_map};
use crate::{Engine, SyncError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// The record is in the mirror now.
    Applied { refetched: bool },
    /// It still cannot be mapped: why.
    StillFailing(String),
}

impl Engine {
    pub async fn replay_dead_letter(&self, id: i64) -> Result<ReplayOutcome, SyncError> {
        let span = info_span!("replay", dead_letter = id);
        async move {
            let dl = store::sync_log::dead_letter(&self.store, id)
                .await?
                .ok_or_else(|| SyncError::NotFound(format!("dead letter {id}")))?;
            let conn = store::connections::get(&self.store, &dl.connection_id)
                .await?
                .ok_or_else(|| SyncError::NotFound(format!("connection {}", dl.connection_id)))?;
            let client = self.client(&conn)?;
            let (mut mapped, mut refetched) = (client.map_raw(&dl.resource, &dl.raw), false);
            if mapped.is_err() {
                // The source may have sent a bad copy; ask it for the record again by its id.
                let source_id = serde_json::from_str::<serde_json::Value>(&dl.raw).ok().and_then(|v| {
                    v.get("id")
                        .or_else(|| v.get("Id"))
                        .and_then(|i| i.as_str())
                        .map(str::to_string)
                });
                if let Some(source_id) = source_id {
                    mapped = client.fetch_one(&dl.resource, &source_id).await?;
                    refetched = true;
                }
            }
            let record = match mapped {
                Ok(r) => r,
                Err(reason) => return Ok(ReplayOutcome::StillFailing(reason)),
            };
            let entities = entity_map(&self.store).await?;
            let mut tx = self.store.begin().await?;
            let (_, unplaced) = apply_all(&mut tx, &conn.id, [&record], &entities).await?;
            if let Some((_, reason)) = unplaced.into_iter().next() {
                return Ok(ReplayOutcome::StillFailing(reason));
            }
            store::sync_log::mark_replayed(&mut tx, id, Utc::now()).await?;
            tx.commit().await.map_err(store::StoreError::from)?;
            info!(refetched, "dead letter replayed");
            Ok(ReplayOutcome::Applied { refetched })
        }
        .instrument(span)
        .await
    }
}
