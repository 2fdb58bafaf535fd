//! Webhooks: deliveries with a bad signature, an old timestamp, an oversized body or a replayed
//! id are refused or ignored over real HTTP; a real change at the source arrives as a targeted
//! pull without a full sync.

mod common;

use std::time::Duration;

use common::{world, CONN};
use connect::webhook::{sign, Receiver, WebhookEvent, MAX_BODY};
use tokio::sync::mpsc;

const SECRET: &[u8] = b"whsec-test";

async fn receiver() -> (Receiver, mpsc::Receiver<(String, WebhookEvent)>) {
    let (tx, rx) = mpsc::channel(64);
    let r = Receiver::start(
        "127.0.0.1:0".parse().unwrap(),
        [(CONN.to_string(), SECRET.to_vec())].into(),
        tx,
    )
    .await
    .unwrap();
    (r, rx)
}

fn event(id: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": id, "resource": "invoices", "record_id": "INV-0000001", "version": 2,
        "occurred_at": "2026-11-22T09:00:00Z"
    }))
    .unwrap()
}

async fn post(url: &str, body: Vec<u8>, signature: Option<String>) -> reqwest::StatusCode {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(s) = signature {
        req = req.header("x-signature", s);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn bad_signatures_stale_timestamps_oversized_bodies_and_replays_are_refused() {
    let (r, mut events) = receiver().await;
    let url = r.url_for(CONN);
    let now = chrono::Utc::now().timestamp();

    let good = event("evt_1");
    assert_eq!(post(&url, good.clone(), Some(sign(SECRET, now, &good))).await, 200);
    assert_eq!(events.recv().await.unwrap().1.id, "evt_1");

    // Signed with another secret.
    let body = event("evt_2");
    assert_eq!(post(&url, body.clone(), Some(sign(b"wrong", now, &body))).await, 401);
    // No signature at all.
    assert_eq!(post(&url, body.clone(), None).await, 401);
    // A body changed after signing.
    assert_eq!(post(&url, event("evt_3"), Some(sign(SECRET, now, &body))).await, 401);
    // Correctly signed, but ten minutes old: a captured delivery replayed later.
    assert_eq!(
        post(&url, body.clone(), Some(sign(SECRET, now - 600, &body))).await,
        401
    );
    // Oversized.
    let big = vec![b' '; MAX_BODY + 1];
    assert_eq!(post(&url, big.clone(), Some(sign(SECRET, now, &big))).await, 413);
    // The same delivery again: acknowledged, not processed twice.
    assert_eq!(post(&url, good.clone(), Some(sign(SECRET, now, &good))).await, 200);
    // An unknown connection.
    let other = url.replace(CONN, "nobody");
    assert_eq!(post(&other, good.clone(), Some(sign(SECRET, now, &good))).await, 404);

    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(events.try_recv().is_err(), "nothing but the first event got through");
    let stats = r.stats();
    assert_eq!((stats.accepted, stats.duplicates, stats.refused), (1, 1, 6));
}

#[tokio::test]
async fn a_change_at_the_source_arrives_by_webhook_as_a_targeted_pull() {
    let w = world(51).await;
    w.engine.sync_all().await.unwrap();
    let (r, mut events) = receiver().await;
    let subscribed = reqwest::Client::new()
        .post(format!("{}/api/v1/webhooks", w.sandbox.base_url()))
        .header("x-api-key", &w.api_key)
        .json(&serde_json::json!({ "url": r.url_for(CONN), "secret": String::from_utf8_lossy(SECRET) }))
        .send()
        .await
        .unwrap();
    assert_eq!(subscribed.status(), 201);

    let id = w.sandbox.snapshot().invoices[5].id.clone();
    assert!(w.sandbox.touch_invoice(&id, 7));
    let (conn, notice) = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (notice.resource.as_str(), notice.record_id.as_str(), notice.version),
        ("invoices", id.as_str(), 2)
    );
    assert!(w.engine.pull_one(&conn, &notice).await.unwrap(), "the mirror changed");
    let mirrored = store::invoices::get(&w.store, CONN, &id).await.unwrap().unwrap();
    assert_eq!(mirrored.provenance.source_version, 2);
    // The same notice again changes nothing: versions make duplicates harmless.
    assert!(!w.engine.pull_one(&conn, &notice).await.unwrap());
}
