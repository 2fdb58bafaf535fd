//! The sync engine: pulls each connection into the mirror (cursor by cursor, committed with the
//! data it covers), takes people's actions through controls into the outbox, and delivers the
//! outbox to the sources.

pub mod actions;
mod apply;
pub mod delivery;
mod error;
pub mod pull;
pub mod runner;

use std::sync::Arc;

use connect::{HttpPolicy, SecretStore};
use store::Store;

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
}

impl Engine {
    pub fn new(store: Store, secrets: Arc<dyn SecretStore>) -> Engine {
        Engine {
            store,
            secrets,
            policy: HttpPolicy::default(),
            page_size: 200,
            delivery_lock: Arc::default(),
        }
    }

    pub fn with_policy(mut self, policy: HttpPolicy) -> Engine {
        self.policy = policy;
        self
    }

    pub fn with_page_size(mut self, page_size: usize) -> Engine {
        self.page_size = page_size.max(1);
        self
    }

    fn client(&self, c: &store::connections::Connection) -> Result<connect::ap::ApClient, SyncError> {
        Ok(connect::ap::ApClient::new(
            &c.id,
            &c.base_url,
            &c.secret_ref,
            self.secrets.as_ref(),
            self.policy.clone(),
        )?)
    }
}
