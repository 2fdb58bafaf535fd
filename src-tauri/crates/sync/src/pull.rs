//! Pulling a connection into the mirror.

use std::time::{Duration, Instant};

use chrono::Utc;
use connect::{Client, ConnectError, Source};
use store::connections::Connection;
use store::sync_log::{self, RunOutcome};
use tracing::{info, info_span, warn, Instrument};

use crate::apply::{apply_all, entity_map};
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

    /// Builds the approval queue's sort keys in bulk after a connection's first pull suspended
    /// them (until then the queue reads the mirror's tables, with the same rows): a derived
    /// index, like the exceptions, so it is its own step after the sync rather than part of it.
    /// Returns whether it built them; a cheap check otherwise.
    pub async fn build_approval_keys(&self) -> Result<bool, SyncError> {
        let span = info_span!("build_approval_keys");
        async move {
            let started = Instant::now();
            if !store::approval_queue::rebuild_if_suspended(&self.store).await? {
                return Ok(false);
            }
            info!(ms = started.elapsed().as_millis() as u64, "approval queue keys built");
            Ok(true)
        }
        .instrument(span)
        .await
    }

    /// Pulls the connections whose schedule is due: each every `sync_every_secs`, or every
    /// `default_every` when it has none.
    pub async fn sync_due(&self, default_every: Duration) -> Result<Vec<RunReport>, SyncError> {
        let mut reports = Vec::new();
        for c in store::connections::list(&self.store).await? {
            let every = u64::try_from(c.sync_every_secs)
                .ok()
                .filter(|s| *s > 0)
                .map(Duration::from_secs)
                .unwrap_or(default_every);
            let due = {
                let last = self.last_runs.lock().unwrap_or_else(|p| p.into_inner());
                last.get(&c.id).is_none_or(|t| t.elapsed() >= every)
            };
            if due {
                reports.push(self.sync_connection(&c).await?);
            }
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
            if !self.with_breaker(&c.id, |b| b.allow(Instant::now())) {
                let (_, failures) = self.circuit(&c.id);
                let error = format!("circuit open after {failures} consecutive failures; waiting before the next try");
                warn!(%error, "sync skipped");
                let outcome = RunOutcome {
                    error: Some(error),
                    ..Default::default()
                };
                return Ok(RunReport {
                    run_id: 0,
                    connection_id: c.id.clone(),
                    outcome,
                    duration: started.elapsed(),
                });
            }
            self.last_runs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(c.id.clone(), Instant::now());
            let run_id = sync_log::start_run(&self.store, &c.id, Utc::now()).await?;
            let mut outcome = RunOutcome::default();
            let mut reached = true;
            match self.client(c) {
                Ok(client) => {
                    for &resource in client.resources() {
                        if let Err(e) = self.pull_resource(&client, c, resource, &mut outcome).await {
                            let fatal = !matches!(e, SyncError::Connect(ConnectError::MalformedPage { .. }));
                            warn!(resource, error = %e, "resource sync stopped");
                            outcome.error = Some(e.to_string());
                            if fatal {
                                reached = false;
                                break;
                            }
                        }
                    }
                    if let (true, Client::Treasury(t)) = (reached, &client) {
                        if let Err(e) = self.import_announced_statements(t, c).await {
                            warn!(error = %e, "bank statements not imported");
                            outcome.error = Some(format!("bank statements: {e}"));
                        }
                    }
                    // The ERP's payments are the ledger side of the bank's statements.
                    if reached && matches!(client, Client::Treasury(_) | Client::Erp(_)) {
                        if let Err(e) = crate::reconcile::book_erp_payments(&self.store).await {
                            warn!(error = %e, "ERP payments not booked for reconciliation");
                        }
                    }
                }
                Err(e) => {
                    reached = false;
                    outcome.error = Some(e.to_string());
                }
            }
            self.with_breaker(&c.id, |b| {
                if reached {
                    b.record_success()
                } else {
                    b.record_failure(Instant::now())
                }
            });
            if outcome.error.is_none() && outcome.malformed > 0 {
                outcome.error = Some(format!(
                    "{} record(s) could not be mapped and wait in the dead letters",
                    outcome.malformed
                ));
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

    /// Pulls one resource from its stored cursor to the end. The next page is fetched and mapped
    /// while the current one is written; data and cursor commit together every few pages, or
    /// sooner when the next page is not there yet.
    async fn pull_resource(
        &self,
        client: &Client,
        c: &Connection,
        resource: &'static str,
        outcome: &mut RunOutcome,
    ) -> Result<(), SyncError> {
        const PAGES_PER_COMMIT: usize = 8;
        let start = sync_log::cursor(&self.store, &c.id, resource).await?;
        let first_pull = start.is_none();
        let entities = if resource == "approvals" {
            entity_map(&self.store).await?
        } else {
            Default::default()
        };
        let (pages_tx, mut pages) = tokio::sync::mpsc::channel(2);
        let fetcher = {
            let (client, page_size) = (client.clone(), self.page_size);
            tokio::spawn(async move {
                let mut cursor = start;
                loop {
                    let page = client.fetch_page(resource, cursor.as_deref(), page_size).await;
                    let more = matches!(&page, Ok(p) if p.has_more);
                    if let Ok(p) = &page {
                        cursor = Some(p.next_cursor.clone());
                    }
                    if pages_tx.send(page).await.is_err() || !more {
                        return;
                    }
                }
            })
        };
        // The single writer is held only while there are pages to write, never across a wait on
        // the source: a person's action queues at once even while a slow source is being read.
        let mut tx = None;
        let mut suspend = first_pull;
        let mut uncommitted = 0;
        let mut result = Ok(());
        while let Some(page) = pages.recv().await {
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    result = Err(e.into());
                    break;
                }
            };
            let open = match &mut tx {
                Some(open) => open,
                None => {
                    let mut begun = self.store.begin().await?;
                    if std::mem::take(&mut suspend) {
                        // A first pull writes every record: the approval queue's keys are rebuilt after it.
                        store::approval_queue::suspend_for_first_pull(&mut begun, &c.id, resource).await?;
                    }
                    tx.insert(begun)
                }
            };
            if let Err(e) = self.write_page(open, c, resource, &page, &entities, outcome).await {
                result = Err(e);
                break;
            }
            uncommitted += 1;
            if uncommitted >= PAGES_PER_COMMIT || pages.is_empty() {
                if let Some(done) = tx.take() {
                    done.commit().await.map_err(store::StoreError::from)?;
                }
                uncommitted = 0;
            }
        }
        fetcher.abort();
        // What was read before an error is good: keep it with its cursor.
        if let Some(done) = tx {
            done.commit().await.map_err(store::StoreError::from)?;
        }
        result
    }

    /// Writes one page: its good records, its malformed ones as dead letters, and its cursor.
    async fn write_page(
        &self,
        tx: &mut sqlx::SqliteConnection,
        c: &Connection,
        resource: &str,
        page: &connect::source::Page,
        entities: &crate::apply::Entities,
        outcome: &mut RunOutcome,
    ) -> Result<(), SyncError> {
        outcome.bytes += page.bytes as i64;
        outcome.records += page.records.len() as i64;
        let good = page.records.iter().filter_map(|r| r.as_ref().ok());
        let (changed, unplaced) = apply_all(&mut *tx, &c.id, good, entities).await?;
        outcome.changed += changed as i64;
        for m in page.records.iter().filter_map(|r| r.as_ref().err()) {
            outcome.malformed += 1;
            warn!(connection = %c.id, endpoint = resource, position = %m.position, reason = %m.reason,
                  "record sent to dead letters");
            sync_log::add_dead_letter(&mut *tx, &c.id, resource, &m.position, &m.reason, &m.raw).await?;
        }
        for (_, reason) in unplaced {
            outcome.malformed += 1;
            warn!(connection = %c.id, endpoint = resource, %reason, "record sent to dead letters");
            let position = format!("{} page ending at cursor {}", resource, page.next_cursor);
            sync_log::add_dead_letter(&mut *tx, &c.id, resource, &position, &reason, "").await?;
        }
        sync_log::set_cursor(&mut *tx, &c.id, resource, &page.next_cursor).await?;
        Ok(())
    }
}
