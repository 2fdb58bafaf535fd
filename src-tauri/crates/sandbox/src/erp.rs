//! An ERP in OData v4 style: entity sets paged with `$top` and `@odata.nextLink`, deltas through
//! `@odata.deltaLink`, `$filter` on fields, ETags on every entity, PATCH with `If-Match`, and an
//! OAuth2 client-credentials token endpoint. Two instances run in the demo.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use domain::Document;
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::book::{lock, Actor, Shared, Target};
use crate::protocol::{api_error, refusal, write, System};

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

/// A canonical record as the ERP's API shows it: PascalCase properties and an ETag.
pub(crate) fn to_odata(d: &Document) -> Value {
    fn convert(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| (k.to_upper_camel_case(), convert(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.into_iter().map(convert).collect()),
            other => other,
        }
    }
    let mut v = convert(d.to_value());
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

async fn token(State(state): State<Shared>, body: axum::body::Bytes) -> Response {
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
            // Compared on the canonical record: `CompanyCode` is `company_code` there.
            Ok(Clause {
                field: field.to_snake_case(),
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
                let v = d.to_value();
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
    let link = |token: (&str, String)| {
        let mut q = vec![token];
        if more {
            q.insert(0, ("$top", top.to_string()));
        }
        q.extend(p.filter.clone().map(|f| ("$filter", f)));
        let query = serde_urlencoded::to_string(&q).unwrap_or_default();
        format!("/odata/v4/{segment}?{query}")
    };
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(format!("$metadata#{segment}")));
    body.insert("value".into(), Value::Array(values));
    if more {
        body.insert("@odata.nextLink".into(), json!(link(("$skiptoken", last.to_string()))));
    } else {
        body.insert(
            "@odata.deltaLink".into(),
            json!(link(("$deltatoken", last.to_string()))),
        );
    }
    let text = Value::Object(body).to_string();
    if broken {
        return crate::faults::cut_off(&text);
    }
    (StatusCode::OK, [("content-type", "application/json")], text).into_response()
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

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TaskPatch {
    status: String,
    actor_id: String,
    note: Option<String>,
    /// The system signal that completes the task on its own (`ap_subledger_closed`, …).
    signal: Option<String>,
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
    let target = |resource, if_match| Target {
        resource,
        id: &key,
        if_match,
        stale: StatusCode::PRECONDITION_FAILED,
    };
    match set {
        "CloseTasks" => write(&mut *s, &headers, &body, |s, req: TaskPatch, if_match, idem| {
            let now = Utc::now();
            let by = Actor {
                action: &req.status,
                actor_id: &req.actor_id,
                key: idem,
            };
            let period_closed = |task: &domain::erp::CloseTask, ledger: &str| {
                matches!(
                    s.current("period_status", &format!("{}-{}", task.company_code, task.period)),
                    Ok(Document::PeriodStatus(p)) if (if ledger == "ap" { &p.ap_subledger } else { &p.general_ledger }) == "closed"
                )
            };
            let signal_holds = |task: &domain::erp::CloseTask, sig: &str| match sig {
                "ap_subledger_closed" => period_closed(task, "ap"),
                "gl_closed" => period_closed(task, "gl"),
                // Certification happens in the tower; the ERP takes its word with the reference.
                _ => true,
            };
            let by_signal = match (&req.signal, s.current("close_tasks", &key)) {
                (Some(sig), Ok(Document::CloseTask(task))) => {
                    if !domain::close::completes_by_signal(&task, sig) || req.status != "reviewed" {
                        return Err(refusal(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "invalid_signal",
                            format!("{sig} does not complete task {key}"),
                        ));
                    }
                    if !signal_holds(&task, sig) {
                        return Err(refusal(
                            StatusCode::CONFLICT,
                            "signal_not_met",
                            format!("{sig} does not hold for {} {}", task.company_code, task.period),
                        ));
                    }
                    true
                }
                _ => false,
            };
            // The close module finishes a task only after the tasks it depends on.
            let waiting: Vec<String> = match s.current("close_tasks", &key) {
                Ok(Document::CloseTask(task)) => task
                    .depends_on
                    .iter()
                    .filter(|d| !matches!(s.current("close_tasks", d), Ok(Document::CloseTask(x)) if x.status == "reviewed"))
                    .cloned()
                    .collect(),
                _ => vec![],
            };
            let check = |d: &Document| {
                let Document::CloseTask(task) = d else { return Ok(()) };
                if by_signal {
                    return Ok(());
                }
                if matches!(req.status.as_str(), "submitted" | "reviewed") && !waiting.is_empty() {
                    return Err(refusal(
                        StatusCode::CONFLICT,
                        "dependencies_open",
                        format!("{} must be reviewed first", waiting.join(", ")),
                    ));
                }
                if !domain::close::allowed(&task.status, &req.status) {
                    return Err(refusal(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_transition",
                        format!("a task {} cannot become {}", task.status, req.status),
                    ));
                }
                if req.status == "reviewed" && task.submitted_by.as_deref() == Some(req.actor_id.as_str()) {
                    return Err(refusal(
                        StatusCode::FORBIDDEN,
                        "segregation_of_duties",
                        "the person who submitted a task cannot review it",
                    ));
                }
                Ok(())
            };
            let edit = |d: &mut Document| {
                let Document::CloseTask(t) = d else { return };
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
            };
            s.apply_write(target("close_tasks", if_match), by, check, edit)
                .map(|d| to_odata(&d))
        }),
        "Suppliers" => write(&mut *s, &headers, &body, |s, req: SupplierPatch, if_match, idem| {
            let by = Actor {
                action: if req.blocked { "block" } else { "unblock" },
                actor_id: &req.actor_id,
                key: idem,
            };
            let edit = |d: &mut Document| {
                if let Document::SupplierMaster(m) = d {
                    m.blocked = req.blocked;
                }
            };
            s.apply_write(target("supplier_masters", if_match), by, |_| Ok(()), edit)
                .map(|d| to_odata(&d))
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
    match (set, action.as_str()) {
        ("PostingErrors", "Resubmit") => {}
        ("SupplierInvoices", "AcceptVariance" | "RequestCreditNote") => {
            return invoice_action(&state, &key, &action, &headers, &body);
        }
        _ => {
            return api_error(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no action {action} on {set}"),
            )
        }
    }
    let mut s = lock(&state);
    write(&mut *s, &headers, &body, |s, req: Resubmit, if_match, idem| {
        let Document::PostingError(err) = s.current("posting_errors", &key)? else {
            unreachable!("posting_errors holds posting errors")
        };
        let parked = s.parked.remove(&err.ap_reference);
        let posts = parked.is_some();
        let target = Target {
            resource: "posting_errors",
            id: &key,
            if_match,
            stale: StatusCode::PRECONDITION_FAILED,
        };
        let by = Actor {
            action: "resubmit",
            actor_id: &req.actor_id,
            key: idem,
        };
        let check = |_: &Document| match err.status.as_str() {
            "open" => Ok(()),
            other => Err(refusal(
                StatusCode::CONFLICT,
                "not_open",
                format!("the posting error is {other}"),
            )),
        };
        let edit = |d: &mut Document| {
            if let Document::PostingError(e) = d {
                e.status = if posts { "resolved" } else { "resubmitted" }.into();
            }
        };
        match s.apply_write(target, by, check, edit) {
            Ok(changed) => {
                if let Some(p) = parked {
                    s.put(Document::PostedInvoice(p));
                }
                Ok(to_odata(&changed))
            }
            Err(refused) => {
                // Refused: the parked document stays parked.
                if let Some(p) = parked {
                    s.parked.insert(p.ap_reference.clone(), p);
                }
                Err(refused)
            }
        }
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InvoiceDecision {
    actor_id: String,
}

/// `SupplierInvoices('id')/AcceptVariance` releases a posted invoice whose price or quantity
/// differs from its PO for payment; `RequestCreditNote` keeps it blocked until the supplier's
/// credit note arrives. Either takes the document out of three-way matching.
fn invoice_action(state: &Shared, key: &str, action: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    let mut s = lock(state);
    write(&mut *s, headers, body, |s, req: InvoiceDecision, if_match, idem| {
        let status = if action == "AcceptVariance" {
            "variance_accepted"
        } else {
            "credit_note_requested"
        };
        let target = Target {
            resource: "posted_invoices",
            id: key,
            if_match,
            stale: StatusCode::PRECONDITION_FAILED,
        };
        let by = Actor {
            action,
            actor_id: &req.actor_id,
            key: idem,
        };
        let check = |d: &Document| match d {
            Document::PostedInvoice(p) if !matches!(p.status.as_str(), "posted" | "paid") => Err(refusal(
                StatusCode::CONFLICT,
                "not_open",
                format!("the invoice is {}", p.status),
            )),
            _ => Ok(()),
        };
        let edit = |d: &mut Document| {
            if let Document::PostedInvoice(p) = d {
                p.status = status.into();
            }
        };
        s.apply_write(target, by, check, edit).map(|d| to_odata(&d))
    })
}

async fn expire_tokens(State(state): State<Shared>) -> StatusCode {
    lock(&state).expire_tokens();
    StatusCode::NO_CONTENT
}
