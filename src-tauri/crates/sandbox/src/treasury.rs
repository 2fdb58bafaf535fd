//! The treasury / bank platform: REST with an API key and page tokens, plus the ISO 20022
//! documents behind its records (camt.053 statements, pain.002 status reports). Instructions can
//! be re-sent after their bank details are corrected; draft runs can be approved.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use domain::checksum::Checksums;
use domain::treasury::StatusEvent;
use domain::Document;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::book::WriteRecord;
use crate::book::{lock, Actor, Shared, Target};
use crate::faults::Faults;
use crate::protocol::{api_error, refusal, write, System};

/// The platform's collections and the canonical resources behind them.
pub(crate) const COLLECTIONS: &[(&str, &str)] = &[
    ("accounts", "house_accounts"),
    ("balances", "balances"),
    ("payment-runs", "payment_runs"),
    ("payment-instructions", "payment_instructions"),
    ("statements", "statements"),
];

fn resource_of(collection: &str) -> Option<&'static str> {
    COLLECTIONS.iter().find(|(c, _)| *c == collection).map(|(_, r)| *r)
}

pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .route("/api/v2/{collection}", get(list))
        .route("/api/v2/{collection}/{id}", get(one))
        .route("/api/v2/statements/{id}/camt053", get(camt053))
        .route("/api/v2/payment-runs/{id}/pain002", get(pain002))
        .route("/api/v2/payment-instructions/{id}/resend", post(resend))
        .route("/api/v2/payment-runs/{id}/approve", post(approve))
        .route("/_sandbox/faults", post(set_faults))
        .route("/_sandbox/checksums", get(checksums))
        .route("/_sandbox/writes", get(writes))
        .layer(axum::middleware::from_fn(crate::faults::network_layer))
        .with_state(state)
}

#[derive(Deserialize)]
struct ListParams {
    page_token: Option<String>,
    sync_token: Option<String>,
    page_size: Option<usize>,
}

async fn list(
    State(state): State<Shared>,
    Path(collection): Path<String>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = s.gate(&headers, true) {
        return resp;
    }
    let Some(resource) = resource_of(&collection) else {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no collection {collection}"),
        );
    };
    let Ok(after) = p.page_token.or(p.sync_token).as_deref().unwrap_or("0").parse::<u64>() else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_page_token",
            "page_token and sync_token must come from a previous answer",
        );
    };
    let size = p.page_size.unwrap_or(200).clamp(1, 2000);
    let (broken, malformed) = s.faults.page_faults();
    let (rows, last, more) = match s.tables.get(resource) {
        Some(t) => t.page(after, size),
        None => (Vec::new(), after, false),
    };
    let mut items: Vec<Value> = rows.into_iter().map(Document::to_value).collect();
    if malformed {
        if let Some(first) = items.first_mut() {
            first["version"] = json!("seven");
            first["modified_at"] = json!(12);
        }
    }
    let body = if more {
        json!({"items": items, "next_page_token": last.to_string()})
    } else {
        json!({"items": items, "next_page_token": null, "sync_token": last.to_string()})
    };
    let text = body.to_string();
    if broken {
        return crate::faults::cut_off(&text);
    }
    (StatusCode::OK, [("content-type", "application/json")], text).into_response()
}

async fn one(
    State(state): State<Shared>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = s.gate(&headers, false) {
        return resp;
    }
    let Some(resource) = resource_of(&collection) else {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no collection {collection}"),
        );
    };
    match s.get(resource, &id) {
        Some(d) => Json(d.to_value()).into_response(),
        None => api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{collection}/{id} does not exist"),
        ),
    }
}

fn xml(body: String) -> Response {
    (StatusCode::OK, [("content-type", "application/xml")], body).into_response()
}

async fn camt053(State(state): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = s.gate(&headers, false) {
        return resp;
    }
    match s.statements.get(&id) {
        Some(body) => xml(crate::iso20022::camt053(&id, body, Utc::now())),
        None => api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("statement {id} does not exist"),
        ),
    }
}

async fn pain002(State(state): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let mut s = lock(&state);
    if let Some(resp) = s.gate(&headers, false) {
        return resp;
    }
    let Some(Document::PaymentRun(run)) = s.get("payment_runs", &id).cloned() else {
        return api_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("payment run {id} does not exist"),
        );
    };
    let mut instructions: Vec<_> = s
        .tables
        .get("payment_instructions")
        .map(|t| {
            t.values()
                .filter_map(|d| match d {
                    Document::PaymentInstruction(i) if i.run_id == id => Some(i),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    instructions.sort_by(|a, b| a.id.cmp(&b.id));
    xml(crate::iso20022::pain002(&run, &instructions, Utc::now()))
}

#[derive(Deserialize)]
struct Resend {
    actor_id: String,
    /// The corrected creditor account, when the rejection was about it.
    creditor_iban: Option<String>,
}

async fn resend(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut s = lock(&state);
    write(&mut *s, &headers, &body, |s, req: Resend, if_match, key| {
        let now = Utc::now();
        let check = |d: &Document| match d {
            Document::PaymentInstruction(i) if i.status != "RJCT" => Err(refusal(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_rejected",
                format!("only a rejected instruction can be re-sent; this one is {}", i.status),
            )),
            _ => Ok(()),
        };
        let edit = |d: &mut Document| {
            let Document::PaymentInstruction(i) = d else { return };
            if let Some(iban) = &req.creditor_iban {
                i.creditor_iban = iban.clone();
            }
            i.status = "ACTC".into();
            i.reason = None;
            i.history.push(StatusEvent {
                status: "ACTC".into(),
                reason: None,
                at: now,
            });
        };
        let by = Actor {
            action: "resend",
            actor_id: &req.actor_id,
            key,
        };
        s.apply_write(target("payment_instructions", &id, if_match), by, check, edit)
            .map(|d| d.to_value())
    })
}

#[derive(Deserialize)]
struct Approve {
    actor_id: String,
}

async fn approve(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mut s = lock(&state);
    write(&mut *s, &headers, &body, |s, req: Approve, if_match, key| {
        let check = |d: &Document| match d {
            Document::PaymentRun(r) if r.status != "draft" => Err(refusal(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_draft",
                format!("only a draft run can be approved; this one is {}", r.status),
            )),
            Document::PaymentRun(r) if r.created_by == req.actor_id => Err(refusal(
                StatusCode::FORBIDDEN,
                "segregation_of_duties",
                "the person who prepared a run cannot approve it",
            )),
            _ => Ok(()),
        };
        let edit = |d: &mut Document| {
            if let Document::PaymentRun(r) = d {
                r.status = "approved".into();
            }
        };
        let by = Actor {
            action: "approve",
            actor_id: &req.actor_id,
            key,
        };
        s.apply_write(target("payment_runs", &id, if_match), by, check, edit)
            .map(|d| d.to_value())
    })
}

/// A treasury write's target: a stale version is a 409, as its REST API answers.
fn target<'a>(resource: &'static str, id: &'a str, if_match: Option<i64>) -> Target<'a> {
    Target {
        resource,
        id,
        if_match,
        stale: StatusCode::CONFLICT,
    }
}

pub(crate) async fn set_faults(State(state): State<Shared>, Json(f): Json<Faults>) -> StatusCode {
    lock(&state).faults.faults = f;
    StatusCode::NO_CONTENT
}

pub(crate) async fn checksums(State(state): State<Shared>) -> Json<Checksums> {
    Json(lock(&state).checksums())
}

pub(crate) async fn writes(State(state): State<Shared>) -> Json<Vec<WriteRecord>> {
    Json(lock(&state).writes.clone())
}
