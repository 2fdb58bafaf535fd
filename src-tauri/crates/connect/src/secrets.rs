//! Credentials live in the OS keyring (Secret Service on Linux), never in SQLite, files or logs.

use crate::ConnectError;

const SERVICE: &str = "control-tower";

/// Where connectors get their credentials. The app and CLI use the OS keyring.
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<String, ConnectError>;
    fn set(&self, name: &str, secret: &str) -> Result<(), ConnectError>;
    fn delete(&self, name: &str) -> Result<(), ConnectError>;
}

#[derive(Debug, Clone, Default)]
pub struct KeyringSecrets;

fn entry(name: &str) -> Result<keyring::Entry, ConnectError> {
    keyring::Entry::new(SERVICE, name).map_err(map_err(name))
}

fn map_err(name: &str) -> impl Fn(keyring::Error) -> ConnectError + '_ {
    move |e| match e {
        keyring::Error::NoEntry => ConnectError::SecretMissing { name: name.to_string() },
        other => ConnectError::KeyringUnavailable {
            reason: other.to_string(),
        },
    }
}

impl SecretStore for KeyringSecrets {
    fn get(&self, name: &str) -> Result<String, ConnectError> {
        entry(name)?.get_password().map_err(map_err(name))
    }

    fn set(&self, name: &str, secret: &str) -> Result<(), ConnectError> {
        entry(name)?.set_password(secret).map_err(map_err(name))
    }

    fn delete(&self, name: &str) -> Result<(), ConnectError> {
        match entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(name)(e)),
        }
    }
}
