//! The SQLite mirror: opening it (WAL, foreign keys, one writer, a reader pool), the repositories
//! the sync engine writes through, the outbox, sync bookkeeping and the queries behind every screen.

mod db;
mod error;
mod raw;
mod time;

pub mod approval_queue;
pub mod approvals;
pub mod audit;
pub mod connections;
pub mod entities;
pub mod invoices;
pub mod outbox;
pub mod suppliers;
pub mod sync_log;
pub mod users;

pub use db::Store;
pub use error::StoreError;
pub use time::{format_ts, parse_ts};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
