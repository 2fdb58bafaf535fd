//! The background loop the app runs: deliver the outbox, pull every connection, tell the UI.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tracing::error;

use crate::Engine;

/// What changed, for whoever shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Synced { records: i64, changed: i64 },
    Delivered { delivered: usize, refused: usize },
    Failed(String),
}

/// Runs until dropped: every `interval`, or at once when `wake` is notified (a person queued an
/// action), delivers the outbox and syncs. The caller spawns it on its runtime.
pub async fn run(
    engine: Engine,
    interval: Duration,
    wake: Arc<Notify>,
    on_change: impl Fn(Change) + Send + Sync + 'static,
) {
    loop {
        match engine.deliver_outbox().await {
            Ok(r) if r.delivered + r.refused > 0 => on_change(Change::Delivered {
                delivered: r.delivered,
                refused: r.refused,
            }),
            Ok(_) => {}
            Err(e) => {
                error!(error = %e, "outbox delivery failed");
                on_change(Change::Failed(e.to_string()));
            }
        }
        match engine.sync_all().await {
            Ok(reports) => {
                let records = reports.iter().map(|r| r.outcome.records).sum();
                let changed = reports.iter().map(|r| r.outcome.changed).sum();
                on_change(Change::Synced { records, changed });
            }
            Err(e) => {
                error!(error = %e, "sync failed");
                on_change(Change::Failed(e.to_string()));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = wake.notified() => {}
        }
    }
}
