//! The audit chain refuses edits through SQL and `verify` detects edits, removals and reorders
//! made behind its back.

use chrono::Utc;
use store::audit::{self, Break, NewEvent};
use store::Store;

async fn store_with_events(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("m.db")).await.unwrap();
    for i in 0..n {
        let mut tx = store.begin().await.unwrap();
        let id = format!("APR-{i}");
        let event = NewEvent {
            actor_id: "U001",
            action: "approval_decision.queued",
            object_type: "approval_decision",
            object_id: &id,
            before: Some(serde_json::json!({ "status": "pending" })),
            after: Some(serde_json::json!({ "decision": "approve" })),
        };
        audit::append(&mut tx, &event, Utc::now()).await.unwrap();
        tx.commit().await.unwrap();
    }
    (dir, store)
}

async fn exec(store: &Store, sql: &str) {
    sqlx::query(sql).execute(store.writer()).await.unwrap();
}

#[tokio::test]
async fn an_intact_chain_verifies() {
    let (_d, store) = store_with_events(5).await;
    let (count, breaks) = audit::verify(&store).await.unwrap();
    assert_eq!(count, 5);
    assert!(breaks.is_empty(), "{breaks:?}");
}

#[tokio::test]
async fn updates_and_deletes_are_refused_by_the_database() {
    let (_d, store) = store_with_events(2).await;
    let update = sqlx::query("UPDATE audit_events SET actor_id = 'U999' WHERE seq = 1")
        .execute(store.writer())
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM audit_events WHERE seq = 2")
        .execute(store.writer())
        .await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[tokio::test]
async fn an_edit_behind_the_triggers_is_detected() {
    let (_d, store) = store_with_events(4).await;
    exec(&store, "DROP TRIGGER audit_events_no_update").await;
    exec(
        &store,
        "UPDATE audit_events SET after = '{\"decision\":\"reject\"}' WHERE seq = 3",
    )
    .await;
    let (_, breaks) = audit::verify(&store).await.unwrap();
    assert_eq!(breaks, vec![Break::Edited { seq: 3 }]);
}

#[tokio::test]
async fn a_removed_event_is_detected() {
    let (_d, store) = store_with_events(4).await;
    exec(&store, "DROP TRIGGER audit_events_no_delete").await;
    exec(&store, "DELETE FROM audit_events WHERE seq = 2").await;
    let (count, breaks) = audit::verify(&store).await.unwrap();
    assert_eq!(count, 3);
    assert!(breaks.contains(&Break::Gap { after: 1, found: 3 }), "{breaks:?}");
    assert!(
        breaks.iter().any(|b| matches!(b, Break::Unlinked { seq: 3, .. })),
        "{breaks:?}"
    );
}

#[tokio::test]
async fn reordered_events_are_detected() {
    let (_d, store) = store_with_events(4).await;
    exec(&store, "DROP TRIGGER audit_events_no_update").await;
    // Swap the contents of events 2 and 3, keeping the sequence numbers.
    exec(
        &store,
        "UPDATE audit_events SET seq = CASE seq WHEN 2 THEN 1002 WHEN 3 THEN 1003 ELSE seq END WHERE seq IN (2, 3)",
    )
    .await;
    exec(
        &store,
        "UPDATE audit_events SET seq = CASE seq WHEN 1002 THEN 3 WHEN 1003 THEN 2 END WHERE seq > 1000",
    )
    .await;
    let (_, breaks) = audit::verify(&store).await.unwrap();
    assert!(!breaks.is_empty());
    assert!(
        breaks
            .iter()
            .any(|b| matches!(b, Break::Edited { seq: 2 } | Break::Unlinked { seq: 2, .. })),
        "{breaks:?}"
    );
}
