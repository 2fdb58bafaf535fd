//! Connectors to source systems: HTTP policy (timeouts, retries with backoff and jitter,
//! Retry-After), credentials from the OS keyring, and one adapter per source kind that maps the
//! source's records to the canonical domain objects.

pub mod ap;
pub mod circuit;
pub mod erp;
mod error;
pub mod http;
mod oauth;
pub mod rate;
pub mod secrets;
pub mod source;
pub mod treasury;
pub mod webhook;

pub use error::ConnectError;
pub use http::HttpPolicy;
pub use secrets::{KeyringSecrets, SecretStore};
pub use source::{Client, Record, Source, WriteOutcome};
