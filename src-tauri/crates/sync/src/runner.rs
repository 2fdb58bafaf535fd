//! The background loop the app runs: deliver the outbox, pull every connection, tell the UI.

use std::sync::Arc;
use std::time::Duration;

use connect::webhook::WebhookEvent;
use tokio::sync::{mpsc, Notify};
use tracing::{error, warn};

use crate::Engine;

/// What changed, for whoever shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Synced {
        records: i64,
        changed: i64,
    },
    Delivered {
        delivered: usize,
        refused: usize,
    },
    /// A webhook notice changed a record.
    Pushed,
    /// The rules raised or resolved exceptions.
    Exceptions {
        raised: u64,
        resolved: u64,
    },
    Failed(String),
}

/// Runs until dropped: every `interval`, or at once when `wake` is notified (a person queued an
/// action), delivers the outbox; on its own turn, syncs the connections whose schedule is due
/// (each connection's own `sync_every_secs`, else every `interval`) and re-derives the
/// exceptions; between runs, applies webhook notices as targeted pulls. The caller spawns it on
/// its runtime.
pub async fn run(
    engine: Engine,
    interval: Duration,
    wake: Arc<Notify>,
    webhooks: mpsc::Receiver<(String, WebhookEvent)>,
    on_change: impl Fn(Change) + Send + Sync + 'static,
) {
    let on_change: Arc<dyn Fn(Change) + Send + Sync> = Arc::new(on_change);
    // Delivery has its own task, so an action goes out moments after it is queued, never
    // behind a sync or a full derivation (minutes on a large mirror). Dropping `tasks` with
    // this future stops it.
    let delivered = Arc::new(Notify::new());
    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(deliver(
        engine.clone(),
        interval,
        wake.clone(),
        delivered.clone(),
        on_change.clone(),
    ));
    sync(engine, interval, wake, delivered, webhooks, on_change).await;
}

/// Delivers what is due in the outbox, then waits for the next action or retry.
async fn deliver(
    engine: Engine,
    interval: Duration,
    wake: Arc<Notify>,
    delivered: Arc<Notify>,
    on_change: Arc<dyn Fn(Change) + Send + Sync>,
) {
    loop {
        match engine.deliver_outbox().await {
            Ok(r) if r.delivered + r.refused > 0 => {
                // The sources changed: the sync side pulls their answer and re-derives.
                delivered.notify_one();
                on_change(Change::Delivered {
                    delivered: r.delivered,
                    refused: r.refused,
                })
            }
            Ok(_) => {}
            Err(e) => {
                error!(error = %e, "outbox delivery failed");
                on_change(Change::Failed(e.to_string()));
            }
        }
        // Retries fall due with time; idle wake-ups cost nothing.
        tokio::select! {
            _ = tokio::time::sleep(interval.min(Duration::from_secs(5))) => {}
            _ = wake.notified() => {}
        }
    }
}

/// Syncs what is due, re-derives the exceptions and runs the time-based rules.
async fn sync(
    engine: Engine,
    interval: Duration,
    wake: Arc<Notify>,
    delivered: Arc<Notify>,
    mut webhooks: mpsc::Receiver<(String, WebhookEvent)>,
    on_change: Arc<dyn Fn(Change) + Send + Sync>,
) {
    // Time-based rules (SLAs, overdue approvals) need a pass now and then even when nothing syncs.
    let mut last_derived: Option<std::time::Instant> = None;
    // The full derivation reads the whole mirror; it runs at most a fifth of the time, the
    // incremental one after every sync in between.
    let mut last_full: Option<(std::time::Instant, Duration)> = None;
    let mut moved = false;
    loop {
        match engine.sync_due(interval).await {
            Ok(reports) => {
                let records = reports.iter().map(|r| r.outcome.records).sum();
                let changed = reports.iter().map(|r| r.outcome.changed).sum();
                // An idle run changes nothing on screen; telling the UI would make it refetch for nothing.
                if changed > 0 {
                    moved = true;
                    on_change(Change::Synced { records, changed });
                }
            }
            Err(e) => {
                error!(error = %e, "sync failed");
                on_change(Change::Failed(e.to_string()));
            }
        }
        if let Err(e) = engine.build_approval_keys().await {
            warn!(error = %e, "approval queue keys could not be built");
        }
        let full_due = last_full.is_none_or(|(at, took)| at.elapsed() > Duration::from_secs(60).max(took * 5));
        if moved || full_due || last_derived.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
            last_derived = Some(std::time::Instant::now());
            // Escalations and signals queue actions: the delivery side sends them.
            match engine.escalate_overdue().await {
                Ok(n) if n > 0 => wake.notify_one(),
                Ok(_) => {}
                Err(e) => warn!(error = %e, "overdue approvals could not be escalated"),
            }
            match engine.complete_close_tasks_by_signal().await {
                Ok(n) if n > 0 => wake.notify_one(),
                Ok(_) => {}
                Err(e) => warn!(error = %e, "close signals could not be checked"),
            }
            let began = std::time::Instant::now();
            let derived = if full_due {
                engine.derive_exceptions(chrono::Utc::now()).await
            } else {
                engine.derive_exception_changes(chrono::Utc::now()).await
            };
            if full_due && derived.is_ok() {
                last_full = Some((std::time::Instant::now(), began.elapsed()));
            }
            match derived {
                Ok(d) if d.applied.raised + d.applied.updated + d.applied.resolved > 0 => {
                    on_change(Change::Exceptions {
                        raised: d.applied.raised,
                        resolved: d.applied.resolved,
                    })
                }
                Ok(_) => {}
                Err(e) => {
                    error!(error = %e, "exception derivation failed");
                    on_change(Change::Failed(e.to_string()));
                }
            }
        }
        // Wake often enough for the most frequent schedule; idle wake-ups cost nothing.
        let next_run = tokio::time::sleep(interval.min(Duration::from_secs(5)));
        tokio::pin!(next_run);
        moved = false;
        loop {
            tokio::select! {
                _ = &mut next_run => break,
                _ = delivered.notified() => {
                    moved = true;
                    break;
                }
                Some((connection, event)) = webhooks.recv() => match engine.pull_one(&connection, &event).await {
                    Ok(true) => on_change(Change::Pushed),
                    Ok(false) => {}
                    // The next periodic run brings whatever this missed.
                    Err(e) => warn!(error = %e, event = %event.id, "targeted pull failed"),
                },
            }
        }
    }
}
