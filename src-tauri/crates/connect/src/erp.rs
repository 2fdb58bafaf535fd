//! The ERP connector, OData v4 style: entity sets paged by `@odata.nextLink`, deltas resumed from
//! `@odata.deltaLink`, ETags as versions, writes by PATCH or bound action with `If-Match`, and an
//! OAuth2 client-credentials token.

use std::fmt;

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use crate::oauth::TokenSource;
use crate::source::{document, GoOn, Page, Record, Source, WriteOutcome};
use crate::{ConnectError, HttpPolicy, SecretStore};

/// Canonical resources and the ERP's entity sets, in the order a sync pulls them.
const SETS: &[(&str, &str)] = &[
    ("company_codes", "CompanyCodes"),
    ("gl_accounts", "GLAccounts"),
    ("cost_centers", "CostCenters"),
    ("supplier_masters", "Suppliers"),
    ("bank_account_changes", "SupplierBankAccountChanges"),
    ("purchase_orders", "PurchaseOrders"),
    ("goods_receipts", "GoodsReceipts"),
    ("posted_invoices", "SupplierInvoices"),
    ("posting_errors", "PostingErrors"),
    ("journals", "JournalEntries"),
    ("payments", "Payments"),
    ("period_status", "PeriodStatus"),
    ("close_tasks", "CloseTasks"),
];

const RESOURCES: &[&str] = &[
    "company_codes",
    "gl_accounts",
    "cost_centers",
    "supplier_masters",
    "bank_account_changes",
    "purchase_orders",
    "goods_receipts",
    "posted_invoices",
    "posting_errors",
    "journals",
    "payments",
    "period_status",
    "close_tasks",
];

fn set_of(resource: &str) -> Option<&'static str> {
    SETS.iter().find(|(r, _)| *r == resource).map(|(_, s)| *s)
}

/// The ERP's write-backs, one per outbox action kind: (kind, entity set, bound action, resource).
const WRITES: &[(&str, &str, Option<&str>, &str)] = &[
    ("close_task_status", "CloseTasks", None, "close_tasks"),
    ("erp_supplier_block", "Suppliers", None, "supplier_masters"),
    ("posting_resubmit", "PostingErrors", Some("Resubmit"), "posting_errors"),
    (
        "invoice_accept_variance",
        "SupplierInvoices",
        Some("AcceptVariance"),
        "posted_invoices",
    ),
    (
        "invoice_request_credit_note",
        "SupplierInvoices",
        Some("RequestCreditNote"),
        "posted_invoices",
    ),
];

#[derive(Clone)]
pub struct ErpClient {
    connection_id: String,
    base_url: String,
    http: reqwest::Client,
    policy: HttpPolicy,
    tokens: TokenSource,
}

impl fmt::Debug for ErpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErpClient")
            .field("connection_id", &self.connection_id)
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// An OData entity in canonical form: snake_case properties, annotations checked and dropped.
fn canonical(v: Value) -> Result<Value, String> {
    fn convert(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .filter(|(k, _)| !k.starts_with('@'))
                    .map(|(k, v)| (k.to_snake_case(), convert(v)))
                    .collect::<Map<_, _>>(),
            ),
            Value::Array(a) => Value::Array(a.into_iter().map(convert).collect()),
            other => other,
        }
    }
    let etag = v.get("@odata.etag").and_then(|e| e.as_str()).map(str::to_string);
    let out = convert(v);
    if let (Some(etag), Some(version)) = (etag, out.get("version").and_then(|v| v.as_i64())) {
        if etag.trim_start_matches("W/").trim_matches('"') != version.to_string() {
            return Err(format!("ETag {etag} does not match version {version}"));
        }
    }
    Ok(out)
}

fn map_entity(resource: &str, v: Value) -> Result<Record, String> {
    document(resource, canonical(v)?)
}

impl ErpClient {
    /// `secret_ref` names the keyring entry holding the OAuth2 client secret.
    pub fn new(
        connection_id: &str,
        base_url: &str,
        client_id: &str,
        secret_ref: &str,
        secrets: &dyn SecretStore,
        policy: HttpPolicy,
    ) -> Result<ErpClient, ConnectError> {
        let base_url = crate::http::checked_base_url(base_url)?;
        let secret = secrets.get(secret_ref)?;
        Ok(ErpClient {
            connection_id: connection_id.into(),
            tokens: TokenSource::new(
                format!("{base_url}/oauth2/token"),
                client_id.into(),
                secret,
                policy.clone(),
            ),
            base_url,
            http: policy.client(),
            policy,
        })
    }

    /// Sends a request with a bearer token; a 401 fetches a new token and tries once more.
    async fn call(
        &self,
        endpoint: &str,
        make: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<(u16, String), ConnectError> {
        for attempt in 0..2 {
            let token = self.tokens.token().await?;
            let (status, text) = self.policy.send_text(endpoint, || make(&token)).await?;
            if status == 401 && attempt == 0 {
                tracing::info!(endpoint, "token refused, fetching a new one");
                self.tokens.invalidate(&token).await;
                continue;
            }
            return Ok((status, text));
        }
        unreachable!("the loop returns on its second pass")
    }

    async fn get(&self, endpoint: &str) -> Result<String, ConnectError> {
        let answer = self
            .call(endpoint, |token| self.http.get(endpoint).bearer_auth(token))
            .await?;
        crate::http::ok_text(endpoint, answer)
    }

    fn parse_page(&self, resource: &str, endpoint: &str, body: &str, cursor: &str) -> Result<Page, String> {
        #[derive(serde::Deserialize)]
        struct Raw<'a> {
            #[serde(borrow)]
            value: Vec<&'a serde_json::value::RawValue>,
            #[serde(rename = "@odata.nextLink")]
            next_link: Option<String>,
            #[serde(rename = "@odata.deltaLink")]
            delta_link: Option<String>,
        }
        let raw: Raw = serde_json::from_str(body).map_err(crate::source::syntax)?;
        let go_on = GoOn::from_links(raw.next_link, raw.delta_link, "@odata.nextLink nor @odata.deltaLink")?;
        Ok(crate::source::page_of(
            body,
            raw.value.iter().map(|r| r.get()),
            go_on,
            |i| format!("{endpoint} at {cursor}, entity {i}"),
            |text| self.map_raw(resource, text),
        ))
    }
}

impl Source for ErpClient {
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
        let set = set_of(resource)
            .ok_or_else(|| ConnectError::unsupported(&self.connection_id, format!("resource {resource}")))?;
        // The links the service returned are relative to its root; the first page is ours.
        let path = match cursor {
            Some(link) if link.starts_with('/') => link.to_string(),
            Some(link) => {
                return Err(ConnectError::MalformedPage {
                    endpoint: set.into(),
                    cursor: link.into(),
                    reason: "the stored link is not a service path".into(),
                })
            }
            None => format!("/odata/v4/{set}?$top={limit}"),
        };
        let endpoint = format!("{}{path}", self.base_url);
        crate::http::page_with_retries(&self.policy, &endpoint, cursor.unwrap_or("start"), || async {
            let body = self.get(&endpoint).await?;
            Ok(self.parse_page(resource, &endpoint, &body, cursor.unwrap_or("start")))
        })
        .await
    }

    async fn fetch_one(&self, resource: &str, id: &str) -> Result<Result<Record, String>, ConnectError> {
        let Some(set) = set_of(resource) else {
            return Ok(Err(format!("the ERP has no resource {resource}")));
        };
        let endpoint = format!("{}/odata/v4/{set}('{}')", self.base_url, id.replace('\'', "''"));
        let body = self.get(&endpoint).await?;
        Ok(self.map_raw(resource, &body))
    }

    fn map_raw(&self, resource: &str, raw: &str) -> Result<Record, String> {
        let v: Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
        map_entity(resource, v)
    }

    async fn write(
        &self,
        kind: &str,
        target: &str,
        idempotency_key: &str,
        if_match: Option<i64>,
        body: &Value,
    ) -> Result<WriteOutcome, ConnectError> {
        let Some((_, set, action, resource)) = WRITES.iter().find(|(k, ..)| *k == kind) else {
            return Err(ConnectError::unsupported(
                &self.connection_id,
                format!("action kind {kind}"),
            ));
        };
        let entity = format!("{}/odata/v4/{set}('{}')", self.base_url, target.replace('\'', "''"));
        let endpoint = match action {
            Some(a) => format!("{entity}/{a}"),
            None => entity,
        };
        let (status, text) = self
            .call(&endpoint, |token| {
                let req = match action {
                    Some(_) => self.http.post(&endpoint),
                    None => self.http.patch(&endpoint),
                };
                let req = req.bearer_auth(token).header("prefer", "return=representation");
                crate::http::write_request(req, idempotency_key, if_match.map(|v| format!("W/\"{v}\"")), body)
            })
            .await?;
        crate::http::write_outcome(&endpoint, status, &text, |text| self.map_raw(resource, text))
    }
}
