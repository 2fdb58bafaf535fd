//! The demo workspace the app runs on: the sandbox estate (AP, two ERPs, treasury) in-process on
//! free loopback ports, a fresh mirror, each system's credential in the OS keyring, a connection
//! per system with its own schedule, and the background sync loop.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use connect::{KeyringSecrets, SecretStore};
use sandbox::{Estate, SandboxConfig, Size, SystemKind};
use store::connections::Connection;
use store::Store;
use sync::Engine;
use tokio::sync::{Notify, RwLock};
use tracing::info;

use crate::error::{CommandError, CommandErrorCode};

pub const DEMO_CONNECTION: &str = "ap-sandbox";

pub struct Workspace {
    pub store: Store,
    pub engine: Engine,
    pub connection: Connection,
    pub user_id: RwLock<String>,
    pub wake: Arc<Notify>,
    estate: Estate,
    /// Verified webhook notices from the demo AP system, until the sync loop takes them.
    webhook_events: Option<tokio::sync::mpsc::Receiver<(String, connect::webhook::WebhookEvent)>>,
    /// Kept alive for as long as the workspace: dropping it stops the receiver.
    _receiver: connect::webhook::Receiver,
}

/// Where the demo mirror lives: `CTOWER_DATA_DIR`, else the platform's data folder.
pub fn data_dir(app_data: Option<PathBuf>) -> PathBuf {
    std::env::var_os("CTOWER_DATA_DIR")
        .map(PathBuf::from)
        .or(app_data)
        .unwrap_or_else(std::env::temp_dir)
}

fn random_key() -> String {
    format!("sk-demo-{}", uuid::Uuid::new_v4().simple())
}

impl Workspace {
    /// Starts the demo systems and the first sync. The demo's source systems live in memory, so
    /// its mirror starts fresh each launch to stay equal to them.
    pub async fn start_demo(dir: PathBuf) -> Result<Workspace, CommandError> {
        let started = Instant::now();
        let unavailable = |what: &str, e: &dyn std::fmt::Display| {
            CommandError::new(CommandErrorCode::Unavailable, format!("{what}: {e}"))
        };
        std::fs::create_dir_all(&dir).map_err(|e| unavailable(&format!("cannot create {}", dir.display()), &e))?;
        let db = dir.join("demo-mirror.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let seed = std::env::var("CTOWER_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(42);
        let api_key = random_key();
        let estate = Estate::start(
            SandboxConfig {
                seed,
                size: Size::Demo,
                api_key,
                now: Utc::now(),
            },
            [127, 0, 0, 1].into(),
            0,
        )
        .await
        .map_err(|e| unavailable("the demo source systems could not start", &e))?;
        let secrets = Arc::new(KeyringSecrets);
        let store = Store::open(&db).await?;
        let mut connection = None;
        for system in estate.systems() {
            let c = demo_connection(&system);
            secrets
                .set(&c.secret_ref, &system.secret)
                .map_err(|e| CommandError::new(CommandErrorCode::Unavailable, e.to_string()))?;
            store::connections::save(&store, &c).await?;
            if system.kind == SystemKind::Ap {
                connection = Some((c, system.secret.clone()));
            }
        }
        let (connection, ap_key) = connection
            .ok_or_else(|| CommandError::new(CommandErrorCode::Unavailable, "the estate has no AP system"))?;
        // The demo world moves: invoices arrive, get posted, paid and answered by the bank
        // (CTOWER_CLOCK_SECS=0 stops it).
        let clock = std::env::var("CTOWER_CLOCK_SECS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(20u64);
        if clock > 0 {
            estate.start_clock(Duration::from_secs(clock), seed);
        }
        if let Some(per_mille) = std::env::var("CTOWER_FAULTS").ok().and_then(|f| f.parse().ok()) {
            estate.set_faults(sandbox::Faults {
                per_mille,
                stall_ms: Some(3_000),
                ..Default::default()
            });
        }
        // A short request timeout: the demo systems are local, and fault mode's stalls must
        // time out and be retried rather than hold the sync.
        let engine = Engine::new(store.clone(), secrets.clone())
            .with_policy(connect::HttpPolicy {
                timeout: Duration::from_secs(2),
                ..Default::default()
            })
            .with_exception_policy(policy_file(
                &dir,
                "exceptions.json",
                domain::exception::ExceptionPolicy::from_json,
            )?)
            .with_approval_policy(policy_file(
                &dir,
                "approvals.json",
                domain::approval_policy::ApprovalPolicy::from_json,
            )?);
        engine.sync_all().await?;
        engine.build_approval_keys().await?;
        sync::reconcile::seed_demo(&store, seed, Utc::now())
            .await
            .map_err(|e| unavailable("the reconciliation demo data could not be seeded", &e))?;
        engine.derive_exceptions(Utc::now()).await?;
        let (receiver, webhook_events) = subscribe_webhooks(&connection, secrets.as_ref(), &ap_key).await?;
        let user_id = default_user(&store).await?;
        info!(ms = started.elapsed().as_millis() as u64, endpoint = %connection.base_url, user = %user_id, "demo workspace ready");
        Ok(Workspace {
            store,
            engine,
            connection,
            user_id: RwLock::new(user_id),
            wake: Arc::new(Notify::new()),
            estate,
            webhook_events: Some(webhook_events),
            _receiver: receiver,
        })
    }

    /// Fault mode of every demo system, per mille of requests. Stalls last 3 s, over the
    /// demo engine's request timeout.
    pub fn set_demo_faults(&self, per_mille: u32) {
        self.estate.set_faults(sandbox::Faults {
            per_mille,
            stall_ms: Some(3_000),
            ..Default::default()
        });
    }

    pub fn demo_faults(&self) -> u32 {
        self.estate.faults().per_mille
    }

    pub fn spawn_sync_loop(&mut self, on_change: impl Fn(sync::runner::Change) + Send + Sync + 'static) {
        // Taken once: the loop owns the webhook notices from here on.
        let webhooks = self
            .webhook_events
            .take()
            .unwrap_or_else(|| tokio::sync::mpsc::channel(1).1);
        let run = sync::runner::run(
            self.engine.clone(),
            Duration::from_secs(15),
            self.wake.clone(),
            webhooks,
            on_change,
        );
        tauri::async_runtime::spawn(run);
    }
}

/// A policy file of the workspace beside the mirror (`exceptions.json`, `approvals.json`),
/// written with the defaults on first start so there is a file to edit. A file that does not
/// parse stops the start with its path and the reason, rather than running on rules nobody chose.
fn policy_file<P: Default + serde::Serialize>(
    dir: &std::path::Path,
    name: &str,
    parse: fn(&str) -> Result<P, domain::DomainError>,
) -> Result<P, CommandError> {
    let path = dir.join(name);
    let invalid = |why: String| CommandError::invalid(format!("{}: {why}", path.display()));
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text).map_err(|e| invalid(e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let policy = P::default();
            let text = serde_json::to_string_pretty(&policy).map_err(|e| invalid(e.to_string()))?;
            std::fs::write(&path, text).map_err(|e| invalid(e.to_string()))?;
            Ok(policy)
        }
        Err(e) => Err(invalid(e.to_string())),
    }
}

/// The connection the app keeps for a demo system: the AP system under its historic id, each
/// with a schedule in the range real estates use (AP often, the bank less, the ERPs least).
fn demo_connection(system: &sandbox::System) -> Connection {
    let (id, every) = match system.kind {
        SystemKind::Ap => (DEMO_CONNECTION.to_string(), 15),
        SystemKind::Treasury => (system.id.clone(), 20),
        SystemKind::Erp => (system.id.clone(), 30),
    };
    Connection {
        secret_ref: format!("demo/{id}/secret"),
        id,
        kind: system.kind.as_str().into(),
        name: format!("{} · sandbox", system.name),
        base_url: system.base_url.clone(),
        client_id: system.client_id.clone(),
        sync_every_secs: every,
    }
}

/// Starts the webhook receiver on a free loopback port and subscribes it at the demo AP system,
/// with a fresh signing secret kept in the OS keyring.
async fn subscribe_webhooks(
    connection: &Connection,
    secrets: &dyn SecretStore,
    api_key: &str,
) -> Result<
    (
        connect::webhook::Receiver,
        tokio::sync::mpsc::Receiver<(String, connect::webhook::WebhookEvent)>,
    ),
    CommandError,
> {
    let unavailable = |what: &str, e: &dyn std::fmt::Display| {
        CommandError::new(CommandErrorCode::Unavailable, format!("{what}: {e}"))
    };
    let secret = format!("whsec-{}", uuid::Uuid::new_v4().simple());
    let secret_ref = format!("{}/webhook-secret", connection.secret_ref);
    secrets
        .set(&secret_ref, &secret)
        .map_err(|e| CommandError::new(CommandErrorCode::Unavailable, e.to_string()))?;
    let (tx, rx) = tokio::sync::mpsc::channel(1024);
    let receiver = connect::webhook::Receiver::start(
        "127.0.0.1:0".parse().expect("valid address"),
        [(connection.id.clone(), secret.clone().into_bytes())]
            .into_iter()
            .collect(),
        tx,
    )
    .await
    .map_err(|e| unavailable("the webhook receiver could not start", &e))?;
    let subscribed = reqwest::Client::new()
        .post(format!("{}/api/v1/webhooks", connection.base_url))
        .header("x-api-key", api_key)
        .json(&serde_json::json!({ "url": receiver.url_for(&connection.id), "secret": secret }))
        .send()
        .await
        .map_err(|e| unavailable("could not subscribe to the demo AP system's webhooks", &e))?;
    if !subscribed.status().is_success() {
        return Err(unavailable(
            "the demo AP system refused the webhook subscription",
            &subscribed.status(),
        ));
    }
    Ok((receiver, rx))
}

/// `CTOWER_USER` if set, else the approver with the most pending steps.
async fn default_user(store: &Store) -> Result<String, CommandError> {
    if let Ok(u) = std::env::var("CTOWER_USER") {
        return Ok(u);
    }
    let approvals = store::approvals::all(store).await?;
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for a in approvals.iter().filter(|a| a.status == domain::ApprovalStatus::Pending) {
        *counts.entry(a.approver_id.clone()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(u, _)| u)
        .ok_or_else(|| CommandError::new(CommandErrorCode::NotFound, "the demo system has no approvers"))
}
