//! The treasury / bank platform connector: REST collections paged by token with a sync token for
//! deltas, an API key, ISO 20022 documents (camt.053 statements, pain.002 status reports) fetched
//! by id, and write-backs (re-send a corrected instruction, approve a run).

use std::fmt;

use serde_json::Value;

use crate::source::{document, GoOn, Page, Record, Source, WriteOutcome};
use crate::{ConnectError, HttpPolicy, SecretStore};

const COLLECTIONS: &[(&str, &str)] = &[
    ("house_accounts", "accounts"),
    ("balances", "balances"),
    ("payment_runs", "payment-runs"),
    ("payment_instructions", "payment-instructions"),
    ("statements", "statements"),
];

const RESOURCES: &[&str] = &[
    "house_accounts",
    "balances",
    "payment_runs",
    "payment_instructions",
    "statements",
];

/// (kind, collection, action, resource answered with)
const WRITES: &[(&str, &str, &str, &str)] = &[
    (
        "payment_resend",
        "payment-instructions",
        "resend",
        "payment_instructions",
    ),
    ("payment_run_approve", "payment-runs", "approve", "payment_runs"),
];

fn collection_of(resource: &str) -> Option<&'static str> {
    COLLECTIONS.iter().find(|(r, _)| *r == resource).map(|(_, c)| *c)
}

#[derive(Clone)]
pub struct TreasuryClient {
    connection_id: String,
    base_url: String,
    api_key: String,
    http: reqwest::Client,
    policy: HttpPolicy,
}

impl fmt::Debug for TreasuryClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TreasuryClient")
            .field("connection_id", &self.connection_id)
            .field("base_url", &self.base_url)
            .finish()
    }
}

fn map_item(resource: &str, text: &str) -> Result<Record, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    document(resource, v)
}

impl TreasuryClient {
    pub fn new(
        connection_id: &str,
        base_url: &str,
        secret_ref: &str,
        secrets: &dyn SecretStore,
        policy: HttpPolicy,
    ) -> Result<TreasuryClient, ConnectError> {
        Ok(TreasuryClient {
            connection_id: connection_id.into(),
            base_url: crate::http::checked_base_url(base_url)?,
            api_key: secrets.get(secret_ref)?,
            http: policy.client(),
            policy,
        })
    }

    async fn get(&self, endpoint: &str, query: &[(&str, String)]) -> Result<String, ConnectError> {
        crate::http::get_with_key(&self.policy, &self.http, endpoint, &self.api_key, query).await
    }

    /// The bank's camt.053 statement behind a statement notice, as the bank sent it.
    pub async fn statement_document(&self, statement_id: &str) -> Result<Vec<u8>, ConnectError> {
        let endpoint = format!("{}/api/v2/statements/{statement_id}/camt053", self.base_url);
        Ok(self.get(&endpoint, &[]).await?.into_bytes())
    }

    /// The bank's latest pain.002 status report for a payment run.
    pub async fn status_report(&self, run_id: &str) -> Result<Vec<u8>, ConnectError> {
        let endpoint = format!("{}/api/v2/payment-runs/{run_id}/pain002", self.base_url);
        Ok(self.get(&endpoint, &[]).await?.into_bytes())
    }

    fn parse_page(&self, resource: &str, endpoint: &str, body: &str, cursor: &str) -> Result<Page, String> {
        #[derive(serde::Deserialize)]
        struct Raw<'a> {
            #[serde(borrow)]
            items: Vec<&'a serde_json::value::RawValue>,
            next_page_token: Option<String>,
            sync_token: Option<String>,
        }
        let raw: Raw = serde_json::from_str(body).map_err(crate::source::syntax)?;
        let go_on = GoOn::from_links(raw.next_page_token, raw.sync_token, "next_page_token nor sync_token")?;
        Ok(crate::source::page_of(
            body,
            raw.items.iter().map(|r| r.get()),
            go_on,
            |i| format!("{endpoint} after {cursor}, item {i}"),
            |text| map_item(resource, text),
        ))
    }
}

impl Source for TreasuryClient {
    fn connection_id(&self) -> &str {
        &self.connection_id
    }

    fn resources(&self) -> &'static [&'static str] {
        RESOURCES
    }

    async fn fetch_page(
        &self,
        resource: &'static str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page, ConnectError> {
        let collection = collection_of(resource)
            .ok_or_else(|| ConnectError::unsupported(&self.connection_id, format!("resource {resource}")))?;
        let endpoint = format!("{}/api/v2/{collection}", self.base_url);
        let cursor_text = cursor.unwrap_or("start").to_string();
        let mut query = vec![("page_size", limit.to_string())];
        if let Some(c) = cursor {
            query.push(("page_token", c.to_string()));
        }
        crate::http::page_with_retries(&self.policy, &endpoint, &cursor_text, || async {
            let body = self.get(&endpoint, &query).await?;
            Ok(self.parse_page(resource, &endpoint, &body, &cursor_text))
        })
        .await
    }

    async fn fetch_one(&self, resource: &str, id: &str) -> Result<Result<Record, String>, ConnectError> {
        let Some(collection) = collection_of(resource) else {
            return Ok(Err(format!("the treasury system has no resource {resource}")));
        };
        let endpoint = format!("{}/api/v2/{collection}/{id}", self.base_url);
        let body = self.get(&endpoint, &[]).await?;
        Ok(map_item(resource, &body))
    }

    fn map_raw(&self, resource: &str, raw: &str) -> Result<Record, String> {
        map_item(resource, raw)
    }

    async fn write(
        &self,
        kind: &str,
        target: &str,
        idempotency_key: &str,
        if_match: Option<i64>,
        body: &Value,
    ) -> Result<WriteOutcome, ConnectError> {
        let Some((_, collection, action, resource)) = WRITES.iter().find(|(k, ..)| *k == kind) else {
            return Err(ConnectError::unsupported(
                &self.connection_id,
                format!("action kind {kind}"),
            ));
        };
        let endpoint = format!("{}/api/v2/{collection}/{target}/{action}", self.base_url);
        let (status, text) = crate::http::post_with_key(
            &self.policy,
            &self.http,
            &endpoint,
            &self.api_key,
            idempotency_key,
            if_match,
            body,
        )
        .await?;
        crate::http::write_outcome(&endpoint, status, &text, |t| map_item(resource, t))
    }
}
