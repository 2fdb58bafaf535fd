//! The bulk write path: prepared statements run on sqlx's own connection handle, inside the
//! caller's sqlx transaction. A full sync writes millions of rows, and sqlx's SQLite driver costs
//! tens of microseconds per statement (it hands each one to a worker thread); SQLite itself needs
//! a few. Measured in DESIGN/SETUP and by `ctower bench`.

use sqlx::SqliteConnection;

use crate::{Result, StoreError};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Bulk(e.to_string())
    }
}

/// Runs `f` with a rusqlite view of the connection behind `tx`. The statements join whatever
/// transaction `tx` has open; nothing else can use the connection meanwhile (it is locked).
pub(crate) async fn with_connection<T>(
    tx: &mut SqliteConnection,
    f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
) -> Result<T> {
    let mut handle = tx.lock_handle().await?;
    let raw = handle.as_raw_handle();
    // SAFETY: the handle is valid and locked for the duration of this call; `from_handle` wraps it
    // without taking ownership, so dropping `conn` leaves sqlx's connection open and intact.
    let conn = unsafe { rusqlite::Connection::from_handle(raw.as_ptr()) }?;
    let out = f(&conn);
    drop(conn);
    Ok(out?)
}
