//! The sync engine: pulls each connection into the mirror (cursor by cursor, committed with the
//! data it covers), takes people's actions through controls into the outbox, and delivers the
//! outbox to the sources.

pub mod actions;
mod apply;
pub mod approvals;
pub mod close_board;
mod close_signals;
pub mod delivery;
mod error;
pub mod exceptions;
pub mod pull;
pub mod reconcile;
pub mod replay;
pub mod resolve;
pub mod runner;
mod statements;
pub mod targeted;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use connect::circuit::{CircuitBreaker, CircuitState};
use connect::{HttpPolicy, SecretStore};
use store::Store;

pub use close_signals::SIGNAL_ACTOR;
pub use error::SyncError;

/// What the engine needs to reach the mirror and the sources.
#[derive(Clone)]
pub struct Engine {
    pub store: Store,
    pub secrets: Arc<dyn SecretStore>,
    pub policy: HttpPolicy,
    pub page_size: usize,
    /// One delivery pass at a time, so an action is never in flight twice from this process.
    delivery_lock: Arc<tokio::sync::Mutex<()>>,
    /// Per connection: stop calling a source that keeps failing, for a cool-down.
    breakers: Arc<Mutex<HashMap<String, CircuitBreaker>>>,
    /// Per connection: requests per second and burst, shared by every client of it.
    limiters: Arc<Mutex<HashMap<String, Arc<connect::rate::RateLimiter>>>>,
    pub rate_limit: (u32, u32),
    /// Tolerances, windows and SLAs of the exception rules (the workspace's `exceptions.json`).
    pub exception_policy: Arc<domain::exception::ExceptionPolicy>,
    /// Approval matrix, limits, delegations and SoD windows (the workspace's `approvals.json`).
    pub approval_policy: Arc<domain::approval_policy::ApprovalPolicy>,
    /// When each connection last started a run, for its schedule.
    last_runs: Arc<Mutex<HashMap<String, Instant>>>,
}

impl Engine {
    pub fn new(store: Store, secrets: Arc<dyn SecretStore>) -> Engine {
        Engine {
            store,
            secrets,
            policy: HttpPolicy::default(),
            page_size: 500,
            delivery_lock: Arc::default(),
            breakers: Arc::default(),
            limiters: Arc::default(),
            rate_limit: (500, 100),
            exception_policy: Arc::default(),
            approval_policy: Arc::default(),
            last_runs: Arc::default(),
        }
    }

    pub fn with_policy(mut self, policy: HttpPolicy) -> Engine {
        self.policy = policy;
        self
    }

    pub fn with_exception_policy(mut self, policy: domain::exception::ExceptionPolicy) -> Engine {
        self.exception_policy = Arc::new(policy);
        self
    }

    pub fn with_approval_policy(mut self, policy: domain::approval_policy::ApprovalPolicy) -> Engine {
        self.approval_policy = Arc::new(policy);
        self
    }

    /// Whose approval steps `user` decides today: their own, and those of anyone they stand in for.
    pub fn approvers_for(&self, user: &str, today: chrono::NaiveDate) -> Vec<String> {
        let mut ids = vec![user.to_string()];
        ids.extend(
            self.approval_policy
                .covering_for(user, today)
                .into_iter()
                .map(str::to_string),
        );
        ids
    }

    pub fn with_page_size(mut self, page_size: usize) -> Engine {
        self.page_size = page_size.max(1);
        self
    }

    /// The circuit of a connection now, and its consecutive failures.
    pub fn circuit(&self, connection_id: &str) -> (CircuitState, u32) {
        let breakers = self.breakers.lock().unwrap_or_else(|p| p.into_inner());
        breakers
            .get(connection_id)
            .map(|b| (b.state(Instant::now()), b.consecutive_failures()))
            .unwrap_or((CircuitState::Closed, 0))
    }

    fn with_breaker<T>(&self, connection_id: &str, f: impl FnOnce(&mut CircuitBreaker) -> T) -> T {
        let mut breakers = self.breakers.lock().unwrap_or_else(|p| p.into_inner());
        f(breakers.entry(connection_id.to_string()).or_default())
    }

    /// The connector for a connection, by its kind, under the connection's rate limit.
    pub fn client(&self, c: &store::connections::Connection) -> Result<connect::Client, SyncError> {
        let mut policy = self.policy.clone();
        let limiter = {
            let mut limiters = self.limiters.lock().unwrap_or_else(|p| p.into_inner());
            let (rate, burst) = self.rate_limit;
            limiters
                .entry(c.id.clone())
                .or_insert_with(|| Arc::new(connect::rate::RateLimiter::new(rate, burst)))
                .clone()
        };
        policy.limiter = Some(limiter);
        let secrets = self.secrets.as_ref();
        Ok(match c.kind.as_str() {
            "ap" => connect::Client::Ap(connect::ap::ApClient::new(
                &c.id,
                &c.base_url,
                &c.secret_ref,
                secrets,
                policy,
            )?),
            "erp" => connect::Client::Erp(connect::erp::ErpClient::new(
                &c.id,
                &c.base_url,
                c.client_id.as_deref().unwrap_or_default(),
                &c.secret_ref,
                secrets,
                policy,
            )?),
            "treasury" => connect::Client::Treasury(connect::treasury::TreasuryClient::new(
                &c.id,
                &c.base_url,
                &c.secret_ref,
                secrets,
                policy,
            )?),
            other => {
                return Err(SyncError::Invalid(format!(
                    "connection {} has unknown kind {other:?}",
                    c.id
                )))
            }
        })
    }
}
