//! Pulling a connection into the mirror.

use std::time::{Duration, Instant};

use chrono::Utc;
use connect::ap::Resource;
use connect::ConnectError;
use store::connections::Connection;
use store::sync_log::{self, RunOutcome};
use tracing::{info, info_span, warn, Instrument};

use crate::apply::{apply, entity_map};
use crate::{Engine, SyncError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub run_id: i64,
    pub connection_id: String,
    pub outcome: RunOutcome,
    pub duration: Duration,
}

impl Engine {
    /// Pulls every connection once.
    pub async fn sync_all(&self) -> Result<Vec<RunReport>, SyncError> {
        let mut reports = Vec::new();
        for c in store::connections::list(&self.store).await? {
            reports.push(self.sync_connection(&c).await?);
        }
        Ok(reports)
    }

    /// One sync run: every resource from its stored cursor to the end. Cursors move only with the
    /// data they cover; a record that cannot be mapped goes to the dead letters and the run goes
    /// on; a page that stays malformed ends that resource for this run and is reported.
    pub async fn sync_connection(&self, c: &Connection) -> Result<RunReport, SyncError> {
        let span = info_span!("sync_run", connection = %c.id);
        async move {
            let started = Instant::now();
            let run_id = sync_log::start_run(&self.store, &c.id, Utc::now()).await?;
            let mut outcome = RunOutcome::default();
            match self.client(c) {
                Ok(client) => {
                    for resource in Resource::ALL {
                        if let Err(e) = self.pull_resource(&client, c, resource, &mut outcome).await {
                            let fatal = !matches!(e, SyncError::Connect(ConnectError::MalformedPage { .. }));
                            warn!(resource = resource.path(), error = %e, "resource sync stopped");
                            outcome.error = Some(e.to_string());
                            if fatal {
                                break;
                            }
                        }
                    }
                }
                Err(e) => outcome.error = Some(e.to_string()),
            }
            store::entities::refresh_today(&self.store, Utc::now()).await?;
            sync_log::finish_run(&self.store, run_id, &outcome, Utc::now()).await?;
            let duration = started.elapsed();
            info!(
                records = outcome.records,
                changed = outcome.changed,
                malformed = outcome.malformed,
                ms = duration.as_millis() as u64,
                status = outcome.status(),
                "sync run finished"
            );
            Ok(RunReport {
                run_id,
                connection_id: c.id.clone(),
                outcome,
                duration,
            })
        }
        .instrument(span)
        .await
    }

    async fn pull_resource(
        &self,
        client: &connect::ap::ApClient,
        c: &Connection,
        resource: Resource,
        outcome: &mut RunOutcome,
    ) -> Result<(), SyncError> {
        let mut cursor = sync_log::cursor(&self.store, &c.id, resource.path()).await?;
        let entities = if resource == Resource::Approvals {
            entity_map(&self.store).await?
        } else {
            Default::default()
        };
        loop {
            let page = client.fetch_page(resource, cursor.as_deref(), self.page_size).await?;
            outcome.bytes += page.bytes as i64;
            let mut tx = self.store.begin().await?;
            for item in &page.records {
                outcome.records += 1;
                let placed = match item {
                    Ok(record) => apply(&mut tx, record, &entities).await?,
                    Err(m) => Err(format!("{} ({})", m.reason, m.position)),
                };
                match placed {
                    Ok(changed) => outcome.changed += i64::from(changed),
                    Err(reason) => {
                        outcome.malformed += 1;
                        let (position, raw) = match item {
                            Err(m) => (m.position.clone(), m.raw.clone()),
                            Ok(_) => (
                                format!("{} cursor {}", resource.path(), cursor.as_deref().unwrap_or("start")),
                                String::new(),
                            ),
                        };
                        warn!(connection = %c.id, endpoint = resource.path(), %position, %reason, "record sent to dead letters");
                        sync_log::dead_letter(&mut tx, &c.id, resource.path(), &position, &reason, &raw).await?;
                    }
                }
            }
            sync_log::set_cursor(&mut tx, &c.id, resource.path(), &page.next_cursor).await?;
            tx.commit().await.map_err(store::StoreError::from)?;
            cursor = Some(page.next_cursor);
            if !page.has_more {
                return Ok(());
            }
        }
    }
}
