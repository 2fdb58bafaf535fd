//! The whole estate (AP, two ERPs, treasury) on 127.0.0.1 with a fresh mirror and every
//! system's credential in the OS keyring: what the estate-wide tests start from.

use std::sync::Arc;
use std::time::Duration;

use connect::{HttpPolicy, KeyringSecrets, SecretStore};
use sandbox::{Estate, SandboxConfig, Size};
use store::connections::Connection;
use store::Store;
use sync::Engine;

pub struct Setup {
    pub estate: Estate,
    pub store: Store,
    pub engine: Engine,
    pub refs: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Drop for Setup {
    fn drop(&mut self) {
        for r in &self.refs {
            let _ = KeyringSecrets.delete(r);
        }
    }
}

pub async fn setup(seed: u64, invoices: usize) -> Setup {
    let estate = Estate::start(
        SandboxConfig {
            seed,
            size: Size::Invoices(invoices),
            api_key: format!("sk-estate-{}", uuid::Uuid::new_v4().simple()),
            now: "2026-11-20T12:00:00Z".parse().unwrap(),
        },
        [127, 0, 0, 1].into(),
        0,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("mirror.db")).await.unwrap();
    let mut refs = Vec::new();
    for s in estate.systems() {
        let secret_ref = format!("test-estate-{}-{}", s.id, uuid::Uuid::new_v4().simple());
        KeyringSecrets
            .set(&secret_ref, &s.secret)
            .expect("the OS keyring (run under make test)");
        refs.push(secret_ref.clone());
        store::connections::save(
            &store,
            &Connection {
                id: s.id.clone(),
                kind: s.kind.as_str().into(),
                name: s.name.clone(),
                base_url: s.base_url.clone(),
                secret_ref,
                client_id: s.client_id.clone(),
                sync_every_secs: 0,
            },
        )
        .await
        .unwrap();
    }
    let engine = Engine::new(store.clone(), Arc::new(KeyringSecrets))
        .with_policy(HttpPolicy {
            timeout: Duration::from_millis(300),
            max_attempts: 6,
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(40),
            limiter: None,
        })
        .with_page_size(40);
    Setup {
        estate,
        store,
        engine,
        refs,
        _dir: dir,
    }
}
