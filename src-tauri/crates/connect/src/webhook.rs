//! Webhooks from sources: the signature scheme (HMAC-SHA256 over `timestamp.body`), the checks
//! every delivery must pass (size, signature, timestamp window, replay), and a receiver on a
//! loopback port that hands verified events to the sync engine.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::mpsc;

/// Largest body accepted; real events are a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;
/// How far a delivery's timestamp may be from now, in seconds (replays of old captures fail).
pub const TOLERANCE_SECS: i64 = 300;
pub const SIGNATURE_HEADER: &str = "x-signature";

/// A change notice: which record changed. The receiver pulls the record itself; the event's
/// content is never trusted as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEvent {
    pub id: String,
    pub resource: String,
    pub record_id: String,
    pub version: i64,
    pub occurred_at: String,
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("body of {0} bytes is over the {MAX_BODY}-byte limit")]
    Oversized(usize),
    #[error("no {SIGNATURE_HEADER} header")]
    MissingSignature,
    #[error("malformed signature header: {0}")]
    MalformedSignature(String),
    #[error("signature does not match the body")]
    BadSignature,
    #[error("timestamp is {0} s away from now (allowed: {TOLERANCE_SECS} s)")]
    Stale(i64),
    #[error("unknown connection {0}")]
    UnknownConnection(String),
    #[error("body is not an event: {0}")]
    BadBody(String),
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let mut m = HmacSha256::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// The header value a source sends: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Checks size, signature (constant-time) and timestamp window.
pub fn verify(secret: &[u8], header: Option<&str>, body: &[u8], now_unix: i64) -> Result<(), Refusal> {
    if body.len() > MAX_BODY {
        return Err(Refusal::Oversized(body.len()));
    }
    let header = header.ok_or(Refusal::MissingSignature)?;
    let (mut t, mut v1) = (None, None);
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (t, v1) = match (t, v1) {
        (Some(t), Some(v1)) => (t, v1),
        _ => return Err(Refusal::MalformedSignature(header.chars().take(80).collect())),
    };
    mac(secret, t, body)
        .verify_slice(&v1)
        .map_err(|_| Refusal::BadSignature)?;
    let age = now_unix - t;
    if age.abs() > TOLERANCE_SECS {
        return Err(Refusal::Stale(age));
    }
    Ok(())
}

/// Remembers recent event ids so a delivery sent twice is processed once.
#[derive(Debug, Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    const CAPACITY: usize = 50_000;

    /// Returns false if the id was seen already.
    fn insert(&mut self, id: &str) -> bool {
        if !self.ids.insert(id.to_string()) {
            return false;
        }
        self.order.push_back(id.to_string());
        if self.order.len() > Self::CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        true
    }
}

/// Counts for the health screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReceiverStats {
    pub accepted: u64,
    pub duplicates: u64,
    pub refused: u64,
}

struct Shared {
    secrets: HashMap<String, Vec<u8>>,
    seen: Mutex<Seen>,
    stats: Mutex<ReceiverStats>,
    events: mpsc::Sender<(String, WebhookEvent)>,
}

/// A running receiver. Verified, first-seen events arrive on the channel given to `start`.
pub struct Receiver {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Receiver {
    /// Listens on `bind` (port 0 for a free one) for `POST /webhooks/{connection_id}`.
    pub async fn start(
        bind: SocketAddr,
        secrets: HashMap<String, Vec<u8>>,
        events: mpsc::Sender<(String, WebhookEvent)>,
    ) -> std::io::Result<Receiver> {
        let shared = Arc::new(Shared {
            secrets,
            seen: Mutex::default(),
            stats: Mutex::default(),
            events,
        });
        let app = Router::new()
            .route("/webhooks/{connection_id}", post(receive))
            // Let oversized bodies reach the check, which answers with a clear refusal.
            .layer(DefaultBodyLimit::max(MAX_BODY * 4))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(e) = served.await {
                tracing::error!(error = %e, "webhook receiver stopped");
            }
        });
        Ok(Receiver {
            addr,
            shared,
            _stop: stop,
        })
    }

    pub fn url_for(&self, connection_id: &str) -> String {
        format!("http://{}/webhooks/{connection_id}", self.addr)
    }

    pub fn stats(&self) -> ReceiverStats {
        *self.shared.stats.lock().unwrap_or_else(|p| p.into_inner())
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    Path(connection_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<serde_json::Value>) {
    let outcome = check(&shared, &connection_id, &headers, &body);
    let mut stats = shared.stats.lock().unwrap_or_else(|p| p.into_inner());
    match outcome {
        Err(refusal) => {
            stats.refused += 1;
            tracing::warn!(connection = %connection_id, %refusal, "webhook refused");
            let status = match refusal {
                Refusal::Oversized(_) => StatusCode::PAYLOAD_TOO_LARGE,
                Refusal::UnknownConnection(_) => StatusCode::NOT_FOUND,
                Refusal::BadBody(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::UNAUTHORIZED,
            };
            (status, Json(serde_json::json!({ "error": refusal.to_string() })))
        }
        Ok(None) => {
            stats.duplicates += 1;
            (StatusCode::OK, Json(serde_json::json!({ "status": "duplicate" })))
        }
        Ok(Some(event)) => {
            stats.accepted += 1;
            drop(stats);
            // A full queue means the engine is busy; the periodic sync catches up regardless.
            let _ = shared.events.try_send((connection_id, event));
            (StatusCode::OK, Json(serde_json::json!({ "status": "accepted" })))
        }
    }
}

/// Verifies a delivery; `Ok(None)` is a duplicate of one already accepted.
fn check(
    shared: &Shared,
    connection_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<WebhookEvent>, Refusal> {
    if body.len() > MAX_BODY {
        return Err(Refusal::Oversized(body.len()));
    }
    let secret = shared
        .secrets
        .get(connection_id)
        .ok_or_else(|| Refusal::UnknownConnection(connection_id.into()))?;
    let header = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    verify(secret, header, body, chrono::Utc::now().timestamp())?;
    let event: WebhookEvent = serde_json::from_slice(body).map_err(|e| Refusal::BadBody(e.to_string()))?;
    let first = shared.seen.lock().unwrap_or_else(|p| p.into_inner()).insert(&event.id);
    Ok(first.then_some(event))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_body_verifies_and_any_change_does_not() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign(b"secret", 1_000, body);
        assert_eq!(verify(b"secret", Some(&header), body, 1_010), Ok(()));
        assert_eq!(verify(b"other", Some(&header), body, 1_010), Err(Refusal::BadSignature));
        assert_eq!(
            verify(b"secret", Some(&header), br#"{"id":"evt_2"}"#, 1_010),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(b"secret", Some(&header), body, 1_000 + TOLERANCE_SECS + 1),
            Err(Refusal::Stale(301))
        );
        assert_eq!(verify(b"secret", None, body, 1_000), Err(Refusal::MissingSignature));
        assert!(matches!(
            verify(b"secret", Some("v1=zz"), body, 1_000),
            Err(Refusal::MalformedSignature(_))
        ));
        // A timestamp moved forward breaks the signature even inside the window.
        let moved = header.replace("t=1000", "t=1005");
        assert_eq!(verify(b"secret", Some(&moved), body, 1_010), Err(Refusal::BadSignature));
    }
}
