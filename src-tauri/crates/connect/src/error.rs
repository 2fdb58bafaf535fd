use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConnectError {
    #[error("{endpoint}: cannot reach the source: {source}")]
    Transport { endpoint: String, source: reqwest::Error },
    #[error("{endpoint}: the source answered {status}: {message}")]
    Status {
        endpoint: String,
        status: u16,
        message: String,
    },
    #[error("{endpoint}: malformed page at cursor {cursor}: {reason}")]
    MalformedPage {
        endpoint: String,
        cursor: String,
        reason: String,
    },
    #[error("no credential for {name} in the OS keyring; add it again under Connections")]
    SecretMissing { name: String },
    #[error("the OS keyring is not available ({reason}); Control Tower stores credentials only there")]
    KeyringUnavailable { reason: String },
    #[error("{connection}: {what} is not supported by this source")]
    Unsupported { connection: String, what: String },
    #[error("{endpoint}: authentication failed: {message}")]
    Auth { endpoint: String, message: String },
    #[error("invalid base URL {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
}

impl ConnectError {
    pub(crate) fn unsupported(connection: &str, what: String) -> ConnectError {
        ConnectError::Unsupported {
            connection: connection.into(),
            what,
        }
    }

    /// Whether trying again later may succeed (outages, throttling, timeouts).
    pub fn is_transient(&self) -> bool {
        match self {
            ConnectError::Transport { .. } | ConnectError::MalformedPage { .. } => true,
            ConnectError::Status { status, .. } => *status == 408 || *status == 429 || *status >= 500,
            _ => false,
        }
    }
}
