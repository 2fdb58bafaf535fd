//! The one error every command returns: a machine code the UI reacts to and a message for people.

use domain::approval::DecisionRefusal;
use serde::{Deserialize, Serialize};
use sync::reconcile::ReconError;
use sync::SyncError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum CommandErrorCode {
    NotFound,
    Forbidden,
    SegregationOfDuties,
    InvalidInput,
    Conflict,
    Unavailable,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub code: CommandErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn new(code: CommandErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        CommandError::new(CommandErrorCode::InvalidInput, message)
    }
}

fn store_code(e: &store::StoreError) -> CommandErrorCode {
    match e {
        store::StoreError::NotFound(_) => CommandErrorCode::NotFound,
        store::StoreError::Conflict(_) => CommandErrorCode::Conflict,
        _ => CommandErrorCode::Internal,
    }
}

impl From<store::StoreError> for CommandError {
    fn from(e: store::StoreError) -> Self {
        CommandError::new(store_code(&e), e.to_string())
    }
}

impl From<SyncError> for CommandError {
    fn from(e: SyncError) -> Self {
        use connect::ConnectError as C;
        let e = match e {
            SyncError::Recon(r) => return CommandError::from(*r),
            other => other,
        };
        let code = match &e {
            SyncError::Recon(_) => CommandErrorCode::Internal,
            SyncError::Store(s) => store_code(s),
            SyncError::Refused(DecisionRefusal::OwnWork(_)) => CommandErrorCode::SegregationOfDuties,
            SyncError::Refused(DecisionRefusal::NotTheApprover { .. }) => CommandErrorCode::Forbidden,
            SyncError::Refused(DecisionRefusal::NotPending(_)) => CommandErrorCode::Conflict,
            SyncError::Refused(DecisionRefusal::ReasonRequired) => CommandErrorCode::InvalidInput,
            SyncError::NotFound(_) => CommandErrorCode::NotFound,
            SyncError::Forbidden(_) => CommandErrorCode::Forbidden,
            SyncError::Invalid(_) => CommandErrorCode::InvalidInput,
            SyncError::Connect(C::KeyringUnavailable { .. } | C::SecretMissing { .. }) => CommandErrorCode::Unavailable,
            SyncError::Connect(c) if c.is_transient() => CommandErrorCode::Unavailable,
            SyncError::Connect(_) => CommandErrorCode::Internal,
        };
        if code == CommandErrorCode::Internal {
            tracing::error!(error = %e, "command failed");
        }
        CommandError::new(code, e.to_string())
    }
}

impl From<ReconError> for CommandError {
    fn from(e: ReconError) -> Self {
        let code = match &e {
            ReconError::Store(s) => store_code(s),
            ReconError::BadFile { .. } | ReconError::Invalid(_) => CommandErrorCode::InvalidInput,
            ReconError::NotFound(_) => CommandErrorCode::NotFound,
            ReconError::SegregationOfDuties(_) => CommandErrorCode::SegregationOfDuties,
            // A locked period is a state the request cannot change; the message names account and period.
            ReconError::Locked { .. } | ReconError::Conflict(_) => CommandErrorCode::Conflict,
        };
        if code == CommandErrorCode::Internal {
            tracing::error!(error = %e, "command failed");
        }
        CommandError::new(code, e.to_string())
    }
}
