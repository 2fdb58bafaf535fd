//! Configured source-system connections. The credential lives in the OS keyring under
//! `secret_ref`; this table never holds it.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::{format_ts, Result, Store};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    /// `ap`, `erp` or `treasury`: which connector speaks to it.
    pub kind: String,
    pub name: String,
    pub base_url: String,
    pub secret_ref: String,
    /// The OAuth2 client id, for sources that use client credentials.
    pub client_id: Option<String>,
    /// Seconds between scheduled syncs; 0 for the app's default.
    pub sync_every_secs: i64,
}

pub async fn save(store: &Store, c: &Connection) -> Result<()> {
    let now = format_ts(Utc::now());
    sqlx::query!(
        "INSERT INTO connections (id, kind, name, base_url, secret_ref, client_id, sync_every_secs, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
             base_url = excluded.base_url, secret_ref = excluded.secret_ref,
             client_id = excluded.client_id, sync_every_secs = excluded.sync_every_secs",
        c.id,
        c.kind,
        c.name,
        c.base_url,
        c.secret_ref,
        c.client_id,
        c.sync_every_secs,
        now
    )
    .execute(store.writer())
    .await?;
    Ok(())
}

pub async fn list(store: &Store) -> Result<Vec<Connection>> {
    Ok(sqlx::query_as!(
        Connection,
        "SELECT id, kind, name, base_url, secret_ref, client_id, sync_every_secs FROM connections ORDER BY id"
    )
    .fetch_all(store.reader())
    .await?)
}

pub async fn get(store: &Store, id: &str) -> Result<Option<Connection>> {
    Ok(sqlx::query_as!(
        Connection,
        "SELECT id, kind, name, base_url, secret_ref, client_id, sync_every_secs FROM connections WHERE id = ?",
        id
    )
    .fetch_optional(store.reader())
    .await?)
}
