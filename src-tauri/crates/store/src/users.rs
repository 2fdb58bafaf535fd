use domain::user::Role;
use domain::{Provenance, User};
use sqlx::SqliteConnection;

use crate::{format_ts, Result, Store, StoreError};

fn role_from(s: &str) -> Option<Role> {
    [Role::Approver, Role::ApClerk, Role::Controller, Role::TreasuryAnalyst]
        .into_iter()
        .find(|r| r.as_str() == s)
}

/// Inserts or updates a user unless the stored version is the same or newer. Returns whether a
/// row changed.
pub async fn upsert(tx: &mut SqliteConnection, p: &Provenance, u: &User) -> Result<bool> {
    let roles = u.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
    let (updated, fetched) = (format_ts(p.source_updated_at), format_ts(p.fetched_at));
    let done = sqlx::query!(
        "INSERT INTO users (connection_id, external_id, name, email, roles, source_version, source_updated_at, fetched_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(connection_id, external_id) DO UPDATE SET
             name = excluded.name, email = excluded.email, roles = excluded.roles,
             source_version = excluded.source_version, source_updated_at = excluded.source_updated_at,
             fetched_at = excluded.fetched_at
         WHERE excluded.source_version > users.source_version",
        p.connection_id,
        p.external_id,
        u.name,
        u.email,
        roles,
        p.source_version,
        updated,
        fetched
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() > 0)
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
