use thiserror::Error;

#[derive(Debug, Error)]
pub enum ReconError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A bank file or LEDGER.csv that cannot be read: names the file, and the place and reason.
    #[error("{file}: {message}")]
    BadFile { file: String, message: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{0} not found")]
    NotFound(String),
    /// A change to a reconciled period; the refusal is in the audit trail.
    #[error("{account} is locked for {period}: its reconciliation was reviewed; changes to it are refused")]
    Locked { account: String, period: String },
    /// The same person may not prepare and review; the refusal is in the audit trail.
    #[error("{0}")]
    SegregationOfDuties(String),
    /// The state moved on (already matched, not a suggestion, changed since prepared).
    #[error("{0}")]
    Conflict(String),
}

impl From<recon::EngineError> for ReconError {
    fn from(e: recon::EngineError) -> Self {
        ReconError::Invalid(e.to_string())
    }
}

impl From<recon::MatchError> for ReconError {
    fn from(e: recon::MatchError) -> Self {
        match e {
            recon::MatchError::AlreadyMatched { .. } => ReconError::Conflict(e.to_string()),
            _ => ReconError::Invalid(e.to_string()),
        }
    }
}

impl From<domain::DomainError> for ReconError {
    fn from(e: domain::DomainError) -> Self {
        ReconError::Invalid(e.to_string())
    }
}

impl From<sqlx::Error> for ReconError {
    fn from(e: sqlx::Error) -> Self {
        ReconError::Store(e.into())
    }
}
