//! Fault mode, shared by the three systems: injected statuses, throttling with `Retry-After`,
//! malformed records, cut-off pages, stalled answers (timeouts) and dropped connections.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Faults the sandbox injects into its next responses, set through `POST /_sandbox/faults`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// HTTP statuses to answer the next API requests with, in order (e.g. `[503, 503]`).
    pub fail_next: Vec<u16>,
    /// How many of the next list pages carry one malformed record.
    pub malformed_records: u32,
    /// How many of the next list pages are not valid JSON at all.
    pub broken_pages: u32,
    /// Seconds of `Retry-After` on injected 429 and 503 answers.
    pub retry_after_secs: Option<u64>,
    /// Fault mode: of every 1000 API requests, how many get a random fault (503, 429 with
    /// Retry-After, a malformed record, a cut-off page, a stalled answer, a dropped connection).
    pub per_mille: u32,
    /// How long a stalled answer hangs before the server gives up (longer than a client's
    /// timeout, so the client sees a timeout). Default 25 s.
    pub stall_ms: Option<u64>,
}

/// One injected fault drawn for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Drawn {
    Unavailable,
    Throttled,
    MalformedRecord,
    BrokenPage,
    Stall,
    Reset,
}

impl Drawn {
    fn name(self) -> &'static str {
        match self {
            Drawn::Unavailable => "unavailable",
            Drawn::Throttled => "throttled",
            Drawn::MalformedRecord => "malformed_record",
            Drawn::BrokenPage => "broken_page",
            Drawn::Stall => "stall",
            Drawn::Reset => "reset",
        }
    }
}

/// Marks a response the network layer must turn into a timeout or a dropped connection.
#[derive(Debug, Clone, Copy)]
enum Network {
    Stall(Duration),
    Reset,
}

/// A system's fault state: the configuration, the seeded dice, a page fault drawn for the
/// request being answered.
pub(crate) struct FaultState {
    pub faults: Faults,
    rng: rand_chacha::ChaCha8Rng,
    pub page_fault: Option<Drawn>,
    /// How many faults of each kind were injected, so tests can tell fault mode really ran.
    pub injected: std::collections::BTreeMap<&'static str, u64>,
}

impl FaultState {
    pub fn new(seed: u64) -> FaultState {
        use rand::SeedableRng;
        FaultState {
            faults: Faults::default(),
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xFA17),
            page_fault: None,
            injected: Default::default(),
        }
    }

    /// Whether to inject a fault into this request (after authentication): `Some` is the
    /// answer to give instead. Page faults are kept for the list handler to apply.
    pub fn inject(&mut self, listing: bool) -> Option<Response> {
        let drawn = self.draw(listing);
        let code = match drawn {
            Some(Drawn::Unavailable) => Some(503),
            Some(Drawn::Throttled) => Some(429),
            Some(Drawn::Stall) => {
                let ms = self.faults.stall_ms.unwrap_or(25_000);
                return Some(network(Network::Stall(Duration::from_millis(ms))));
            }
            Some(Drawn::Reset) => return Some(network(Network::Reset)),
            Some(page) => {
                self.page_fault = Some(page);
                None
            }
            None => None,
        };
        let code = code.or_else(|| (!self.faults.fail_next.is_empty()).then(|| self.faults.fail_next.remove(0)))?;
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let mut resp = (
            status,
            Json(serde_json::json!({"error": "injected_fault", "message": format!("sandbox fault mode answered {code}")})),
        )
            .into_response();
        if let Some(secs) = self.faults.retry_after_secs.or((code == 429).then_some(1)) {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert("retry-after", v);
            }
        }
        Some(resp)
    }

    fn draw(&mut self, listing: bool) -> Option<Drawn> {
        let rate = self.faults.per_mille.min(1000);
        if rate == 0 || self.rng.gen_range(0..1000) >= rate {
            return None;
        }
        let drawn = self.kind(listing);
        *self.injected.entry(drawn.name()).or_default() += 1;
        Some(drawn)
    }

    fn kind(&mut self, listing: bool) -> Drawn {
        let kinds: &[Drawn] = if listing {
            &[
                Drawn::Unavailable,
                Drawn::Throttled,
                Drawn::MalformedRecord,
                Drawn::BrokenPage,
                Drawn::Stall,
                Drawn::Reset,
            ]
        } else {
            &[Drawn::Unavailable, Drawn::Throttled, Drawn::Stall, Drawn::Reset]
        };
        kinds[self.rng.gen_range(0..kinds.len())]
    }

    /// Takes the page faults due for this list page: (cut off, one malformed record).
    pub fn page_faults(&mut self) -> (bool, bool) {
        let drawn = self.page_fault.take();
        let broken = self.faults.broken_pages > 0 || drawn == Some(Drawn::BrokenPage);
        let malformed = self.faults.malformed_records > 0 || drawn == Some(Drawn::MalformedRecord);
        if broken {
            self.faults.broken_pages = self.faults.broken_pages.saturating_sub(1);
        }
        if malformed {
            self.faults.malformed_records = self.faults.malformed_records.saturating_sub(1);
        }
        (broken, malformed)
    }

    /// Fault mode for webhooks: whether to send an event twice.
    pub fn duplicate(&mut self) -> bool {
        let rate = self.faults.per_mille.min(1000);
        rate > 0 && self.rng.gen_range(0..1000) < rate
    }
}

fn network(kind: Network) -> Response {
    let mut resp = StatusCode::GATEWAY_TIMEOUT.into_response();
    resp.extensions_mut().insert(kind);
    resp
}

/// A page cut off mid-way, as a proxy timing out would deliver it.
pub(crate) fn cut_off(text: &str) -> Response {
    let cut = text.len() / 2;
    let mut end = cut;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        text[..end].to_string(),
    )
        .into_response()
}

/// The network layer of every sandbox server: a stalled answer hangs (the handler has already
/// released the system's lock), a reset sends the start of a body and drops the connection.
pub(crate) async fn network_layer(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    match resp.extensions().get::<Network>().copied() {
        None => resp,
        Some(Network::Stall(d)) => {
            tokio::time::sleep(d).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        Some(Network::Reset) => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"data\":[")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "connection reset by peer",
                )),
            ];
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                Body::from_stream(futures_util::stream::iter(chunks)),
            )
                .into_response()
        }
    }
}
