//! The whole demo estate: the AP system, two ERP instances and the treasury platform, each on its
//! own loopback port with its own credentials, generated from one seed so they agree, and a clock
//! that moves work across them (approved invoices get posted, the bank answers, the close moves).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use chrono::Utc;
use domain::treasury::StatusEvent;
use domain::Document;
use rand::{Rng, SeedableRng};
use tokio::sync::oneshot;

use crate::book::{Auth, Book, WriteRecord};
use crate::generate::generate;
use crate::world::{self, StatementBody, StatementLine};
use crate::{ap, Faults, Sandbox, SandboxConfig, SandboxError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SystemKind {
    Ap,
    Erp,
    Treasury,
}

impl SystemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SystemKind::Ap => "ap",
            SystemKind::Erp => "erp",
            SystemKind::Treasury => "treasury",
        }
    }
}

/// What a client needs to reach one system of the estate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    pub id: String,
    pub kind: SystemKind,
    pub name: String,
    pub base_url: String,
    /// OAuth2 client id (ERPs only).
    pub client_id: Option<String>,
    /// The API key or client secret.
    pub secret: String,
}

struct Server {
    system: System,
    book: Arc<Mutex<Book>>,
    _stop: oneshot::Sender<()>,
}

pub struct Estate {
    pub ap: Sandbox,
    servers: Vec<Server>,
    ap_secret: String,
}

const CLIENT_ID: &str = "control-tower";

impl Estate {
    /// Generates the estate and serves each system on `host`: port `base_port` and the next three,
    /// or free ports when `base_port` is 0.
    pub async fn start(config: SandboxConfig, host: std::net::IpAddr, base_port: u16) -> Result<Estate, SandboxError> {
        let g = generate(config.seed, config.size, config.now);
        let w = world::build(&g, config.seed, config.size, config.now);
        let port = |i: u16| if base_port == 0 { 0 } else { base_port + i };
        let ap = Sandbox::serve(
            ap::ApState::from_generated(&config, g),
            &config,
            SocketAddr::new(host, port(0)),
        )
        .await?;
        let mut servers = Vec::new();
        for (i, erp) in w.erps.into_iter().enumerate() {
            let secret = format!("{}-{}", config.api_key, erp.name);
            let auth = Auth::ClientCredentials {
                client_id: CLIENT_ID.into(),
                client_secret: secret.clone(),
                tokens: Default::default(),
                lifetime: chrono::Duration::minutes(10),
            };
            let mut book = Book::new(erp.name, auth, config.seed, erp.documents);
            book.parked = erp.parked.into_iter().map(|p| (p.ap_reference.clone(), p)).collect();
            let book = Arc::new(Mutex::new(book));
            let (addr, stop) = crate::listen(
                crate::erp::router(book.clone()),
                SocketAddr::new(host, port(1 + i as u16)),
            )
            .await?;
            let name = if i == 0 {
                "Group ERP"
            } else {
                "US entity ERP (acquired)"
            };
            servers.push(Server {
                system: System {
                    id: erp.name.into(),
                    kind: SystemKind::Erp,
                    name: name.into(),
                    base_url: format!("http://{addr}"),
                    client_id: Some(CLIENT_ID.into()),
                    secret,
                },
                book,
                _stop: stop,
            });
        }
        let secret = format!("{}-treasury", config.api_key);
        let mut book = Book::new(
            "treasury",
            Auth::ApiKey(secret.clone()),
            config.seed,
            w.treasury.documents,
        );
        book.statements = w.treasury.statements;
        let book = Arc::new(Mutex::new(book));
        let (addr, stop) = crate::listen(crate::treasury::router(book.clone()), SocketAddr::new(host, port(3))).await?;
        servers.push(Server {
            system: System {
                id: "treasury".into(),
                kind: SystemKind::Treasury,
                name: "Treasury / bank".into(),
                base_url: format!("http://{addr}"),
                client_id: None,
                secret,
            },
            book,
            _stop: stop,
        });
        tracing::info!(systems = servers.len() + 1, "sandbox estate listening");
        Ok(Estate {
            ap,
            servers,
            ap_secret: config.api_key,
        })
    }

    /// Every system of the estate, AP first.
    pub fn systems(&self) -> Vec<System> {
        let mut out = vec![System {
            id: "ap".into(),
            kind: SystemKind::Ap,
            name: "AP automation".into(),
            base_url: self.ap.base_url(),
            client_id: None,
            secret: self.ap_secret.clone(),
        }];
        out.extend(self.servers.iter().map(|s| s.system.clone()));
        out
    }

    fn book(&self, system: &str) -> Option<&Arc<Mutex<Book>>> {
        self.servers.iter().find(|s| s.system.id == system).map(|s| &s.book)
    }

    fn with_book<T>(&self, system: &str, f: impl FnOnce(&mut Book) -> T) -> Option<T> {
        self.book(system)
            .map(|b| f(&mut b.lock().unwrap_or_else(|p| p.into_inner())))
    }

    /// The same faults on every system.
    pub fn set_faults(&self, faults: Faults) {
        self.ap.set_faults(faults.clone());
        for s in &self.servers {
            s.book.lock().unwrap_or_else(|p| p.into_inner()).faults.faults = faults.clone();
        }
    }

    pub fn faults(&self) -> Faults {
        self.ap.faults()
    }

    /// How many faults of each kind fault mode injected, over every system.
    pub fn injected_faults(&self) -> std::collections::BTreeMap<String, u64> {
        let mut out = std::collections::BTreeMap::new();
        let mut add = |counts: &std::collections::BTreeMap<&'static str, u64>| {
            for (k, n) in counts {
                *out.entry(k.to_string()).or_default() += n;
            }
        };
        add(&self.ap.state.lock().unwrap_or_else(|p| p.into_inner()).faults.injected);
        for s in &self.servers {
            add(&s.book.lock().unwrap_or_else(|p| p.into_inner()).faults.injected);
        }
        out
    }

    /// Per-table fingerprints of a system (`ap`, `erp-a`, `erp-b`, `treasury`).
    pub fn checksums(&self, system: &str) -> Option<domain::checksum::Checksums> {
        if system == "ap" {
            return Some(self.ap.snapshot().checksums());
        }
        self.with_book(system, |b| b.checksums())
    }

    /// The writes a document system applied.
    pub fn writes(&self, system: &str) -> Vec<WriteRecord> {
        self.with_book(system, |b| b.writes.clone()).unwrap_or_default()
    }

    /// A record of a document system as it is now.
    pub fn document(&self, system: &str, resource: &str, id: &str) -> Option<Document> {
        self.with_book(system, |b| b.get(resource, id).cloned()).flatten()
    }

    /// Simulates work at a source: edits a record, bumping its version.
    pub fn change(&self, system: &str, resource: &str, id: &str, f: impl FnOnce(&mut Document)) -> Option<Document> {
        self.with_book(system, |b| b.change(resource, id, f)).flatten()
    }

    /// Expires every token an ERP issued, as a lifetime running out would.
    pub fn expire_tokens(&self, system: &str) {
        self.with_book(system, |b| b.expire_tokens());
    }

    /// Starts the demo clock of the whole estate.
    pub fn start_clock(&self, every: Duration, seed: u64) {
        self.ap.start_clock(every);
        let books: Vec<(String, Weak<Mutex<Book>>)> = self
            .servers
            .iter()
            .map(|s| (s.system.id.clone(), Arc::downgrade(&s.book)))
            .collect();
        let ap = Arc::downgrade(&self.ap.state);
        tokio::spawn(clock(ap, books, every, seed));
    }
}

fn owning_erp(entity: &str) -> &'static str {
    world::ERP_INSTANCES
        .iter()
        .find(|(_, codes)| codes.contains(&entity))
        .map(|(n, _)| *n)
        .unwrap_or("erp-a")
}

/// The estate's clock: approved AP invoices get posted (some fail), in-flight payments move
/// through the bank's statuses (some are rejected), settled ones reach a statement, and the
/// close moves on.
async fn clock(ap: Weak<Mutex<ap::ApState>>, books: Vec<(String, Weak<Mutex<Book>>)>, every: Duration, seed: u64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xE57A7E);
    let mut handled: HashSet<String> = HashSet::new();
    let mut first = true;
    let mut tick: u64 = 0;
    let mut settled: Vec<(String, StatementLine)> = Vec::new();
    loop {
        tokio::time::sleep(every).await;
        tick += 1;
        let Some(ap) = ap.upgrade() else { return };
        // Only what was approved since the last tick is copied out; what was approved before
        // the clock started is already in the ERPs.
        let approved: Vec<crate::wire::Invoice> = {
            let s = ap.lock().unwrap_or_else(|p| p.into_inner());
            let all = s.approved_invoices();
            if std::mem::take(&mut first) {
                handled.extend(all.iter().map(|i| i.id.clone()));
            }
            all.into_iter().filter(|i| !handled.contains(&i.id)).cloned().collect()
        };
        drop(ap);
        let upgraded: Vec<(String, Arc<Mutex<Book>>)> = books
            .iter()
            .filter_map(|(n, b)| b.upgrade().map(|b| (n.clone(), b)))
            .collect();
        if upgraded.len() != books.len() {
            return;
        }
        let book = |name: &str| upgraded.iter().find(|(n, _)| n == name).map(|(_, b)| b.clone());
        for inv in &approved {
            handled.insert(inv.id.clone());
            let Some(erp) = book(owning_erp(&inv.entity)) else {
                continue;
            };
            let mut erp = erp.lock().unwrap_or_else(|p| p.into_inner());
            erp.post_from_ap(inv, rng.gen_ratio(1, 12));
        }
        if let Some(treasury) = book("treasury") {
            let mut t = treasury.lock().unwrap_or_else(|p| p.into_inner());
            settled.extend(advance_payments(&mut t, &mut rng));
            if tick.is_multiple_of(6) && !settled.is_empty() {
                issue_statements(&mut t, std::mem::take(&mut settled));
            }
        }
        for (name, b) in &upgraded {
            if name.starts_with("erp") {
                let mut erp = b.lock().unwrap_or_else(|p| p.into_inner());
                start_a_task(&mut erp, &mut rng);
            }
        }
    }
}

/// Moves in-flight instructions one status on; returns the lines of those the bank settled.
fn advance_payments(t: &mut Book, rng: &mut impl Rng) -> Vec<(String, StatementLine)> {
    let in_flight: Vec<String> = t
        .tables
        .get("payment_instructions")
        .map(|tb| {
            tb.values()
                .filter_map(|d| match d {
                    Document::PaymentInstruction(i) if matches!(i.status.as_str(), "ACTC" | "ACCP" | "ACSP") => {
                        Some(i.id.clone())
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for id in in_flight {
        if !rng.gen_ratio(1, 3) {
            continue;
        }
        let reject = rng.gen_ratio(1, 15);
        let now = Utc::now();
        let changed = t.change("payment_instructions", &id, |d| {
            if let Document::PaymentInstruction(i) = d {
                let (next, reason) = match (i.status.as_str(), reject) {
                    ("ACTC", true) => ("RJCT", Some(["AC01", "AM04", "AC04"][now.timestamp() as usize % 3])),
                    ("ACTC", false) => ("ACCP", None),
                    ("ACCP", _) => ("ACSP", None),
                    _ => ("ACSC", None),
                };
                i.status = next.into();
                i.reason = reason.map(str::to_string);
                i.history.push(StatusEvent {
                    status: next.into(),
                    reason: reason.map(str::to_string),
                    at: now,
                });
            }
        });
        if let Some(Document::PaymentInstruction(i)) = changed {
            if i.status == "ACSC" {
                let account = format!("ACC-{}-{}", i.entity, i.currency.code());
                out.push((
                    account,
                    StatementLine {
                        amount: -i.amount,
                        booking_date: now.date_naive(),
                        acct_svcr_ref: format!("{}{}", now.format("%y%m%d%H%M%S"), &i.id[i.id.len() - 4..]),
                        end_to_end_id: Some(i.end_to_end_id.clone()),
                        counterparty: i.creditor_name.clone(),
                        counterparty_iban: Some(i.creditor_iban.clone()),
                        remittance: i.invoice_ids.join(" "),
                    },
                ));
            }
        }
    }
    out
}

/// The bank's statement run: one statement per account with what settled since the last one.
fn issue_statements(t: &mut Book, lines: Vec<(String, StatementLine)>) {
    let mut by_account: std::collections::BTreeMap<String, Vec<StatementLine>> = Default::default();
    for (a, l) in lines {
        by_account.entry(a).or_default().push(l);
    }
    let now = Utc::now();
    for (account_id, lines) in by_account {
        let Some(Document::HouseAccount(account)) = t.get("house_accounts", &account_id).cloned() else {
            continue;
        };
        let opening = t
            .statements
            .values()
            .filter(|s| s.account.id == account_id)
            .max_by_key(|s| s.date)
            .map(StatementBody::closing)
            .unwrap_or_default();
        let n = t
            .statements
            .keys()
            .filter(|k| k.starts_with(&format!("STM-{account_id}-")))
            .count();
        let id = format!("STM-{account_id}-{}-{n:03}", now.format("%Y%m%d"));
        let body = StatementBody {
            account: account.clone(),
            date: now.date_naive(),
            opening,
            lines,
        };
        let closing = body.closing();
        t.put(Document::StatementNotice(domain::treasury::StatementNotice {
            id: id.clone(),
            account_id: account_id.clone(),
            date: body.date,
            entries: body.lines.len() as i64,
            version: 1,
            modified_at: now,
        }));
        t.put(Document::Balance(domain::treasury::Balance {
            id: format!("BAL-{account_id}-{}-{n:03}", now.format("%Y%m%d")),
            account_id,
            date: body.date,
            currency: account.currency,
            closing_booked: closing,
            version: 1,
            modified_at: now,
        }));
        t.statements.insert(id, body);
    }
}

/// Someone starts a task of the current period whose dependencies are done.
fn start_a_task(erp: &mut Book, rng: &mut impl Rng) {
    if !rng.gen_ratio(1, 3) {
        return;
    }
    let period = Utc::now().format("%Y-%m").to_string();
    let Some(tasks) = erp.tables.get("close_tasks") else {
        return;
    };
    let done: HashSet<&str> = tasks
        .values()
        .filter_map(|d| match d {
            Document::CloseTask(t) if t.status == "reviewed" => Some(t.id.as_str()),
            _ => None,
        })
        .collect();
    let ready: Vec<String> = tasks
        .values()
        .filter_map(|d| match d {
            Document::CloseTask(t)
                if t.period == period
                    && t.status == "not_started"
                    && t.depends_on.iter().all(|x| done.contains(x.as_str())) =>
            {
                Some(t.id.clone())
            }
            _ => None,
        })
        .collect();
    if ready.is_empty() {
        return;
    }
    let id = ready[rng.gen_range(0..ready.len())].clone();
    erp.change("close_tasks", &id, |d| {
        if let Document::CloseTask(t) = d {
            t.status = "in_progress".into();
        }
    });
}

impl Book {
    /// The ERP side of an AP approval: the invoice is posted, or refused with a posting error and
    /// parked until someone resubmits it.
    pub(crate) fn post_from_ap(&mut self, inv: &crate::wire::Invoice, fails: bool) {
        let now = Utc::now();
        let posted = world::posted(inv, now);
        if fails {
            self.put(Document::PostingError(domain::erp::PostingError {
                id: format!("PE-{}", inv.id),
                company_code: inv.entity.clone(),
                ap_reference: inv.id.clone(),
                code: "M8-082".into(),
                message: "Tax code missing on an invoice line".into(),
                occurred_at: now,
                status: "open".into(),
                version: 1,
                modified_at: now,
            }));
            self.parked.insert(inv.id.clone(), posted);
        } else {
            self.put(Document::PostedInvoice(posted));
        }
    }
}
