//! Connectors to source systems: HTTP policy (timeouts, retries with backoff and jitter,
//! Retry-After), credentials from the OS keyring, and one adapter per source kind that maps the
//! source's records to the canonical domain objects.

pub mod ap;
pub mod circuit;
mod error;
pub mod http;
pub mod rate;
pub mod secrets;
pub mod webhook;

pub use error::ConnectError;
pub use http::HttpPolicy;
pub use secrets::{KeyringSecrets, SecretStore};
