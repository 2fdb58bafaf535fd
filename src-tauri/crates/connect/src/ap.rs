//! The AP-automation connector: cursor-paginated REST with an API key, and decisions written
//! back with an idempotency key and the version the person saw.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use domain::user::Role;
use domain::{
    Approval, ApprovalStatus, BusinessCalendar, Currency, Invoice, InvoiceLine, InvoiceStatus, LegalEntity, Money,
    Provenance, Supplier, User,
};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::source::GoOn;
use crate::{ConnectError, HttpPolicy, SecretStore};

/// The collections the AP system lists, in the order a sync pulls them (parents first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Users,
    Entities,
    Suppliers,
    Invoices,
    Approvals,
}

impl Resource {
    pub const ALL: [Resource; 5] = [
        Resource::Users,
        Resource::Entities,
        Resource::Suppliers,
        Resource::Invoices,
        Resource::Approvals,
    ];

    pub fn from_path(path: &str) -> Option<Resource> {
        Resource::ALL.into_iter().find(|r| r.path() == path)
    }

    pub fn path(self) -> &'static str {
        match self {
            Resource::Users => "users",
            Resource::Entities => "entities",
            Resource::Suppliers => "suppliers",
            Resource::Invoices => "invoices",
            Resource::Approvals => "approvals",
        }
    }
}

/// The AP system's write-back endpoints, one per kind of outbox action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Approve or reject an approval step.
    Decision,
    /// Place a supplier on hold or release it.
    Hold,
}

impl Write {
    pub fn from_kind(kind: &str) -> Option<Write> {
        match kind {
            "approval_decision" => Some(Write::Decision),
            "supplier_hold" => Some(Write::Hold),
            _ => None,
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Write::Decision => "approval_decision",
            Write::Hold => "supplier_hold",
        }
    }

    fn path(self, target: &str) -> String {
        match self {
            Write::Decision => format!("approvals/{target}/decision"),
            Write::Hold => format!("suppliers/{target}/hold"),
        }
    }

    /// The record the source answers with: the target as it is now.
    fn answers_with(self) -> Resource {
        match self {
            Write::Decision => Resource::Approvals,
            Write::Hold => Resource::Suppliers,
        }
    }
}

pub use crate::source::{Malformed, Page, Record, WriteOutcome};

#[derive(Clone)]
pub struct ApClient {
    connection_id: String,
    base_url: String,
    api_key: String,
    http: reqwest::Client,
    policy: HttpPolicy,
}

impl fmt::Debug for ApClient {
    // The key never reaches a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApClient")
            .field("connection_id", &self.connection_id)
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl ApClient {
    /// Builds a client whose API key is read from the keyring entry `secret_ref`.
    pub fn new(
        connection_id: &str,
        base_url: &str,
        secret_ref: &str,
        secrets: &dyn SecretStore,
        policy: HttpPolicy,
    ) -> Result<ApClient, ConnectError> {
        let base_url = crate::http::checked_base_url(base_url)?;
        let api_key = secrets.get(secret_ref)?;
        Ok(ApClient {
            connection_id: connection_id.into(),
            base_url,
            api_key,
            http: policy.client(),
            policy,
        })
    }

    pub fn connection_id(&self) -> &str {
        &self.connection_id
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Fetches one page after `cursor`. A page that is not valid JSON is fetched again (a proxy
    /// may have cut it); if it stays broken the error names the endpoint, cursor and position.
    pub async fn fetch_page(
        &self,
        resource: Resource,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page, ConnectError> {
        let endpoint = format!("{}/api/v1/{}", self.base_url, resource.path());
        let cursor_text = cursor.unwrap_or("start").to_string();
        let mut query = vec![("limit", limit.to_string())];
        if let Some(c) = cursor {
            query.push(("cursor", c.to_string()));
        }
        crate::http::page_with_retries(&self.policy, &endpoint, &cursor_text, || async {
            let body = self.get_text(&endpoint, &query).await?;
            Ok(self.parse_page(resource, &body, &cursor_text))
        })
        .await
    }

    fn parse_page(&self, resource: Resource, body: &str, cursor: &str) -> Result<Page, String> {
        #[derive(Deserialize)]
        struct RawPage<'a> {
            #[serde(borrow)]
            data: Vec<&'a serde_json::value::RawValue>,
            next_cursor: String,
            has_more: bool,
        }
        let raw: RawPage = serde_json::from_str(body).map_err(crate::source::syntax)?;
        let fetched = Utc::now();
        let go_on = if raw.has_more {
            GoOn::Next(raw.next_cursor)
        } else {
            GoOn::Resume(raw.next_cursor)
        };
        Ok(crate::source::page_of(
            body,
            raw.data.iter().map(|r| r.get()),
            go_on,
            |i| format!("{} cursor {cursor} record {i}", resource.path()),
            |text| map_record(resource, &self.connection_id, text, fetched),
        ))
    }

    /// Fetches the source's current version of one record, e.g. to replay a dead letter.
    pub async fn fetch_one(&self, resource: Resource, id: &str) -> Result<Result<Record, String>, ConnectError> {
        let endpoint = format!("{}/api/v1/{}/{}", self.base_url, resource.path(), id);
        let body = self.get_text(&endpoint, &[]).await?;
        Ok(map_record(resource, &self.connection_id, &body, Utc::now()))
    }

    async fn get_text(&self, endpoint: &str, query: &[(&str, String)]) -> Result<String, ConnectError> {
        crate::http::get_with_key(&self.policy, &self.http, endpoint, &self.api_key, query).await
    }

    /// Sends a write-back. Retries outages itself with the same idempotency key; a transient
    /// error that outlasts the policy is returned for the outbox to retry later.
    pub async fn post_write(
        &self,
        write: Write,
        target: &str,
        idempotency_key: &str,
        if_match: Option<i64>,
        body: &serde_json::Value,
    ) -> Result<WriteOutcome, ConnectError> {
        let endpoint = format!("{}/api/v1/{}", self.base_url, write.path(target));
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
        crate::http::write_outcome(&endpoint, status, &text, |text| {
            map_record(write.answers_with(), &self.connection_id, text, Utc::now())
        })
    }
}

// ---- the source's record shapes and their mapping to the canonical model ----

#[derive(Deserialize)]
struct WireUser {
    id: String,
    name: String,
    email: String,
    roles: Vec<String>,
    version: i64,
    updated_at: String,
}

#[derive(Deserialize)]
struct WireEntity {
    id: String,
    code: String,
    name: String,
    currency: String,
    time_zone: String,
    weekend: Vec<String>,
    holidays: Vec<String>,
    version: i64,
    updated_at: String,
}

#[derive(Deserialize)]
struct WireSupplier {
    id: String,
    name: String,
    country: String,
    bank_account: Option<String>,
    on_hold: bool,
    version: i64,
    updated_at: String,
}

#[derive(Deserialize)]
struct WireLine {
    line_no: i64,
    description: String,
    quantity: String,
    unit_price: String,
    amount: String,
    gl_account: String,
    cost_center: String,
}

#[derive(Deserialize)]
struct WireInvoice {
    id: String,
    entity: String,
    supplier_id: String,
    number: String,
    invoice_date: String,
    due_date: String,
    currency: String,
    total: String,
    status: String,
    po_number: Option<String>,
    created_by: Option<String>,
    coded_by: Option<String>,
    lines: Vec<WireLine>,
    version: i64,
    updated_at: String,
}

#[derive(Deserialize)]
struct WireStep {
    id: String,
    invoice_id: String,
    entity: String,
    step: i64,
    step_count: i64,
    step_name: String,
    approver_id: String,
    status: String,
    assigned_at: String,
    decided_at: Option<String>,
    decided_by: Option<String>,
    comment: Option<String>,
    version: i64,
    updated_at: String,
}

fn instant(field: &str, s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{field}: {s:?} is not a timestamp ({e})"))
}

fn date(field: &str, s: &str) -> Result<NaiveDate, String> {
    NaiveDate::from_str(s).map_err(|e| format!("{field}: {s:?} is not a date ({e})"))
}

fn weekday(s: &str) -> Result<Weekday, String> {
    Weekday::from_str(s).map_err(|_| format!("weekend: {s:?} is not a weekday"))
}

fn role(s: &str) -> Result<Role, String> {
    match s {
        "approver" => Ok(Role::Approver),
        "ap_clerk" => Ok(Role::ApClerk),
        "controller" => Ok(Role::Controller),
        "treasury_analyst" => Ok(Role::TreasuryAnalyst),
        other => Err(format!("roles: unknown role {other:?}")),
    }
}

fn invoice_status(s: &str) -> Result<InvoiceStatus, String> {
    InvoiceStatus::parse(s).map_err(|e| e.to_string())
}

/// Maps one record of `resource` to the canonical model, or says which field is wrong.
pub fn map_record(
    resource: Resource,
    connection_id: &str,
    v: &str,
    fetched_at: DateTime<Utc>,
) -> Result<Record, String> {
    fn decode<T: serde::de::DeserializeOwned>(v: &str) -> Result<T, String> {
        serde_json::from_str(v).map_err(|e| e.to_string())
    }
    let prov = |id: &str, version: i64, updated: &str| -> Result<Provenance, String> {
        Ok(Provenance {
            connection_id: connection_id.into(),
            external_id: id.into(),
            source_version: version,
            source_updated_at: instant("updated_at", updated)?,
            fetched_at,
        })
    };
    match resource {
        Resource::Users => {
            let u: WireUser = decode(v)?;
            let roles = u.roles.iter().map(|r| role(r)).collect::<Result<Vec<_>, _>>()?;
            Ok(Record::User(
                prov(&u.id, u.version, &u.updated_at)?,
                User {
                    id: u.id,
                    name: u.name,
                    email: u.email,
                    roles,
                },
            ))
        }
        Resource::Entities => {
            let e: WireEntity = decode(v)?;
            let weekend = e.weekend.iter().map(|d| weekday(d)).collect::<Result<Vec<_>, _>>()?;
            let holidays = e
                .holidays
                .iter()
                .map(|d| date("holidays", d))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Record::Entity(LegalEntity {
                provenance: prov(&e.id, e.version, &e.updated_at)?,
                currency: Currency::new(&e.currency).map_err(|err| err.to_string())?,
                time_zone: e
                    .time_zone
                    .parse()
                    .map_err(|_| format!("time_zone: unknown zone {:?}", e.time_zone))?,
                calendar: BusinessCalendar::new(weekend, holidays),
                code: e.code,
                name: e.name,
            }))
        }
        Resource::Suppliers => {
            let s: WireSupplier = decode(v)?;
            Ok(Record::Supplier(Supplier {
                provenance: prov(&s.id, s.version, &s.updated_at)?,
                name: s.name,
                country: s.country,
                bank_account: s.bank_account,
                on_hold: s.on_hold,
            }))
        }
        Resource::Invoices => {
            let i: WireInvoice = decode(v)?;
            let total = Money::parse(&i.total, &i.currency).map_err(|e| format!("total: {e}"))?;
            let lines = i
                .lines
                .iter()
                .map(|l| {
                    Ok(InvoiceLine {
                        line_no: l.line_no,
                        description: l.description.clone(),
                        quantity: Decimal::from_str(&l.quantity)
                            .map_err(|e| format!("lines[{}].quantity: {e}", l.line_no))?,
                        unit_price: Money::parse(&l.unit_price, &i.currency)
                            .map_err(|e| format!("lines[{}].unit_price: {e}", l.line_no))?,
                        amount: Money::parse(&l.amount, &i.currency)
                            .map_err(|e| format!("lines[{}].amount: {e}", l.line_no))?,
                        gl_account: l.gl_account.clone(),
                        cost_center: l.cost_center.clone(),
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            let invoice = Invoice {
                provenance: prov(&i.id, i.version, &i.updated_at)?,
                entity_code: i.entity,
                supplier_external_id: i.supplier_id,
                number: i.number,
                invoice_date: date("invoice_date", &i.invoice_date)?,
                due_date: date("due_date", &i.due_date)?,
                total,
                status: invoice_status(&i.status)?,
                po_number: i.po_number,
                created_by: i.created_by,
                coded_by: i.coded_by,
                lines,
            };
            invoice.check_lines().map_err(|e| e.to_string())?;
            Ok(Record::Invoice(invoice))
        }
        Resource::Approvals => {
            let s: WireStep = decode(v)?;
            Ok(Record::Approval {
                approval: Approval {
                    provenance: prov(&s.id, s.version, &s.updated_at)?,
                    invoice_external_id: s.invoice_id,
                    step: s.step,
                    step_count: s.step_count,
                    step_name: s.step_name,
                    approver_id: s.approver_id,
                    status: ApprovalStatus::parse(&s.status).map_err(|e| e.to_string())?,
                    assigned_at: instant("assigned_at", &s.assigned_at)?,
                    decided_at: s.decided_at.as_deref().map(|d| instant("decided_at", d)).transpose()?,
                    decided_by: s.decided_by,
                    comment: s.comment,
                },
                entity_code: s.entity,
            })
        }
    }
}

impl crate::Source for ApClient {
    fn connection_id(&self) -> &str {
        &self.connection_id
    }

    fn resources(&self) -> &'static [&'static str] {
        &["users", "entities", "suppliers", "invoices", "approvals"]
    }

    async fn fetch_page(
        &self,
        resource: &'static str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page, ConnectError> {
        let r = Resource::from_path(resource).ok_or_else(|| ConnectError::BadUrl {
            url: resource.into(),
            reason: "the AP system has no such resource".into(),
        })?;
        ApClient::fetch_page(self, r, cursor, limit).await
    }

    async fn fetch_one(&self, resource: &str, id: &str) -> Result<Result<Record, String>, ConnectError> {
        match Resource::from_path(resource) {
            Some(r) => ApClient::fetch_one(self, r, id).await,
            None => Ok(Err(format!("the AP system has no resource {resource}"))),
        }
    }

    fn map_raw(&self, resource: &str, raw: &str) -> Result<Record, String> {
        let r = Resource::from_path(resource).ok_or_else(|| format!("the AP system has no resource {resource}"))?;
        map_record(r, &self.connection_id, raw, Utc::now())
    }

    async fn write(
        &self,
        kind: &str,
        target: &str,
        idempotency_key: &str,
        if_match: Option<i64>,
        body: &serde_json::Value,
    ) -> Result<WriteOutcome, ConnectError> {
        let write = Write::from_kind(kind)
            .ok_or_else(|| ConnectError::unsupported(&self.connection_id, format!("action kind {kind}")))?;
        self.post_write(write, target, idempotency_key, if_match, body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_bad_field_is_named() {
        let now = Utc::now();
        let bad = json!({"id": "S1", "name": "x", "country": "DE", "bank_account": null, "on_hold": false,
                         "version": "seven", "updated_at": "2026-11-20T10:00:00Z"});
        let err = map_record(Resource::Suppliers, "ap", &bad.to_string(), now).unwrap_err();
        assert!(err.contains("invalid type"), "{err}");
        let bad_total = json!({"id": "I1", "entity": "DE01", "supplier_id": "S1", "number": "A-1",
            "invoice_date": "2026-11-01", "due_date": "2026-12-01", "currency": "EUR", "total": "12,50",
            "status": "pending_approval", "po_number": null, "created_by": null, "coded_by": null, "lines": [],
            "version": 1, "updated_at": "2026-11-20T10:00:00Z"});
        let err = map_record(Resource::Invoices, "ap", &bad_total.to_string(), now).unwrap_err();
        assert!(err.starts_with("total:"), "{err}");
    }
}
