//! The write protocol the three sandbox systems share: authentication and faults first, a
//! required `Idempotency-Key` whose first answer is kept and given again, an optional
//! `If-Match` version, a JSON body.

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;

use crate::wire::ApiError;

pub(crate) struct Stored {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

/// A sandbox system as the protocol sees it.
pub(crate) trait System {
    /// Authentication and injected faults: `Some` is the answer to give instead.
    fn gate(&mut self, headers: &HeaderMap, listing: bool) -> Option<Response>;
    fn idempotency(&mut self) -> &mut HashMap<String, Stored>;
}

/// A write's refusal: the status and the error body.
pub(crate) type Refusal = (StatusCode, ApiError);

pub(crate) fn refusal(status: StatusCode, code: &str, message: impl Into<String>) -> Refusal {
    (
        status,
        ApiError {
            error: code.into(),
            message: message.into(),
            current: None,
        },
    )
}

pub(crate) fn api_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
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

/// The write protocol every action endpoint shares: auth and faults, a required
/// `Idempotency-Key` (a known key gets its first answer again, applied once), an optional
/// `If-Match` version, and a JSON body; `apply` makes the change or refuses it.
pub(crate) fn write<S: System, B: DeserializeOwned>(
    s: &mut S,
    headers: &HeaderMap,
    body: &[u8],
    apply: impl FnOnce(&mut S, B, Option<i64>, &str) -> Result<serde_json::Value, Refusal>,
) -> Response {
    if let Some(resp) = s.gate(headers, false) {
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
    if let Some(stored) = s.idempotency().get(&key) {
        return (
            stored.status,
            [("idempotent-replayed", "true")],
            Json(stored.body.clone()),
        )
            .into_response();
    }
    let if_match = match headers.get("if-match").and_then(|v| v.to_str().ok()) {
        None => None,
        Some(v) => match v.trim().trim_start_matches("W/").trim_matches('"').parse::<i64>() {
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
    s.idempotency().insert(
        key,
        Stored {
            status,
            body: value.clone(),
        },
    );
    (status, Json(value)).into_response()
}
