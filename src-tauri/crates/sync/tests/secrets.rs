//! The connection's API key lives in the OS keyring and nowhere else: not in the SQLite files,
//! not in the logs, and it is what the keyring returns for the connection's entry.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::world;
use domain::Decision;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_api_key_is_in_the_keyring_and_not_in_the_database_or_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let w = world(41).await;
    // Exercise everything that handles the key: sync, a delivery with retries, a refusal.
    w.sandbox.set_faults(sandbox::Faults {
        fail_next: vec![503],
        ..Default::default()
    });
    w.engine.sync_all().await.unwrap();
    let (approval, approver) = common::decidable(&w);
    w.engine
        .decide(&approver, common::CONN, &approval, Decision::Approve, None)
        .await
        .unwrap();
    w.engine.deliver_outbox().await.unwrap();
    w.store.close().await;

    // The keyring holds it under the connection's entry, read by an independent client.
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "control-tower", "username", &w.secret_ref])
        .output()
        .expect("secret-tool (libsecret-tools) is installed");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), w.api_key);

    // No file of the mirror contains it (database, WAL, shared memory).
    let mut scanned = 0;
    for entry in std::fs::read_dir(w.dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        scanned += 1;
        assert!(
            !bytes.windows(w.api_key.len()).any(|win| win == w.api_key.as_bytes()),
            "the key leaked into a file"
        );
    }
    assert!(scanned >= 1);
    // The logs of all of it do not either, though they are there.
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("sync run finished"), "logs were captured");
    assert!(!logs.contains(&w.api_key), "the key leaked into the logs");
}
