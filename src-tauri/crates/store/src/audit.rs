//! The audit trail: an append-only, hash-chained log of people's actions and the sources'
//! answers. Triggers refuse UPDATE and DELETE; `verify` finds any event edited, removed or
//! reordered behind the database's back.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use crate::{format_ts, Result, Store};

/// The hash the first event chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent<'a> {
    pub actor_id: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor_id: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 over every field, each length-prefixed so no two field lists hash alike.
fn hash_of(seq: i64, at: &str, e: &[&str], before: Option<&str>, after: Option<&str>, prev: &str) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field(&seq.to_string());
    field(at);
    for f in e {
        field(f);
    }
    field(before.unwrap_or("\u{0}null"));
    field(after.unwrap_or("\u{0}null"));
    field(prev);
    hex::encode(h.finalize())
}

/// Appends an event inside the caller's transaction, so the action and its record commit together.
pub async fn append(tx: &mut SqliteConnection, e: &NewEvent<'_>, now: DateTime<Utc>) -> Result<i64> {
    let last = sqlx::query!(r#"SELECT seq AS "seq!: i64", hash FROM audit_events ORDER BY seq DESC LIMIT 1"#)
        .fetch_optional(&mut *tx)
        .await?;
    let (seq, prev) = last.map(|r| (r.seq + 1, r.hash)).unwrap_or((1, GENESIS.to_string()));
    let at = format_ts(now);
    let before = e.before.as_ref().map(|v| v.to_string());
    let after = e.after.as_ref().map(|v| v.to_string());
    let hash = hash_of(
        seq,
        &at,
        &[e.actor_id, e.action, e.object_type, e.object_id],
        before.as_deref(),
        after.as_deref(),
        &prev,
    );
    sqlx::query!(
        "INSERT INTO audit_events (seq, at, actor_id, action, object_type, object_id, before, after, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        seq,
        at,
        e.actor_id,
        e.action,
        e.object_type,
        e.object_id,
        before,
        after,
        prev,
        hash
    )
    .execute(&mut *tx)
    .await?;
    Ok(seq)
}

pub async fn all(store: &Store) -> Result<Vec<AuditEvent>> {
    Ok(sqlx::query_as!(
        AuditEvent,
        r#"SELECT seq AS "seq!: i64", at, actor_id, action, object_type, object_id, before, after, prev_hash, hash
           FROM audit_events ORDER BY seq"#
    )
    .fetch_all(store.reader())
    .await?)
}

/// What is wrong with the chain, at which event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The event's fields no longer produce its hash: it was edited.
    Edited { seq: i64 },
    /// The event does not chain to the one before it: one was removed or they were reordered.
    Unlinked { seq: i64, expected_prev: String },
    /// Sequence numbers skip: events were removed.
    Gap { after: i64, found: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Edited { seq } => write!(f, "event {seq} was edited: its content does not match its hash"),
            Break::Unlinked { seq, .. } => {
                write!(
                    f,
                    "event {seq} does not follow the event before it: events were removed or reordered"
                )
            }
            Break::Gap { after, found } => write!(f, "events {}..{} are missing", after + 1, found - 1),
        }
    }
}

/// Checks the whole chain from the first event. Returns the number of events and every break.
pub fn verify_events(events: &[AuditEvent]) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut prev_hash = GENESIS.to_string();
    let mut prev_seq = 0;
    for e in events {
        if e.seq != prev_seq + 1 {
            breaks.push(Break::Gap {
                after: prev_seq,
                found: e.seq,
            });
        }
        if e.prev_hash != prev_hash {
            breaks.push(Break::Unlinked {
                seq: e.seq,
                expected_prev: prev_hash.clone(),
            });
        }
        let recomputed = hash_of(
            e.seq,
            &e.at,
            &[&e.actor_id, &e.action, &e.object_type, &e.object_id],
            e.before.as_deref(),
            e.after.as_deref(),
            &e.prev_hash,
        );
        if recomputed != e.hash {
            breaks.push(Break::Edited { seq: e.seq });
        }
        prev_hash = e.hash.clone();
        prev_seq = e.seq;
    }
    breaks
}

pub async fn verify(store: &Store) -> Result<(usize, Vec<Break>)> {
    let events = all(store).await?;
    let breaks = verify_events(&events);
    Ok((events.len(), breaks))
}
