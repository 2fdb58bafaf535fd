//! What every connector offers the sync engine, whatever the source's style (cursor REST, OData,
//! page tokens): named resources paged from a cursor, one record by id, and write-backs with an
//! idempotency key and the version the person saw.

use std::future::Future;

use domain::{Approval, Document, Invoice, LegalEntity, Provenance, Supplier, User};

use crate::ConnectError;

/// A source record mapped to the canonical model.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    User(Provenance, User),
    Entity(LegalEntity),
    Supplier(Supplier),
    Invoice(Invoice),
    Approval {
        approval: Approval,
        entity_code: String,
    },
    /// An ERP or treasury record, kept in its canonical form.
    Document(Document),
}

/// A record of a page that could not be mapped: where it was and why, with its raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub position: String,
    pub reason: String,
    pub raw: String,
}

#[derive(Debug)]
pub struct Page {
    pub records: Vec<Result<Record, Malformed>>,
    /// Where the next page (or, at the end, the next delta) starts.
    pub next_cursor: String,
    pub has_more: bool,
    pub bytes: usize,
}

/// What the source said to a write.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    /// Applied (or already applied under this idempotency key); the target as it is now.
    Applied { status: u16, record: Box<Record> },
    /// A final refusal: stale version, validation, permissions. A person must look.
    Refused { status: u16, message: String },
}

pub trait Source: Clone + Send + Sync + 'static {
    fn connection_id(&self) -> &str;

    /// The resources a sync pulls, parents first.
    fn resources(&self) -> &'static [&'static str];

    fn fetch_page(
        &self,
        resource: &'static str,
        cursor: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = Result<Page, ConnectError>> + Send;

    /// The source's current version of one record; the inner error is why it cannot be mapped.
    fn fetch_one(
        &self,
        resource: &str,
        id: &str,
    ) -> impl Future<Output = Result<Result<Record, String>, ConnectError>> + Send;

    /// Maps a raw record of `resource` again, as a replay of a dead letter does.
    fn map_raw(&self, resource: &str, raw: &str) -> Result<Record, String>;

    /// Sends a write-back of `kind` (an outbox action kind) to `target`.
    fn write(
        &self,
        kind: &str,
        target: &str,
        idempotency_key: &str,
        if_match: Option<i64>,
        body: &serde_json::Value,
    ) -> impl Future<Output = Result<WriteOutcome, ConnectError>> + Send;
}

/// A client of any configured connection.
#[derive(Clone, Debug)]
pub enum Client {
    Ap(crate::ap::ApClient),
    Erp(crate::erp::ErpClient),
    Treasury(crate::treasury::TreasuryClient),
}

macro_rules! each {
    ($self:ident, $c:ident => $e:expr) => {
        match $self {
            Client::Ap($c) => $e,
            Client::Erp($c) => $e,
            Client::Treasury($c) => $e,
        }
    };
}

impl Source for Client {
    fn connection_id(&self) -> &str {
        each!(self, c => c.connection_id())
    }

    fn resources(&self) -> &'static [&'static str] {
        each!(self, c => c.resources())
    }

    async fn fetch_page(
        &self,
        resource: &'static str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page, ConnectError> {
        each!(self, c => Source::fetch_page(c, resource, cursor, limit).await)
    }

    async fn fetch_one(&self, resource: &str, id: &str) -> Result<Result<Record, String>, ConnectError> {
        each!(self, c => Source::fetch_one(c, resource, id).await)
    }

    fn map_raw(&self, resource: &str, raw: &str) -> Result<Record, String> {
        each!(self, c => c.map_raw(resource, raw))
    }

    async fn write(
        &self,
        kind: &str,
        target: &str,
        idempotency_key: &str,
        if_match: Option<i64>,
        body: &serde_json::Value,
    ) -> Result<WriteOutcome, ConnectError> {
        each!(self, c => c.write(kind, target, idempotency_key, if_match, body).await)
    }
}

/// Maps a canonical JSON record to a document of `resource`, naming what is wrong.
pub(crate) fn document(resource: &str, value: serde_json::Value) -> Result<Record, String> {
    Document::parse(resource, value).map(Record::Document)
}

/// Where a source says to go on from after a page.
pub(crate) enum GoOn {
    /// The next page.
    Next(String),
    /// Nothing more now; the next delta starts here.
    Resume(String),
}

impl GoOn {
    /// From the two links a source may answer with (the next page's wins); `names` says which
    /// they are when neither came.
    pub(crate) fn from_links(next: Option<String>, resume: Option<String>, names: &str) -> Result<GoOn, String> {
        match (next, resume) {
            (Some(n), _) => Ok(GoOn::Next(n)),
            (None, Some(r)) => Ok(GoOn::Resume(r)),
            (None, None) => Err(format!("the answer has neither {names}")),
        }
    }
}

/// A page of `body`: its items mapped one by one — one that does not map keeps its raw text and
/// its place (`place(i)`), and the rest of the page goes on — and where to go on from.
pub(crate) fn page_of<'a>(
    body: &str,
    items: impl IntoIterator<Item = &'a str>,
    go_on: GoOn,
    place: impl Fn(usize) -> String,
    map: impl Fn(&str) -> Result<Record, String>,
) -> Page {
    let records = items
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            map(raw).map_err(|reason| Malformed {
                position: place(i),
                reason,
                raw: raw.to_string(),
            })
        })
        .collect();
    let (next_cursor, has_more) = match go_on {
        GoOn::Next(c) => (c, true),
        GoOn::Resume(c) => (c, false),
    };
    Page {
        records,
        next_cursor,
        has_more,
        bytes: body.len(),
    }
}

/// A JSON syntax error with the place it was found, for the person reading the report.
pub(crate) fn syntax(e: serde_json::Error) -> String {
    format!("{e} (line {}, column {})", e.line(), e.column())
}
