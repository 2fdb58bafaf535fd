//! Configured source-system connections. The credential lives in the OS keyring under
//! `secret_ref`; this table never holds it.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::{format_ts, Result, Store};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub base_url: String,
    pub secret_ref: String,
}

pub async fn save(store: &Store, c: &Connection) -> Result<()> {
    let now = format_ts(Utc::now());
    sqlx::query!(
        "INSERT INTO connections (id, kind, name, base_url, secret_ref, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
             base_url = excluded.base_url, secret_ref = excluded.secret_ref",
        c.id,
        c.kind,
        c.name,
        c.base_url,
        c.secret_ref,
        now
    )
    .execute(store.writer())
    .await?;
    Ok(())
}

pub async fn list(store: &Store) -> Result<Vec<Connection>> {
    Ok(sqlx::query_as!(
        Connection,
        "SELECT id, kind, name, base_url, secret_ref FROM connections ORDER BY id"
    )
    .fetch_all(store.reader())
    .await?)
}

pub async fn get(store: &Store, id: &str) -> Result<Option<Connection>> {
    Ok(sqlx::query_as!(
        Connection,
        "SELECT id, kind, name, base_url, secret_ref FROM connections WHERE id = ?",
        id
    )
    .fetch_optional(store.reader())
    .await?)
}
