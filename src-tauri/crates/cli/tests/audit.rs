//! `ctower audit export`: an evidence pack whose manifest vouches for every file, and none at all
//! from a chain someone edited.

use std::path::Path;
use std::process::Command;

use store::audit::NewEvent;
use store::Store;

async fn mirror_with_events(db: &Path, n: usize) -> Store {
    let store = Store::open(db).await.unwrap();
    for i in 0..n {
        let mut tx = store.begin().await.unwrap();
        store::audit::append(
            &mut tx,
            &NewEvent {
                actor_id: "U007",
                action: "exception.override",
                object_type: "exception",
                object_id: &format!("price_variance:erp-a:{i}"),
                before: Some(serde_json::json!({ "status": "open" })),
                after: Some(serde_json::json!({ "status": "overridden", "reason": "agreed, with a comma" })),
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    store
}

fn export(db: &Path, out: &Path) -> (bool, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_ctower"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "audit",
            "export",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[tokio::test]
async fn the_pack_holds_every_event_and_its_manifest_hashes_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mirror.db");
    mirror_with_events(&db, 5).await.close().await;
    let out = dir.path().join("pack");
    let (ok, said) = export(&db, &out);
    assert!(ok, "{said}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["events"], 5);
    for name in ["events.jsonl", "events.csv", "verification.txt"] {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert_eq!(
            manifest["files"][name]["sha256"],
            domain::checksum::sha256_hex(&bytes),
            "{name}"
        );
    }
    let lines = std::fs::read_to_string(out.join("events.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 5);
    let csv = std::fs::read_to_string(out.join("events.csv")).unwrap();
    assert_eq!(csv::Reader::from_reader(csv.as_bytes()).records().count(), 5);
    // A second export never mixes into the first.
    let (ok, said) = export(&db, &out);
    assert!(!ok && said.contains("not empty"), "{said}");
}

#[tokio::test]
async fn an_edited_chain_gets_no_pack() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mirror.db");
    let store = mirror_with_events(&db, 3).await;
    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(store.writer())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET actor_id = 'U999' WHERE seq = 2")
        .execute(store.writer())
        .await
        .unwrap();
    store.close().await;
    let out = dir.path().join("pack");
    let (ok, said) = export(&db, &out);
    assert!(!ok, "{said}");
    assert!(said.contains("no evidence pack written"), "{said}");
    assert!(!out.join("manifest.json").exists());
}
