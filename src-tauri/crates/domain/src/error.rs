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
}
