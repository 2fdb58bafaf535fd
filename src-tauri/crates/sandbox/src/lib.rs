//! Built-in demo source systems on 127.0.0.1. This is the AP-automation system: REST with cursor
//! pagination, API-key auth, `Idempotency-Key` on writes and `If-Match` with 409 on a stale
//! version, plus a fault mode. Data comes from a seeded generator so runs are reproducible.
//!
//! `/_sandbox/*` is the simulator's own control plane (faults, recorded decisions) for tests and
//! demos; it is not part of the simulated product's API.

mod ap;
mod book;
mod clock;
mod erp;
mod estate;
mod faults;
mod generate;
mod iso20022;
mod names;
mod protocol;
mod table;
mod treasury;
mod webhooks;
pub mod wire;
pub mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use book::WriteRecord;
pub use estate::{Estate, System, SystemKind};
pub use faults::Faults;
pub use generate::Size;
pub use wire::DecisionRecord;

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub seed: u64,
    pub size: Size,
    pub api_key: String,
    /// The simulated present: the generator spreads dates back from it.
    pub now: DateTime<Utc>,
}

/// A running AP sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    seed: u64,
    pub(crate) state: Arc<Mutex<ap::ApState>>,
    _stop: oneshot::Sender<()>,
}

/// Serves `router` on `bind` until the returned sender is dropped.
pub(crate) async fn listen(
    router: axum::Router,
    bind: SocketAddr,
) -> Result<(SocketAddr, oneshot::Sender<()>), SandboxError> {
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|source| SandboxError::Bind { addr: bind, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SandboxError::Bind { addr: bind, source })?;
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let served = axum::serve(listener, router).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = served.await {
            tracing::error!(error = %e, "sandbox server stopped");
        }
    });
    Ok((addr, stop))
}

impl Sandbox {
    /// Generates the data and serves it on `bind` (use port 0 for a free port).
    pub async fn start(config: SandboxConfig, bind: SocketAddr) -> Result<Sandbox, SandboxError> {
        Sandbox::serve(ap::ApState::generate(&config), &config, bind).await
    }

    async fn serve(state: ap::ApState, config: &SandboxConfig, bind: SocketAddr) -> Result<Sandbox, SandboxError> {
        let state = Arc::new(Mutex::new(state));
        let (addr, stop) = listen(ap::router(state.clone()), bind).await?;
        tokio::spawn(webhooks::deliver(Arc::downgrade(&state)));
        tracing::info!(%addr, "AP sandbox listening");
        Ok(Sandbox {
            addr,
            seed: config.seed,
            state,
            _stop: stop,
        })
    }

    /// Starts the demo clock: every `every`, invoices arrive and suppliers' holds change.
    pub fn start_clock(&self, every: std::time::Duration) {
        tokio::spawn(clock::run(Arc::downgrade(&self.state), every, self.seed));
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything the system holds now, as its API would return it.
    pub fn snapshot(&self) -> wire::Snapshot {
        self.lock().snapshot()
    }

    /// Every decision the system applied (not replays of an idempotency key).
    pub fn decisions(&self) -> Vec<DecisionRecord> {
        self.lock().decisions.clone()
    }

    /// Every hold and release the system applied.
    pub fn holds(&self) -> Vec<wire::HoldRecord> {
        self.lock().holds.clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults.faults = faults;
    }

    pub fn faults(&self) -> Faults {
        self.lock().faults.faults.clone()
    }

    /// The ids of the first `n` invoices, without copying the rest (a snapshot of a large estate
    /// allocates, and later frees, gigabytes).
    pub fn invoice_ids(&self, n: usize) -> Vec<String> {
        self.lock().invoices.values().take(n).map(|i| i.id.clone()).collect()
    }

    /// Simulates work done in the source: changes an invoice's due date, bumping its version.
    pub fn touch_invoice(&self, invoice_id: &str, days: i64) -> bool {
        self.lock().touch_invoice(invoice_id, days)
    }

    /// Simulates work done in the source on an invoice (a total corrected, a status moved).
    pub fn change_invoice(&self, invoice_id: &str, f: impl FnOnce(&mut wire::Invoice)) -> bool {
        self.lock().change_invoice(invoice_id, f)
    }

    /// Simulates a step changed in the source itself: decided there, or re-routed.
    pub fn change_approval(&self, approval_id: &str, f: impl FnOnce(&mut wire::ApprovalStep)) -> bool {
        self.lock().change_approval(approval_id, f)
    }

    /// Simulates a change at the source to an approval step (e.g. re-routed by an admin): bumps
    /// its version, so a decision made on the old version meets `If-Match` and a 409.
    pub fn touch_approval(&self, approval_id: &str) -> bool {
        self.change_approval(approval_id, |_| {})
    }

    /// Simulates a change at the source to a supplier (its master data edited), bumping its version.
    pub fn touch_supplier(&self, supplier_id: &str) -> bool {
        self.lock().touch_supplier(supplier_id)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ap::ApState> {
        // A poisoned lock means a handler panicked; the data is still consistent per request.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}
