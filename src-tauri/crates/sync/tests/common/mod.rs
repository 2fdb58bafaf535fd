//! Shared set-up: a real AP sandbox on 127.0.0.1, a real SQLite file, the real OS keyring.
#![allow(dead_code)]

pub mod estate;

use std::sync::Arc;
use std::time::Duration;

use connect::{HttpPolicy, KeyringSecrets, SecretStore};
use sandbox::{Sandbox, SandboxConfig, Size};
use store::connections::Connection;
use store::Store;
use sync::Engine;

pub const CONN: &str = "ap-test";

pub struct World {
    pub sandbox: Sandbox,
    pub store: Store,
    pub engine: Engine,
    pub api_key: String,
    pub secret_ref: String,
    pub dir: tempfile::TempDir,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = KeyringSecrets.delete(&self.secret_ref);
    }
}

pub fn fast_policy() -> HttpPolicy {
    HttpPolicy {
        timeout: Duration::from_secs(5),
        max_attempts: 4,
        base_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        limiter: None,
    }
}

pub async fn world(seed: u64) -> World {
    let api_key = format!("sk-test-{}", uuid::Uuid::new_v4().simple());
    let now = "2026-11-20T12:00:00Z".parse().unwrap();
    let sandbox = Sandbox::start(
        SandboxConfig {
            seed,
            size: Size::Demo,
            api_key: api_key.clone(),
            now,
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("mirror.db")).await.unwrap();
    let secret_ref = format!("test-{}", uuid::Uuid::new_v4().simple());
    KeyringSecrets
        .set(&secret_ref, &api_key)
        .expect("the OS keyring must be available (run under make test)");
    store::connections::save(
        &store,
        &Connection {
            id: CONN.into(),
            kind: "ap".into(),
            name: "AP sandbox".into(),
            base_url: sandbox.base_url(),
            secret_ref: secret_ref.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let engine = Engine::new(store.clone(), Arc::new(KeyringSecrets))
        .with_policy(fast_policy())
        .with_page_size(37);
    World {
        sandbox,
        store,
        engine,
        api_key,
        secret_ref,
        dir,
    }
}

/// A pending step whose approver neither created nor coded the invoice.
pub fn decidable(w: &World) -> (String, String) {
    let snap = w.sandbox.snapshot();
    snap.approvals
        .iter()
        .find(|a| {
            a.status == "pending"
                && snap.invoices.iter().any(|i| {
                    i.id == a.invoice_id
                        && i.created_by.as_deref() != Some(&a.approver_id)
                        && i.coded_by.as_deref() != Some(&a.approver_id)
                })
        })
        .map(|a| (a.id.clone(), a.approver_id.clone()))
        .expect("the demo data has decidable steps")
}
