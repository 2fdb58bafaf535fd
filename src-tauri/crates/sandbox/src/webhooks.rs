//! Pushes change notices to webhook subscribers, signed like real AP systems sign them
//! (HMAC-SHA256 over `timestamp.body`). In fault mode some are sent twice and out of order.

use std::sync::{Mutex, Weak};
use std::time::Duration;

use hmac::{Hmac, Mac};
use rand::seq::SliceRandom;
use sha2::Sha256;

use crate::ap::ApState;

fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length.
    let mut m = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    format!("t={timestamp},v1={}", hex::encode(m.finalize().into_bytes()))
}

/// Runs while the sandbox lives: every 200 ms sends what changed since.
pub(crate) async fn deliver(state: Weak<Mutex<ApState>>) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let Some(state) = state.upgrade() else { return };
        let (batch, subscriptions) = {
            let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
            let mut batch = std::mem::take(&mut s.pending_events);
            let mut doubled = Vec::new();
            for e in &batch {
                if s.duplicate_event() {
                    doubled.push(e.clone());
                }
            }
            if !doubled.is_empty() {
                batch.extend(doubled);
                batch.shuffle(&mut rand::thread_rng());
            }
            (batch, s.subscriptions.clone())
        };
        drop(state);
        for event in &batch {
            let Ok(body) = serde_json::to_vec(event) else { continue };
            for (url, secret) in &subscriptions {
                let header = signature(secret, chrono::Utc::now().timestamp(), &body);
                let sent = client
                    .post(url)
                    .header("content-type", "application/json")
                    .header("x-signature", header)
                    .body(body.clone())
                    .send()
                    .await;
                if let Err(e) = sent {
                    tracing::debug!(%url, error = %e, "webhook not delivered");
                }
            }
        }
    }
}
