use domain::user::Role;
use domain::{Provenance, User};
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::{format_ts, Result, Store, StoreError};

fn role_from(s: &str) -> Option<Role> {
    [Role::Approver, Role::ApClerk, Role::Controller, Role::TreasuryAnalyst]
        .into_iter()
        .find(|r| r.as_str() == s)
}

#[derive(Serialize)]
struct Row<'a> {
    c: &'a str,
    id: &'a str,
    name: &'a str,
    email: &'a str,
    roles: String,
    v: i64,
    up: String,
    f: String,
}

/// Inserts or updates a batch of users in one statement, skipping every user whose stored version
/// is the same or newer. Returns how many changed.
pub async fn upsert_batch(tx: &mut SqliteConnection, batch: &[(Provenance, User)]) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let rows: Vec<Row> = batch
        .iter()
        .map(|(p, u)| Row {
            c: &p.connection_id,
            id: &p.external_id,
            name: &u.name,
            email: &u.email,
            roles: u.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(","),
            v: p.source_version,
            up: format_ts(p.source_updated_at),
            f: format_ts(p.fetched_at),
        })
        .collect();
    let json = serde_json::to_string(&rows).map_err(|e| StoreError::corrupt("users", "batch", e))?;
    let done = sqlx::query!(
        "INSERT INTO users (connection_id, external_id, name, email, roles, source_version, source_updated_at, fetched_at)
         SELECT j.value ->> 'c', j.value ->> 'id', j.value ->> 'name', j.value ->> 'email', j.value ->> 'roles',
                j.value ->> 'v', j.value ->> 'up', j.value ->> 'f'
         FROM json_each(?1) j WHERE true
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             name = excluded.name, email = excluded.email, roles = excluded.roles,
             source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
             fetched_at = excluded.fetched_at
         WHERE excluded.source_version > users.source_version",
        json
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// Everyone in the directories of all connections, by name.
pub async fn list(store: &Store) -> Result<Vec<User>> {
    let rows = sqlx::query!("SELECT external_id, name, email, roles FROM users ORDER BY name, external_id")
        .fetch_all(store.reader())
        .await?;
    rows.into_iter()
        .map(|r| {
            let roles = r
                .roles
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    role_from(s).ok_or_else(|| StoreError::corrupt("users", "roles", format!("unknown role {s:?}")))
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(User {
                id: r.external_id,
                name: r.name,
                email: r.email,
                roles,
            })
        })
        .collect()
}

/// The roles of one person (none for someone no directory knows): what every control checks.
pub async fn roles_of(store: &Store, user_id: &str) -> Result<Vec<domain::user::Role>> {
    Ok(list(store)
        .await?
        .into_iter()
        .find(|u| u.id == user_id)
        .map(|u| u.roles)
        .unwrap_or_default())
}
