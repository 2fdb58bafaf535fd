//! Tauri commands: each checks its input, calls one function of the engine or the store, and
//! translates the answer into the UI's types.

pub mod approvals;
pub mod close;
pub mod exceptions;
pub mod export;
pub mod health;
pub mod payments;
pub mod reconciliation;
pub mod trace;

pub type Result<T> = std::result::Result<T, crate::error::CommandError>;
