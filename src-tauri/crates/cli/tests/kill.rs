//! SIGKILL the sync process at 20 random points of sync and outbox delivery, restart it, and
//! check that the mirror converges to the source's exact state (per-table checksums) and that
//! every queued action was applied at the source exactly once. The source runs in fault mode.
//!
//! Uses the real `ctower` binary, a real SQLite file, the sandbox over 127.0.0.1 in its own
//! process, and the OS keyring (run under `scripts/with-keyring.sh`, as `make test` does).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};

const BIN: &str = env!("CARGO_BIN_EXE_ctower");
const ACTIONS: usize = 12;
const KILLS: usize = 20;

struct Sandbox(Child);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn ctower(db: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db").arg(db).env("RUST_LOG", "error");
    c
}

/// Runs `sync --once` until a run completes without error (fault mode makes some runs partial).
fn sync_to_completion(db: &std::path::Path) {
    for _ in 0..15 {
        let out = ctower(db).args(["sync", "--once"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        if out.status.success() && !text.contains("error:") {
            return;
        }
    }
    panic!("sync did not complete in 15 runs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_points_loses_nothing_and_applies_every_action_once() {
    let seed: u64 = std::env::var("KILL_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261122);
    println!("kill test seed {seed} (set KILL_TEST_SEED to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mirror.db");
    let port = free_port();
    let key = format!("sk-kill-{}", std::process::id());
    let base = format!("http://127.0.0.1:{port}");

    let mut child = Command::new(BIN)
        .args([
            "sandbox",
            "--port",
            &port.to_string(),
            "--seed",
            "7",
            "--size",
            "6000",
            "--faults",
            "0.03",
        ])
        .args(["--api-key", &key])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("listening"), "{first}");
    let _sandbox = Sandbox(child);
    let http = reqwest::Client::new();

    let mut add = ctower(&db)
        .args(["connection", "add", "ap", "--url", &base])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{key}").unwrap();
    // Fault mode may fail the connection test once; try again like a person would.
    if !add.wait().unwrap().success() {
        let mut again = ctower(&db)
            .args(["connection", "add", "ap", "--url", &base])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(again.stdin.take().unwrap(), "{key}").unwrap();
        assert!(again.wait().unwrap().success(), "connection add failed twice");
    }
    sync_to_completion(&db);

    // Queue decisions through the real controls and outbox, without delivering them.
    let store = store::Store::open(&db).await.unwrap();
    let engine = sync::Engine::new(store.clone(), Arc::new(connect::KeyringSecrets));
    let mut queued = Vec::new();
    for a in store::approvals::all(&store).await.unwrap() {
        if queued.len() == ACTIONS || a.status != domain::ApprovalStatus::Pending {
            continue;
        }
        let decision = if queued.len() % 3 == 0 {
            domain::Decision::Reject
        } else {
            domain::Decision::Approve
        };
        if let Ok(action) = engine
            .decide(
                &a.approver_id,
                "ap",
                &a.provenance.external_id,
                decision,
                Some("kill test"),
            )
            .await
        {
            queued.push(action);
        }
    }
    assert_eq!(queued.len(), ACTIONS);
    store.close().await;

    // Work for the sync to do while it is being killed.
    let touch = |n: usize| {
        http.post(format!("{base}/_sandbox/touch"))
            .json(&serde_json::json!({ "invoices": n }))
            .send()
    };
    touch(1500).await.unwrap();
    let started = Instant::now();
    for i in 0..KILLS {
        let mut run = ctower(&db)
            .args(["sync", "--once"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(5..900)));
        // SIGKILL: no chance to clean up.
        let _ = run.kill();
        let _ = run.wait();
        if i % 5 == 4 {
            touch(300).await.unwrap();
        }
    }
    println!("{KILLS} kills in {:?}", started.elapsed());
    sync_to_completion(&db);

    // Every action applied at the source exactly once.
    let decisions: Vec<serde_json::Value> = http
        .get(format!("{base}/_sandbox/decisions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(decisions.len(), ACTIONS, "{decisions:#?}");
    for action in &queued {
        let applied = decisions
            .iter()
            .filter(|d| d["idempotency_key"] == action.idempotency_key.as_str())
            .count();
        assert_eq!(applied, 1, "action {} applied {applied} times", action.id);
    }
    let store = store::Store::open(&db).await.unwrap();
    for action in &queued {
        let stored = store::outbox::get(&store, &action.id).await.unwrap().unwrap();
        assert_eq!(stored.status, store::outbox::ActionStatus::Delivered, "{stored:?}");
    }

    // The mirror equals the source, table by table.
    let source: domain::checksum::Checksums = http
        .get(format!("{base}/_sandbox/checksums"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mirror = store::sync_log::checksums(&store, "ap").await.unwrap();
    assert_eq!(mirror, source);
    assert!(store::audit::verify(&store).await.unwrap().1.is_empty());
}
