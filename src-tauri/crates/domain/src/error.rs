use thiserror::Error;

/// Every way a domain rule can refuse something. One type for the crate.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    #[error("unknown currency code {0:?} (expected an ISO 4217 code such as EUR)")]
    UnknownCurrency(String),
    #[error("invalid amount {value:?}: {reason}")]
    InvalidAmount { value: String, reason: String },
    #[error("currency mismatch: {left} and {right} cannot be combined")]
    CurrencyMismatch { left: String, right: String },
    #[error("amount overflow")]
    Overflow,
    #[error("illegal {object} transition from {from} to {to}")]
    IllegalTransition {
        object: &'static str,
        from: String,
        to: String,
    },
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// A policy file (`exceptions.json`, `approvals.json`) that cannot be used as written;
    /// `at` is the key path, or the JSON line and column.
    #[error("{at}: {reason}")]
    Policy { at: String, reason: String },
}

impl DomainError {
    pub(crate) fn policy_json(e: serde_json::Error) -> DomainError {
        DomainError::Policy {
            at: format!("line {} column {}", e.line(), e.column()),
            reason: e.to_string(),
        }
    }
}
