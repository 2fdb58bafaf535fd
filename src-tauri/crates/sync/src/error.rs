use domain::approval::DecisionRefusal;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Connect(#[from] connect::ConnectError),
    #[error("{0}")]
    Refused(#[from] DecisionRefusal),
    #[error("{0} not found")]
    NotFound(String),
    #[error(transparent)]
    Recon(#[from] Box<crate::reconcile::ReconError>),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
}
