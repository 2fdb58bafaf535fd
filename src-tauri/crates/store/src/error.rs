use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is invalid in {table}.{column}: {reason}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        reason: String,
    },
    #[error("{0} not found")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error(transparent)]
    Domain(#[from] domain::DomainError),
    #[error("bulk write failed: {0}")]
    Bulk(String),
}

impl StoreError {
    pub(crate) fn corrupt(table: &'static str, column: &'static str, reason: impl ToString) -> Self {
        StoreError::Corrupt {
            table,
            column,
            reason: reason.to_string(),
        }
    }
}
