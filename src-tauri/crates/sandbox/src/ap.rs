//! The AP system's state and HTTP API.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Duration, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::faults::{Drawn, Faults};
use crate::generate::{generate, ts};
use crate::wire::{
    ApiError, ApprovalStep, DecisionRecord, DecisionRequest, Entity, Invoice, Page, Snapshot, Supplier, User,
};
use crate::SandboxConfig;
use rand::{Rng, SeedableRng};

/// A record the API lists by change sequence.
trait Versioned: Clone + Serialize {
    fn id(&self) -> &str;
    fn bump(&mut self, at: &str);
}

macro_rules! versioned {
    ($($t:ty),*) => {$(
        impl Versioned for $t {
            fn id(&self) -> &str { &self.id }
            fn bump(&mut self, at: &str) {
                self.version += 1;
                self.updated_at = at.to_string();
            }
        }
    )*};
}
versioned!(User, Entity, Supplier, Invoice, ApprovalStep);

/// Records by id, and their ids by the sequence number of their last change, so a delta cursor
/// is simply "the last sequence number seen".
struct Table<T> {
    rows: HashMap<String, (u64, T)>,
    by_seq: BTreeMap<u64, String>,
}

impl<T: Versioned> Table<T> {
    fn new() -> Self {
        Table {
            rows: HashMap::new(),
            by_seq: BTreeMap::new(),
        }
    }

    fn put(&mut self, seq: u64, row: T) {
        let id = row.id().to_string();
        if let Some((old, _)) = self.rows.insert(id.clone(), (seq, row)) {
            self.by_seq.remove(&old);
        }
        self.by_seq.insert(seq, id);
    }

    fn get(&self, id: &str) -> Option<&T> {
        self.rows.get(id).map(|(_, r)| r)
    }

    fn page(&self, after: u64, limit: usize) -> (Vec<&T>, u64, bool) {
        let mut out = Vec::with_capacity(limit);
        let mut last = after;
        let mut iter = self.by_seq.range(after + 1..);
        for (seq, id) in iter.by_ref().take(limit) {
            out.push(&self.rows[id].1);
            last = *seq;
        }
        let has_more = iter.next().is_some();
        (out, last, has_more)
    }

    fn all(&self) -> Vec<T> {
        let mut v: Vec<T> = self.rows.values().map(|(_, r)| r.clone()).collect();
        v.sort_by(|a, b| a.id().cmp(b.id()));
        v
    }
}

struct Stored {
    status: StatusCode,
    body: serde_json::Value,
}

pub(crate) struct ApState {
    api_key: String,
    seq: u64,
    users: Table<User>,
    entities: Table<Entity>,
    suppliers: Table<Supplier>,
    invoices: Table<Invoice>,
    approvals: Table<ApprovalStep>,
    idempotency: HashMap<String, Stored>,
    pub(crate) decisions: Vec<DecisionRecord>,
    pub(crate) holds: Vec<crate::wire::HoldRecord>,
    pub(crate) faults: Faults,
    /// A page fault drawn for the request being answered.
    pending_page_fault: Option<Drawn>,
    /// Webhook subscriptions (url, secret) and the events waiting to be sent to them.
    pub(crate) subscriptions: Vec<(String, Vec<u8>)>,
    pub(crate) pending_events: Vec<crate::wire::Event>,
    event_seq: u64,
    /// Draws fault-mode faults reproducibly from the seed.
    fault_rng: rand_chacha::ChaCha8Rng,
}

impl ApState {
    pub(crate) fn generate(config: &SandboxConfig) -> ApState {
        let g = generate(config.seed, config.size, config.now);
        let mut s = ApState {
            api_key: config.api_key.clone(),
            seq: 0,
            users: Table::new(),
            entities: Table::new(),
            suppliers: Table::new(),
            invoices: Table::new(),
            approvals: Table::new(),
            idempotency: HashMap::new(),
            decisions: Vec::new(),
            holds: Vec::new(),
            faults: Faults::default(),
            pending_page_fault: None,
            subscriptions: Vec::new(),
            pending_events: Vec::new(),
            event_seq: 0,
            fault_rng: rand_chacha::ChaCha8Rng::seed_from_u64(config.seed ^ 0xFA17),
        };
        for r in g.users {
            let seq = s.next_seq();
            s.users.put(seq, r);
        }
        for r in g.entities {
            let seq = s.next_seq();
            s.entities.put(seq, r);
        }
        for r in g.suppliers {
            let seq = s.next_seq();
            s.suppliers.put(seq, r);
        }
        for r in g.invoices {
            let seq = s.next_seq();
            s.invoices.put(seq, r);
        }
        for r in g.approvals {
            let seq = s.next_seq();
            s.approvals.put(seq, r);
        }
        s
    }

    /// Fault mode: whether this request gets a fault, and which.
    fn draw_fault(&mut self, listing: bool) -> Option<Drawn> {
        let rate = self.faults.per_mille.min(1000);
        if rate == 0 || self.fault_rng.gen_range(0..1000) >= rate {
            return None;
        }
        let kinds: &[Drawn] = if listing {
            &[
                Drawn::Unavailable,
                Drawn::Throttled,
                Drawn::MalformedRecord,
                Drawn::BrokenPage,
            ]
        } else {
            &[Drawn::Unavailable, Drawn::Throttled]
        };
        Some(kinds[self.fault_rng.gen_range(0..kinds.len())])
    }

    /// Notes a change for the webhook subscribers.
    fn emit(&mut self, resource: &str, id: &str, version: i64) {
        if self.subscriptions.is_empty() {
            return;
        }
        self.event_seq += 1;
        self.pending_events.push(crate::wire::Event {
            id: format!("evt_{:08}", self.event_seq),
            resource: resource.into(),
            record_id: id.into(),
            version,
            occurred_at: ts(Utc::now()),
        });
    }

    /// Fault mode for webhooks: whether to send an event twice.
    pub(crate) fn duplicate_event(&mut self) -> bool {
        let rate = self.faults.per_mille.min(1000);
        rate > 0 && self.fault_rng.gen_range(0..1000) < rate
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            users: self.users.all(),
            entities: self.entities.all(),
            suppliers: self.suppliers.all(),
            invoices: self.invoices.all(),
            approvals: self.approvals.all(),
        }
    }

    pub(crate) fn touch_invoice(&mut self, id: &str, days: i64) -> bool {
        let Some(mut inv) = self.invoices.get(id).cloned() else {
            return false;
        };
        if let Ok(d) = inv.due_date.parse::<chrono::NaiveDate>() {
            inv.due_date = (d + Duration::days(days)).to_string();
        }
        inv.bump(&ts(Utc::now()));
        self.emit("invoices", &inv.id, inv.version);
        let seq = self.next_seq();
        self.invoices.put(seq, inv);
        true
    }

    pub(crate) fn touch_supplier(&mut self, id: &str) -> bool {
        let Some(mut supplier) = self.suppliers.get(id).cloned() else {
            return false;
        };
        supplier.bump(&ts(Utc::now()));
        self.emit("suppliers", &supplier.id, supplier.version);
        let seq = self.next_seq();
        self.suppliers.put(seq, supplier);
        true
    }

    pub(crate) fn touch_approval(&mut self, id: &str) -> bool {
        let Some(mut step) = self.approvals.get(id).cloned() else {
            return false;
        };
        step.bump(&ts(Utc::now()));
        self.emit("approvals", &step.id, step.version);
        let seq = self.next_seq();
        self.approvals.put(seq, step);
        true
    }

    /// A new invoice arrives (the demo clock): captured, coded, its first step pending today.
    pub(crate) fn arrive(&mut self, rng: &mut impl Rng, now: chrono::DateTime<Utc>) {
        let users = self.users.all();
        let approvers: Vec<&User> = users
            .iter()
            .filter(|u| u.roles.iter().any(|r| r == "approver"))
            .collect();
        let clerks: Vec<&User> = users
            .iter()
            .filter(|u| u.roles.iter().any(|r| r == "ap_clerk"))
            .collect();
        let (entities, suppliers) = (self.entities.all(), self.suppliers.all());
        if approvers.is_empty() || clerks.is_empty() || entities.is_empty() || suppliers.is_empty() {
            return;
        }
        let cast = crate::generate::Cast {
            entities: &entities,
            suppliers: &suppliers,
            approvers: &approvers,
            clerks: &clerks,
        };
        let n = self.invoices.rows.len();
        let (invoice, steps) = crate::generate::invoice(&cast, n, true, rng, now);
        self.emit("invoices", &invoice.id, invoice.version);
        let seq = self.next_seq();
        self.invoices.put(seq, invoice);
        for step in steps {
            self.emit("approvals", &step.id, step.version);
            let seq = self.next_seq();
            self.approvals.put(seq, step);
        }
    }

    /// A person places a supplier on hold or releases it.
    fn set_hold(
        &mut self,
        id: &str,
        req: &crate::wire::HoldRequest,
        if_match: Option<i64>,
    ) -> Result<Supplier, (StatusCode, ApiError)> {
        let err = |status: StatusCode, code: &str, message: String| {
            (
                status,
                ApiError {
                    error: code.into(),
                    message,
                    current: None,
                },
            )
        };
        let Some(mut supplier) = self.suppliers.get(id).cloned() else {
            return Err(err(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("supplier {id} does not exist"),
            ));
        };
        if let Some(v) = if_match.filter(|v| *v != supplier.version) {
            let msg = format!(
                "supplier {id} changed since you saw it (your version {v}, current {})",
                supplier.version
            );
            return Err(err(StatusCode::CONFLICT, "version_conflict", msg));
        }
        if supplier.on_hold == req.on_hold {
            let state = if req.on_hold { "already on hold" } else { "not on hold" };
            return Err(err(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_change",
                format!("supplier {id} is {state}"),
            ));
        }
        if req.on_hold && req.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(err(
                StatusCode::UNPROCESSABLE_ENTITY,
                "reason_required",
                "a hold needs a reason".into(),
            ));
        }
        supplier.on_hold = req.on_hold;
        supplier.bump(&ts(Utc::now()));
        self.emit("suppliers", &supplier.id, supplier.version);
        let seq = self.next_seq();
        self.suppliers.put(seq, supplier.clone());
        Ok(supplier)
    }

    /// A supplier goes on hold, or comes off it (the demo clock).
    pub(crate) fn toggle_random_hold(&mut self, rng: &mut impl Rng) {
        let ids: Vec<String> = self.suppliers.rows.keys().cloned().collect();
        if ids.is_empty() {
            return;
        }
        let id = &ids[rng.gen_range(0..ids.len())];
        if let Some(mut supplier) = self.suppliers.get(id).cloned() {
            supplier.on_hold = !supplier.on_hold;
            supplier.bump(&ts(Utc::now()));
            self.emit("suppliers", &supplier.id, supplier.version);
            let seq = self.next_seq();
            self.suppliers.put(seq, supplier);
        }
    }

    /// Applies a decision to a pending step: moves the chain on and updates the invoice.
    fn decide(
        &mut self,
        id: &str,
        req: &DecisionRequest,
        if_match: Option<i64>,
    ) -> Result<ApprovalStep, (StatusCode, ApiError)> {
        let err = |status: StatusCode, code: &str, message: String, current: Option<ApprovalStep>| {
            (
                status,
                ApiError {
                    error: code.into(),
                    message,
                    current: current.map(Box::new),
                },
            )
        };
        let Some(step) = self.approvals.get(id).cloned() else {
            return Err(err(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("approval step {id} does not exist"),
                None,
            ));
        };
        if let Some(v) = if_match {
            if v != step.version {
                let msg = format!(
                    "approval step {id} changed since you saw it (your version {v}, current {}; status {})",
                    step.version, step.status
                );
                return Err(err(StatusCode::CONFLICT, "version_conflict", msg, Some(step)));
            }
        }
        if step.status != "pending" {
            let by = step.decided_by.clone().unwrap_or_else(|| "someone else".into());
            let msg = format!("approval step {id} is already {} (by {by})", step.status);
            return Err(err(StatusCode::UNPROCESSABLE_ENTITY, "not_pending", msg, Some(step)));
        }
        if step.approver_id != req.actor_id {
            let msg = format!("{} is not the approver of step {id}", req.actor_id);
            return Err(err(StatusCode::UNPROCESSABLE_ENTITY, "not_approver", msg, Some(step)));
        }
        let status = match req.decision.as_str() {
            "approve" => "approved",
            "reject" if req.comment.as_deref().is_some_and(|c| !c.trim().is_empty()) => "rejected",
            "reject" => {
                return Err(err(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "comment_required",
                    "a rejection needs a comment".into(),
                    Some(step),
                ))
            }
            other => {
                return Err(err(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_decision",
                    format!("unknown decision {other:?}"),
                    Some(step),
                ))
            }
        };
        let now = ts(Utc::now());
        let mut decided = step.clone();
        decided.status = status.into();
        decided.decided_at = Some(now.clone());
        decided.decided_by = Some(req.actor_id.clone());
        decided.comment = req.comment.clone();
        decided.bump(&now);
        self.emit("approvals", &decided.id, decided.version);
        let seq = self.next_seq();
        self.approvals.put(seq, decided.clone());

        // Steps of one chain share an id stem: APR-<invoice>-<step>.
        let stem = id.rsplit_once('-').map_or(id, |(stem, _)| stem);
        let next = self
            .approvals
            .get(&format!("{stem}-{}", step.step + 1))
            .filter(|s| s.invoice_id == step.invoice_id && s.status == "waiting")
            .cloned();
        let invoice_status = match (status, next) {
            ("approved", Some(mut next)) => {
                next.status = "pending".into();
                next.assigned_at = now.clone();
                next.bump(&now);
                self.emit("approvals", &next.id, next.version);
                let seq = self.next_seq();
                self.approvals.put(seq, next);
                None
            }
            ("approved", None) => Some("approved"),
            _ => Some("rejected"),
        };
        if let Some(st) = invoice_status {
            if let Some(mut inv) = self.invoices.get(&step.invoice_id).cloned() {
                inv.status = st.into();
                inv.bump(&now);
                self.emit("invoices", &inv.id, inv.version);
                let seq = self.next_seq();
                self.invoices.put(seq, inv);
            }
        }
        Ok(decided)
    }
}

type Shared = Arc<Mutex<ApState>>;

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, ApState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .route("/api/v1/users", get(list::<User>))
        .route("/api/v1/entities", get(list::<Entity>))
        .route("/api/v1/suppliers", get(list::<Supplier>))
        .route("/api/v1/invoices", get(list::<Invoice>))
        .route("/api/v1/approvals", get(list::<ApprovalStep>))
        .route("/api/v1/users/{id}", get(one::<User>))
        .route("/api/v1/entities/{id}", get(one::<Entity>))
        .route("/api/v1/suppliers/{id}", get(one::<Supplier>))
        .route("/api/v1/invoices/{id}", get(one::<Invoice>))
        .route("/api/v1/approvals/{id}", get(one::<ApprovalStep>))
        .route("/api/v1/approvals/{id}/decision", post(decision))
        .route("/api/v1/suppliers/{id}/hold", post(hold))
        .route("/api/v1/webhooks", post(subscribe))
        .route("/_sandbox/faults", post(set_faults))
        .route("/_sandbox/touch", post(touch))
        .route("/_sandbox/checksums", get(checksums))
        .route("/_sandbox/decisions", get(decisions))
        .route("/_sandbox/holds", get(holds))
        .with_state(state)
}

fn api_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ApiError {
            error: code.into(),
            message: message.into(),
            current: None,
        }),
    )
        .into_response()
}

/// Authentication and injected faults, checked before every API call: `Some` is the refusal.
fn gate(state: &mut ApState, headers: &HeaderMap, listing: bool) -> Option<Response> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).or_else(|| {
        headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
    });
    if key != Some(state.api_key.as_str()) {
        return Some(api_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or invalid API key",
        ));
    }
    let drawn = match state.draw_fault(listing) {
        Some(Drawn::Unavailable) => Some(503),
        Some(Drawn::Throttled) => Some(429),
        Some(other) => {
            state.pending_page_fault = Some(other);
            None
        }
        None => None,
    };
    if let Some(code) = drawn.or_else(|| (!state.faults.fail_next.is_empty()).then(|| state.faults.fail_next.remove(0)))
    {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let mut resp = api_error(status, "injected_fault", format!("sandbox fault mode answered {code}"));
        if let Some(secs) = state.faults.retry_after_secs.or((code == 429).then_some(1)) {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert("retry-after", v);
            }
        }
        return Some(resp);
    }
    None
}

#[derive(Deserialize)]
struct ListParams {
    cursor: Option<String>,
    limit: Option<usize>,
}

trait Listed: Versioned + DeserializeOwned {
    fn table(state: &ApState) -> &Table<Self>;
}

macro_rules! listed {
    ($($t:ty => $field:ident),*) => {$(
        impl Listed for $t {
            fn table(state: &ApState) -> &Table<Self> { &state.$field }
        }
    )*};
}
listed!(User => users, Entity => entities, Supplier => suppliers, Invoice => invoices, ApprovalStep => approvals);

async fn list<T: Listed>(State(state): State<Shared>, headers: HeaderMap, Query(p): Query<ListParams>) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = gate(&mut s, &headers, true) {
        return resp;
    }
    let Ok(after) = p
        .cursor
        .as_deref()
        .map(str::parse::<u64>)
        .transpose()
        .map(Option::unwrap_or_default)
    else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            "cursor must come from a previous page",
        );
    };
    let limit = p.limit.unwrap_or(200).clamp(1, 1000);
    let drawn = s.pending_page_fault.take();
    let broken = s.faults.broken_pages > 0 || drawn == Some(Drawn::BrokenPage);
    let malformed = s.faults.malformed_records > 0 || drawn == Some(Drawn::MalformedRecord);
    let (rows, last, has_more) = T::table(&s).page(after, limit);
    let page = Page {
        data: rows,
        next_cursor: last.to_string(),
        has_more,
    };
    let text = if malformed && !page.data.is_empty() {
        let mut body = match serde_json::to_value(&page) {
            Ok(v) => v,
            Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
        };
        if let Some(first) = body["data"].get_mut(0) {
            // A record whose fields have the wrong types, as a buggy source export would send.
            first["version"] = serde_json::json!("seven");
            first["updated_at"] = serde_json::json!(12);
        }
        s.faults.malformed_records = s.faults.malformed_records.saturating_sub(1);
        body.to_string()
    } else {
        match serde_json::to_string(&page) {
            Ok(t) => t,
            Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
        }
    };
    if broken {
        s.faults.broken_pages = s.faults.broken_pages.saturating_sub(1);
        // A page cut off mid-way, as a proxy timing out would deliver it.
        let cut = text.len() / 2;
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            text[..cut].to_string(),
        )
            .into_response();
    }
    (StatusCode::OK, [("content-type", "application/json")], text).into_response()
}

async fn one<T: Listed>(State(state): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = gate(&mut s, &headers, false) {
        return resp;
    }
    match T::table(&s).get(&id) {
        Some(row) => Json(row.clone()).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "not_found", format!("{id} does not exist")),
    }
}

/// The write protocol every action endpoint shares: auth and faults, a required
/// `Idempotency-Key` (a known key gets its first answer again, applied once), an optional
/// `If-Match` version, and a JSON body; `apply` makes the change or refuses it.
fn write<B: DeserializeOwned>(
    s: &mut ApState,
    headers: &HeaderMap,
    body: &[u8],
    apply: impl FnOnce(&mut ApState, B, Option<i64>, &str) -> Result<serde_json::Value, (StatusCode, ApiError)>,
) -> Response {
    if let Some(resp) = gate(s, headers, false) {
        return resp;
    }
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "idempotency_key_required",
            "writes need an Idempotency-Key header",
        );
    };
    if let Some(stored) = s.idempotency.get(&key) {
        return (
            stored.status,
            [("idempotent-replayed", "true")],
            Json(stored.body.clone()),
        )
            .into_response();
    }
    let if_match = match headers.get("if-match").and_then(|v| v.to_str().ok()) {
        None => None,
        Some(v) => match v.trim().trim_matches('"').parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_if_match",
                    "If-Match must be a version number",
                )
            }
        },
    };
    let req: B = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, "invalid_body", e.to_string()),
    };
    let (status, value) = match apply(s, req, if_match, &key) {
        Ok(v) => (StatusCode::OK, v),
        Err((status, e)) => match serde_json::to_value(e) {
            Ok(v) => (status, v),
            Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
        },
    };
    s.idempotency.insert(
        key,
        Stored {
            status,
            body: value.clone(),
        },
    );
    (status, Json(value)).into_response()
}

fn to_json(v: impl Serialize) -> Result<serde_json::Value, (StatusCode, ApiError)> {
    serde_json::to_value(v).map_err(|e| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            ApiError {
                error: "internal".into(),
                message: e.to_string(),
                current: None,
            },
        )
    })
}

async fn decision(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut s = lock(&state);
    write(&mut s, &headers, &body, |s, req: DecisionRequest, if_match, key| {
        let step = s.decide(&id, &req, if_match)?;
        s.decisions.push(DecisionRecord {
            approval_id: id.clone(),
            decision: req.decision.clone(),
            actor_id: req.actor_id.clone(),
            comment: req.comment.clone(),
            idempotency_key: key.to_string(),
            at: ts(Utc::now()),
        });
        to_json(step)
    })
}

async fn hold(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut s = lock(&state);
    write(
        &mut s,
        &headers,
        &body,
        |s, req: crate::wire::HoldRequest, if_match, key| {
            let supplier = s.set_hold(&id, &req, if_match)?;
            s.holds.push(crate::wire::HoldRecord {
                supplier_id: id.clone(),
                on_hold: req.on_hold,
                actor_id: req.actor_id.clone(),
                reason: req.reason.clone(),
                idempotency_key: key.to_string(),
                at: ts(Utc::now()),
            });
            to_json(supplier)
        },
    )
}

#[derive(Deserialize)]
struct TouchParams {
    invoices: usize,
}

/// Simulates work at the source: changes the due date of `invoices` invoices spread over the set.
async fn touch(State(state): State<Shared>, Json(p): Json<TouchParams>) -> Json<serde_json::Value> {
    let mut s = lock(&state);
    let ids: Vec<String> = {
        let all = s.invoices.all();
        let step = (all.len() / p.invoices.max(1)).max(1);
        all.iter()
            .step_by(step)
            .take(p.invoices)
            .map(|i| i.id.clone())
            .collect()
    };
    for id in &ids {
        s.touch_invoice(id, 1);
    }
    Json(serde_json::json!({ "touched": ids.len() }))
}

/// Per-table checksums over (id, version), to compare a mirror with the source.
async fn checksums(State(state): State<Shared>) -> Json<crate::wire::Checksums> {
    Json(lock(&state).snapshot().checksums())
}

#[derive(Deserialize)]
struct Subscription {
    url: String,
    secret: String,
}

/// Registers a webhook endpoint; changes are then pushed to it, signed with the secret.
async fn subscribe(State(state): State<Shared>, headers: HeaderMap, Json(sub): Json<Subscription>) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = gate(&mut s, &headers, false) {
        return resp;
    }
    if !sub.url.starts_with("http://127.0.0.1:") && !sub.url.starts_with("http://localhost:") {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_url",
            "the sandbox only calls loopback URLs",
        );
    }
    s.subscriptions.retain(|(u, _)| *u != sub.url);
    s.subscriptions.push((sub.url, sub.secret.into_bytes()));
    (StatusCode::CREATED, Json(serde_json::json!({ "status": "subscribed" }))).into_response()
}

async fn set_faults(State(state): State<Shared>, Json(f): Json<Faults>) -> StatusCode {
    lock(&state).faults = f;
    StatusCode::NO_CONTENT
}

async fn holds(State(state): State<Shared>) -> Json<Vec<crate::wire::HoldRecord>> {
    Json(lock(&state).holds.clone())
}

async fn decisions(State(state): State<Shared>) -> Json<Vec<DecisionRecord>> {
    Json(lock(&state).decisions.clone())
}
