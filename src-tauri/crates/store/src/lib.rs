//! The SQLite mirror: opening it (WAL, foreign keys, one writer, a reader pool), the repositories
//! the sync engine writes through, the outbox, sync bookkeeping and the queries behind every screen.

mod db;
mod error;
mod raw;
mod recon_rows;
mod time;

pub mod account_recs;
pub mod approval_queue;
pub mod approvals;
pub mod audit;
pub mod bank_accounts;
pub mod bank_statements;
pub mod cash;
pub mod close_tasks;
pub mod connections;
pub mod duplicate_keys;
pub mod entities;
pub mod exceptions;
pub mod fx_rates;
pub mod invoices;
pub mod ledger_entries;
pub mod outbox;
pub mod payment_instructions;
pub mod recon_lines;
pub mod recon_matches;
pub mod recon_runs;
pub mod source_records;
pub mod suppliers;
pub mod sync_log;
pub mod users;

pub use db::Store;
pub use error::StoreError;
pub use time::{format_ts, parse_ts};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
