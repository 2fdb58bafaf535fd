//! An ERP in OData v4 style: entity sets paged with `$top` and `@odata.nextLink`, deltas through
//! `@odata.deltaLink`, `$filter` on fields, ETags on every entity, PATCH with `If-Match`, and an
//! OAuth2 client-credentials token endpoint. Two instances run in the demo.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use domain::Document;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::book::{Book, WriteRecord};
use crate::protocol::{api_error, write, System};
use crate::wire::ApiError;

pub(crate) type Shared = Arc<Mutex<Book>>;

/// The ERP's entity sets and the canonical resources behind them.
pub(crate) const SETS: &[(&str, &str)] = &[
    ("CompanyCodes", "company_codes"),
    ("GLAccounts", "gl_accounts"),
    ("CostCenters", "cost_centers"),
    ("Suppliers", "supplier_masters"),
    ("SupplierBankAccountChanges", "bank_account_changes"),
    ("PurchaseOrders", "purchase_orders"),
    ("GoodsReceipts", "goods_receipts"),
    ("SupplierInvoices", "posted_invoices"),
    ("PostingErrors", "posting_errors"),
    ("JournalEntries", "journals"),
    ("Payments", "payments"),
    ("PeriodStatus", "period_status"),
    ("CloseTasks", "close_tasks"),
];

fn resource_of(set: &str) -> Option<&'static str> {
    SETS.iter().find(|(s, _)| *s == set).map(|(_, r)| *r)
}

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, Book> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

fn pascal(key: &str) -> String {
    key.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A canonical record as the ERP's API shows it: PascalCase properties and an ETag.
pub(crate) fn to_odata(d: &Document) -> Value {
    fn convert(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (pascal(&k), convert(v))).collect()),
            Value::Array(a) => Value::Array(a.into_iter().map(convert).collect()),
            other => other,
        }
    }
    let mut v = convert(serde_json::from_str(&d.to_json()).unwrap_or(Value::Null));
    if let Value::Object(m) = &mut v {
        m.insert("@odata.etag".into(), json!(format!("W/\"{}\"", d.version())));
    }
    v
}

pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .route("/oauth2/token", post(token))
        .route("/odata/v4/", get(service_document))
        .route("/odata/v4/{segment}", get(list).patch(patch_entity))
        .route("/odata/v4/{segment}/{action}", post(bound_action))
        .route("/_sandbox/faults", post(crate::treasury::set_faults))
        .route("/_sandbox/checksums", get(crate::treasury::checksums))
        .route("/_sandbox/writes", get(crate::treasury::writes))
        .route("/_sandbox/expire-tokens", post(expire_tokens))
        .layer(axum::middleware::from_fn(crate::faults::network_layer))
        .with_state(state)
}

async fn token(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    #[derive(Deserialize)]
    struct Form {
        grant_type: String,
        client_id: Option<String>,
        client_secret: Option<String>,
    }
    let oauth_error = |status: StatusCode, error: &str, description: &str| {
        (status, Json(json!({"error": error, "error_description": description}))).into_response()
    };
    let form: Form = match serde_urlencoded::from_bytes(&body) {
        Ok(f) => f,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e.to_string()),
    };
    if form.grant_type != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only client_credentials is supported",
        );
    }
    let mut s = lock(&state);
    if let Some(resp) = s.faults.inject(false) {
        return resp;
    }
    let _ = headers;
    let (id, secret) = (
        form.client_id.unwrap_or_default(),
        form.client_secret.unwrap_or_default(),
    );
    match s.issue_token(&id, &secret) {
        Some((token, expires_in)) => Json(json!({
            "access_token": token, "token_type": "Bearer", "expires_in": expires_in
        }))
        .into_response(),
        None => oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        ),
    }
}

async fn service_document(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = s.gate(&headers, false) {
        return resp;
    }
    let sets: Vec<Value> = SETS
        .iter()
        .map(|(n, _)| json!({"name": n, "kind": "EntitySet", "url": n}))
        .collect();
    Json(json!({"@odata.context": "$metadata", "value": sets})).into_response()
}

/// `Set('key')` → (set, key).
fn entity_ref(segment: &str) -> Option<(&str, String)> {
    let (set, rest) = segment.split_once('(')?;
    let key = rest.strip_suffix(')')?.trim_matches('\'').replace("''", "'");
    Some((set, key))
}

/// One `Field eq 'value'` clause of a `$filter` (clauses joined by `and`).
struct Clause {
    field: String,
    value: Value,
}

fn parse_filter(filter: &str) -> Result<Vec<Clause>, String> {
    filter
        .split(" and ")
        .map(|c| {
            let mut parts = c.trim().splitn(3, ' ');
            let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!("cannot read filter clause {c:?}"));
            };
            if op != "eq" {
                return Err(format!("operator {op:?} is not supported; use eq"));
            }
            let value = if let Some(s) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
                json!(s.replace("''", "'"))
            } else {
                match value {
                    "true" => json!(true),
                    "false" => json!(false),
                    "null" => Value::Null,
                    n => n
                        .parse::<i64>()
                        .map(|n| json!(n))
                        .map_err(|_| format!("cannot read value {n:?}"))?,
                }
            };
            Ok(Clause {
                field: field.to_string(),
                value,
            })
        })
        .collect()
}

#[derive(Deserialize, Default)]
struct ListParams {
    #[serde(rename = "$top")]
    top: Option<usize>,
    #[serde(rename = "$skiptoken")]
    skiptoken: Option<String>,
    #[serde(rename = "$deltatoken")]
    deltatoken: Option<String>,
    #[serde(rename = "$filter")]
    filter: Option<String>,
}

async fn list(
    State(state): State<Shared>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Response {
    if let Some((set, key)) = entity_ref(&segment) {
        return one(state, set, &key, headers);
    }
    let mut s = lock(&state);
    if let Some(resp) = s.gate(&headers, true) {
        return resp;
    }
    let Some(resource) = resource_of(&segment) else {
        return api_error(StatusCode::NOT_FOUND, "not_found", format!("no entity set {segment}"));
    };
    let token = p.skiptoken.as_deref().or(p.deltatoken.as_deref()).unwrap_or("0");
    let Ok(after) = token.parse::<u64>() else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_token",
            "$skiptoken and $deltatoken must come from a link the service returned",
        );
    };
    let clauses = match p.filter.as_deref().map(parse_filter).transpose() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => return api_error(StatusCode::BAD_REQUEST, "invalid_filter", e),
    };
    let top = p.top.unwrap_or(500).clamp(1, 5000);
    let (broken, malformed) = s.faults.page_faults();
    let (rows, last, more) = match s.tables.get(resource) {
        Some(t) => t.scan(after, top, |d| {
            clauses.is_empty() || {
                let v = to_odata(d);
                clauses.iter().all(|c| v.get(&c.field) == Some(&c.value))
            }
        }),
        None => (Vec::new(), after, false),
    };
    let mut values: Vec<Value> = rows.into_iter().map(to_odata).collect();
    if malformed {
        if let Some(first) = values.first_mut() {
            // A record as a buggy extension would send it: a float amount, a number for a date.
            first["Version"] = json!("seven");
            first["ModifiedAt"] = json!(12);
        }
    }
    let filter_q = p
        .filter
        .as_deref()
        .map(|f| format!("&$filter={}", urlencode(f)))
        .unwrap_or_default();
    let base = format!("/odata/v4/{segment}");
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(format!("$metadata#{segment}")));
    body.insert("value".into(), Value::Array(values));
    if more {
        body.insert(
            "@odata.nextLink".into(),
            json!(format!("{base}?$top={top}&$skiptoken={last}{filter_q}")),
        );
    } else {
        body.insert(
            "@odata.deltaLink".into(),
            json!(format!("{base}?$deltatoken={last}{filter_q}")),
        );
    }
    let text = Value::Object(body).to_string();
    if broken {
        return crate::faults::cut_off(&text);
    }
    (StatusCode::OK, [("content-type", "application/json")], text).into_response()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn one(state: Shared, set: &str, key: &str, headers: HeaderMap) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = s.gate(&headers, false) {
        return resp;
    }
    let Some(resource) = resource_of(set) else {
        return api_error(StatusCode::NOT_FOUND, "not_found", format!("no entity set {set}"));
    };
    match s.get(resource, key) {
        Some(d) => with_etag(d),
        None => api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{set}('{key}') does not exist"),
        ),
    }
}

fn with_etag(d: &Document) -> Response {
    let mut resp = Json(to_odata(d)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("W/\"{}\"", d.version())) {
        resp.headers_mut().insert("etag", v);
    }
    resp
}

fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> (StatusCode, ApiError) {
    (
        status,
        ApiError {
            error: code.into(),
            message: message.into(),
            current: None,
        },
    )
}

/// The precondition every write checks: the caller saw the current version.
fn check_version(d: &Document, if_match: Option<i64>) -> Result<(), (StatusCode, ApiError)> {
    match if_match {
        Some(v) if v != d.version() => Err(refuse(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            format!(
                "the record changed since it was read (you had version {v}, it is now {}): {}",
                d.version(),
                d.to_json()
            ),
        )),
        _ => Ok(()),
    }
}

fn record(s: &mut Book, resource: &str, id: &str, action: &str, actor: &str, key: &str) {
    s.writes.push(WriteRecord {
        resource: resource.into(),
        id: id.into(),
        action: action.into(),
        actor_id: actor.into(),
        idempotency_key: key.into(),
        at: Utc::now().to_rfc3339(),
    });
}

fn answer(d: Document) -> Result<Value, (StatusCode, ApiError)> {
    Ok(to_odata(&d))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TaskPatch {
    status: String,
    actor_id: String,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SupplierPatch {
    blocked: bool,
    actor_id: String,
    #[allow(dead_code)]
    reason: Option<String>,
}

async fn patch_entity(
    State(state): State<Shared>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some((set, key)) = entity_ref(&segment) else {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{segment} is not an entity"),
        );
    };
    let mut s = lock(&state);
    match set {
        "CloseTasks" => write(&mut *s, &headers, &body, |s, req: TaskPatch, if_match, idem| {
            let current = s.get("close_tasks", &key).cloned().ok_or_else(|| {
                refuse(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    format!("CloseTasks('{key}') does not exist"),
                )
            })?;
            check_version(&current, if_match)?;
            let Document::CloseTask(task) = &current else {
                unreachable!("close_tasks holds close tasks")
            };
            let allowed = matches!(
                (task.status.as_str(), req.status.as_str()),
                ("not_started", "in_progress")
                    | ("not_started" | "in_progress" | "sent_back", "submitted")
                    | ("sent_back", "in_progress")
                    | ("submitted", "reviewed" | "sent_back")
            );
            if !allowed {
                return Err(refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_transition",
                    format!("a task {} cannot become {}", task.status, req.status),
                ));
            }
            if req.status == "reviewed" && task.submitted_by.as_deref() == Some(req.actor_id.as_str()) {
                return Err(refuse(
                    StatusCode::FORBIDDEN,
                    "segregation_of_duties",
                    "the person who submitted a task cannot review it",
                ));
            }
            let now = Utc::now();
            let changed = s
                .change("close_tasks", &key, |d| {
                    if let Document::CloseTask(t) = d {
                        match req.status.as_str() {
                            "submitted" => {
                                t.submitted_by = Some(req.actor_id.clone());
                                t.submitted_at = Some(now);
                            }
                            "reviewed" => {
                                t.reviewed_by = Some(req.actor_id.clone());
                                t.reviewed_at = Some(now);
                            }
                            _ => {}
                        }
                        t.status = req.status.clone();
                        if req.note.is_some() {
                            t.note = req.note.clone();
                        }
                    }
                })
                .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "not_found", "task vanished"))?;
            record(s, "close_tasks", &key, &req.status, &req.actor_id, idem);
            answer(changed)
        }),
        "Suppliers" => write(&mut *s, &headers, &body, |s, req: SupplierPatch, if_match, idem| {
            let current = s.get("supplier_masters", &key).cloned().ok_or_else(|| {
                refuse(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    format!("Suppliers('{key}') does not exist"),
                )
            })?;
            check_version(&current, if_match)?;
            let changed = s
                .change("supplier_masters", &key, |d| {
                    if let Document::SupplierMaster(m) = d {
                        m.blocked = req.blocked;
                    }
                })
                .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "not_found", "supplier vanished"))?;
            let action = if req.blocked { "block" } else { "unblock" };
            record(s, "supplier_masters", &key, action, &req.actor_id, idem);
            answer(changed)
        }),
        other => api_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "not_writable",
            format!("{other} cannot be changed through the API"),
        ),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Resubmit {
    actor_id: String,
}

/// Bound actions: `PostingErrors('id')/Resubmit` posts the parked document again.
async fn bound_action(
    State(state): State<Shared>,
    Path((segment, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some((set, key)) = entity_ref(&segment) else {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{segment} is not an entity"),
        );
    };
    if (set, action.as_str()) != ("PostingErrors", "Resubmit") {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no action {action} on {set}"),
        );
    }
    let mut s = lock(&state);
    write(&mut *s, &headers, &body, |s, req: Resubmit, if_match, idem| {
        let current = s.get("posting_errors", &key).cloned().ok_or_else(|| {
            refuse(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("PostingErrors('{key}') does not exist"),
            )
        })?;
        check_version(&current, if_match)?;
        let Document::PostingError(err) = &current else {
            unreachable!("posting_errors holds posting errors")
        };
        if err.status != "open" {
            return Err(refuse(
                StatusCode::CONFLICT,
                "not_open",
                format!("the posting error is {}", err.status),
            ));
        }
        let parked = s.parked.remove(&err.ap_reference);
        let changed = s
            .change("posting_errors", &key, |d| {
                if let Document::PostingError(e) = d {
                    e.status = if parked.is_some() { "resolved" } else { "resubmitted" }.into();
                }
            })
            .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "not_found", "posting error vanished"))?;
        if let Some(p) = parked {
            s.put(Document::PostedInvoice(p));
        }
        record(s, "posting_errors", &key, "resubmit", &req.actor_id, idem);
        answer(changed)
    })
}

async fn expire_tokens(State(state): State<Shared>) -> StatusCode {
    lock(&state).expire_tokens();
    StatusCode::NO_CONTENT
}
