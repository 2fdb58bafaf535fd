//! The AP system's state and HTTP API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Duration, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::faults::{FaultState, Faults};
use crate::generate::{generate, ts};
use crate::protocol::{api_error, refusal, write, Refusal, System};
use crate::table::{Table, Versioned};
use crate::wire::{
    ApiError, ApprovalStep, DecisionRecord, DecisionRequest, Entity, Invoice, Page, Snapshot, Supplier, User,
};
use crate::SandboxConfig;
use rand::Rng;

pub(crate) struct ApState {
    api_key: String,
    seq: u64,
    users: Table<User>,
    entities: Table<Entity>,
    suppliers: Table<Supplier>,
    pub(crate) invoices: Table<Invoice>,
    approvals: Table<ApprovalStep>,
    idempotency: HashMap<String, crate::protocol::Stored>,
    pub(crate) decisions: Vec<DecisionRecord>,
    pub(crate) holds: Vec<crate::wire::HoldRecord>,
    pub(crate) faults: FaultState,
    /// Webhook subscriptions (url, secret) and the events waiting to be sent to them.
    pub(crate) subscriptions: Vec<(String, Vec<u8>)>,
    pub(crate) pending_events: Vec<crate::wire::Event>,
    event_seq: u64,
}

impl ApState {
    pub(crate) fn generate(config: &SandboxConfig) -> ApState {
        ApState::from_generated(config, generate(config.seed, config.size, config.now))
    }

    pub(crate) fn from_generated(config: &SandboxConfig, g: crate::generate::Generated) -> ApState {
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
            faults: FaultState::new(config.seed),
            subscriptions: Vec::new(),
            pending_events: Vec::new(),
            event_seq: 0,
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
        self.faults.duplicate()
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

    /// Moves an invoice's due date by `days`: the smallest change work in the source makes.
    pub(crate) fn touch_invoice(&mut self, id: &str, days: i64) -> bool {
        self.change_invoice(id, |inv| {
            if let Ok(d) = inv.due_date.parse::<chrono::NaiveDate>() {
                inv.due_date = (d + Duration::days(days)).to_string();
            }
        })
    }

    /// Changes an invoice as work in the source would, bumping its version.
    pub(crate) fn change_invoice(&mut self, id: &str, f: impl FnOnce(&mut Invoice)) -> bool {
        let Some(mut inv) = self.invoices.get(id).cloned() else {
            return false;
        };
        f(&mut inv);
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

    /// Changes an approval step as the source would (re-routed, decided there), bumping its version.
    pub(crate) fn change_approval(&mut self, id: &str, f: impl FnOnce(&mut ApprovalStep)) -> bool {
        let Some(mut step) = self.approvals.get(id).cloned() else {
            return false;
        };
        f(&mut step);
        step.bump(&ts(Utc::now()));
        self.emit("approvals", &step.id, step.version);
        let seq = self.next_seq();
        self.approvals.put(seq, step);
        true
    }

    /// A new invoice arrives (the demo clock): captured, coded, its first step pending today.
    /// Every approved invoice, for the ERP side of the estate to post.
    pub(crate) fn approved_invoices(&self) -> Vec<&Invoice> {
        self.invoices.values().filter(|i| i.status == "approved").collect()
    }

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
        let err = |status: StatusCode, code: &str, message: String| refusal(status, code, message);
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
        if step.approver_id != req.actor_id && req.on_behalf_of.as_deref() != Some(step.approver_id.as_str()) {
            let msg = format!("{} is not the approver of step {id}", req.actor_id);
            return Err(err(StatusCode::UNPROCESSABLE_ENTITY, "not_approver", msg, Some(step)));
        }
        if req.decision == "delegate" {
            // The step stays pending, now with the delegate; the chain goes on from there.
            let Some(to) = req.delegate_to.clone().filter(|t| self.users.get(t).is_some()) else {
                let msg = format!("delegate_to {:?} is not a user", req.delegate_to);
                return Err(err(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_delegate",
                    msg,
                    Some(step),
                ));
            };
            let now = ts(Utc::now());
            let mut moved = step.clone();
            moved.approver_id = to;
            moved.assigned_at = now.clone();
            moved.comment = req.comment.clone();
            moved.bump(&now);
            self.emit("approvals", &moved.id, moved.version);
            let seq = self.next_seq();
            self.approvals.put(seq, moved.clone());
            return Ok(moved);
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
        .layer(axum::middleware::from_fn(crate::faults::network_layer))
        .with_state(state)
}

/// Authentication and injected faults, checked before every API call: `Some` is the refusal.
impl System for ApState {
    fn gate(&mut self, headers: &HeaderMap, listing: bool) -> Option<Response> {
        gate(self, headers, listing)
    }
    fn idempotency(&mut self) -> &mut HashMap<String, crate::protocol::Stored> {
        &mut self.idempotency
    }
}

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
    state.faults.inject(listing)
}

#[derive(Deserialize)]
struct ListParams {
    cursor: Option<String>,
    limit: Option<usize>,
}

trait Listed: Versioned + Serialize + DeserializeOwned {
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
    let (broken, malformed) = s.faults.page_faults();
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
        body.to_string()
    } else {
        match serde_json::to_string(&page) {
            Ok(t) => t,
            Err(e) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
        }
    };
    if broken {
        return crate::faults::cut_off(&text);
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

fn to_json(v: impl Serialize) -> Result<serde_json::Value, Refusal> {
    serde_json::to_value(v).map_err(|e| refusal(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

async fn decision(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut s = lock(&state);
    write(&mut *s, &headers, &body, |s, req: DecisionRequest, if_match, key| {
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
        &mut *s,
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
    lock(&state).faults.faults = f;
    StatusCode::NO_CONTENT
}

async fn holds(State(state): State<Shared>) -> Json<Vec<crate::wire::HoldRecord>> {
    Json(lock(&state).holds.clone())
}

async fn decisions(State(state): State<Shared>) -> Json<Vec<DecisionRecord>> {
    Json(lock(&state).decisions.clone())
}
