//! The state of a document-style sandbox system (the ERPs and the treasury platform): its
//! collections of canonical records in change order, credentials, faults, idempotent writes and
//! the writes it applied, for tests to inspect.

use std::collections::{BTreeMap, HashMap};

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use domain::checksum::{Checksums, TableChecksum};
use domain::Document;
use serde::{Deserialize, Serialize};

use crate::faults::FaultState;
use crate::protocol::{api_error, refusal, Refusal, Stored, System};
use crate::table::Table;
use crate::world::StatementBody;

/// A write the system applied (not a replay of an idempotency key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteRecord {
    pub resource: String,
    pub id: String,
    pub action: String,
    pub actor_id: String,
    pub idempotency_key: String,
    pub at: String,
}

pub(crate) type Shared = std::sync::Arc<std::sync::Mutex<Book>>;

pub(crate) fn lock(state: &Shared) -> std::sync::MutexGuard<'_, Book> {
    // A poisoned lock means a handler panicked; the data is still consistent per request.
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// What a write-back names: the record, the version the caller saw, and the status this system
/// answers a stale version with (OData: 412; the treasury's REST API: 409).
pub(crate) struct Target<'a> {
    pub resource: &'static str,
    pub id: &'a str,
    pub if_match: Option<i64>,
    pub stale: StatusCode,
}

/// Who wrote, under which idempotency key.
pub(crate) struct Actor<'a> {
    pub action: &'a str,
    pub actor_id: &'a str,
    pub key: &'a str,
}

/// How the system authenticates callers.
pub(crate) enum Auth {
    /// `X-API-Key` header.
    ApiKey(String),
    /// OAuth2 client credentials: a token endpoint hands out bearer tokens that expire.
    ClientCredentials {
        client_id: String,
        client_secret: String,
        tokens: HashMap<String, DateTime<Utc>>,
        lifetime: Duration,
    },
}

pub(crate) struct Book {
    pub name: String,
    seq: u64,
    pub tables: BTreeMap<&'static str, Table<Document>>,
    pub auth: Auth,
    idempotency: HashMap<String, Stored>,
    pub faults: FaultState,
    pub writes: Vec<WriteRecord>,
    /// The treasury's bank statements behind its statement notices.
    pub statements: BTreeMap<String, StatementBody>,
    /// The ERP's parked documents behind open posting errors, by AP reference: posted on resubmit.
    pub parked: HashMap<String, domain::erp::PostedInvoice>,
    token_seq: u64,
}

impl Book {
    pub fn new(name: &str, auth: Auth, seed: u64, documents: Vec<Document>) -> Book {
        let mut b = Book {
            name: name.into(),
            seq: 0,
            tables: BTreeMap::new(),
            auth,
            idempotency: HashMap::new(),
            // Each system draws its own faults: the seed mixed with its name.
            faults: FaultState::new(seed ^ name_hash(name)),
            writes: Vec::new(),
            statements: BTreeMap::new(),
            parked: HashMap::new(),
            token_seq: 0,
        };
        for d in documents {
            b.put(d);
        }
        b
    }

    pub fn put(&mut self, d: Document) {
        self.seq += 1;
        let seq = self.seq;
        self.tables.entry(d.resource()).or_insert_with(Table::new).put(seq, d);
    }

    pub fn get(&self, resource: &str, id: &str) -> Option<&Document> {
        self.tables.get(resource).and_then(|t| t.get(id))
    }

    pub fn current(&self, resource: &str, id: &str) -> Result<Document, Refusal> {
        self.get(resource, id).cloned().ok_or_else(|| {
            refusal(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{resource} {id} does not exist"),
            )
        })
    }

    /// The write every document endpoint makes: the record must exist and be the version the
    /// caller saw, `check` may refuse it, `edit` changes it; the write is logged.
    pub fn apply_write(
        &mut self,
        t: Target,
        by: Actor,
        check: impl FnOnce(&Document) -> Result<(), Refusal>,
        edit: impl FnOnce(&mut Document),
    ) -> Result<Document, Refusal> {
        let current = self.current(t.resource, t.id)?;
        if let Some(v) = t.if_match.filter(|v| *v != current.version()) {
            return Err(refusal(
                t.stale,
                "stale_version",
                format!(
                    "the record changed since it was read (you had version {v}, it is now {}): {}",
                    current.version(),
                    current.to_json()
                ),
            ));
        }
        check(&current)?;
        let changed = self.change(t.resource, t.id, edit).ok_or_else(|| {
            refusal(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{} {} does not exist", t.resource, t.id),
            )
        })?;
        self.writes.push(WriteRecord {
            resource: t.resource.into(),
            id: t.id.into(),
            action: by.action.into(),
            actor_id: by.actor_id.into(),
            idempotency_key: by.key.into(),
            at: Utc::now().to_rfc3339(),
        });
        Ok(changed)
    }

    /// Changes a record at the source: `f` edits it, its version goes up and it moves to the
    /// end of the change order, so the next delta brings it.
    pub fn change(&mut self, resource: &str, id: &str, f: impl FnOnce(&mut Document)) -> Option<Document> {
        self.seq += 1;
        let seq = self.seq;
        let table = self.tables.get_mut(resource)?;
        let doc = table.get_mut(id)?;
        f(doc);
        doc.bump(Utc::now());
        let out = doc.clone();
        table.touch(id, seq);
        Some(out)
    }

    pub fn checksums(&self) -> Checksums {
        let tables = self
            .tables
            .iter()
            .map(|(name, t)| {
                (
                    name.to_string(),
                    TableChecksum::of(t.values().map(|d| (d.id(), d.version()))),
                )
            })
            .collect();
        Checksums { tables }
    }

    /// Issues a bearer token for valid client credentials.
    pub fn issue_token(&mut self, client_id: &str, client_secret: &str) -> Option<(String, i64)> {
        self.token_seq += 1;
        let n = self.token_seq;
        match &mut self.auth {
            Auth::ClientCredentials {
                client_id: id,
                client_secret: secret,
                tokens,
                lifetime,
            } if id == client_id && secret == client_secret => {
                let token = format!("at-{}-{n}-{}", self.name, uuid_like(n));
                tokens.insert(token.clone(), Utc::now() + *lifetime);
                Some((token, lifetime.num_seconds()))
            }
            _ => None,
        }
    }

    /// Lets tests expire every issued token, as a token lifetime running out would.
    pub fn expire_tokens(&mut self) {
        if let Auth::ClientCredentials { tokens, .. } = &mut self.auth {
            tokens.clear();
        }
    }

    /// `Some` is the refusal of a caller without valid credentials.
    fn unauthorized(&self, headers: &HeaderMap) -> Option<Response> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        match &self.auth {
            Auth::ApiKey(key) if header("x-api-key") == Some(key.as_str()) => None,
            Auth::ApiKey(_) => Some(api_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "missing or invalid API key",
            )),
            Auth::ClientCredentials { tokens, .. } => {
                let token = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
                match token.and_then(|t| tokens.get(t)) {
                    Some(expires) if *expires > Utc::now() => None,
                    Some(_) => Some(api_error(
                        StatusCode::UNAUTHORIZED,
                        "invalid_token",
                        "the access token expired",
                    )),
                    None => Some(api_error(
                        StatusCode::UNAUTHORIZED,
                        "invalid_token",
                        "missing or unknown bearer token",
                    )),
                }
            }
        }
    }
}

fn name_hash(name: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(name.as_bytes());
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

fn uuid_like(n: u64) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("token-{n}-{}", Utc::now().timestamp_nanos_opt().unwrap_or(0)))[..12])
}

impl System for Book {
    fn gate(&mut self, headers: &HeaderMap, listing: bool) -> Option<Response> {
        if let Some(resp) = self.unauthorized(headers) {
            return Some(resp);
        }
        self.faults.inject(listing)
    }

    fn idempotency(&mut self) -> &mut HashMap<String, Stored> {
        &mut self.idempotency
    }
}
