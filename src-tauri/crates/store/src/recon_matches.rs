//! Matches between bank entries and ledger entries, with their items. The engine's matches are
//! replaced run by run; a person's decisions stay: manual matches and accepted suggestions are
//! kept by every run, and a rejected suggestion or an undone match stays on record (status
//! `rejected` / `unmatched`) so no run proposes the same group again.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::{format_ts, Result, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The engine, at or above the automatic threshold.
    Auto,
    /// The engine, below it: for a person to accept or reject.
    Suggested,
    /// Made by a person, or a suggestion a person accepted.
    Manual,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Auto => "auto",
            MatchKind::Suggested => "suggested",
            MatchKind::Manual => "manual",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(MatchKind::Auto),
            "suggested" => Ok(MatchKind::Suggested),
            "manual" => Ok(MatchKind::Manual),
            other => Err(StoreError::corrupt("recon_matches", "kind", other)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    Active,
    /// A person rejected the suggestion.
    Rejected,
    /// A person undid the match.
    Unmatched,
}

impl MatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Active => "active",
            MatchStatus::Rejected => "rejected",
            MatchStatus::Unmatched => "unmatched",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "active" => Ok(MatchStatus::Active),
            "rejected" => Ok(MatchStatus::Rejected),
            "unmatched" => Ok(MatchStatus::Unmatched),
            other => Err(StoreError::corrupt("recon_matches", "status", other)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMatch {
    pub rule: String,
    pub confidence_bp: i64,
    pub reason: String,
    pub kind: MatchKind,
    pub bank: Vec<i64>,
    pub ledger: Vec<String>,
    /// A user id, or "engine".
    pub created_by: String,
    pub run_id: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMatch {
    pub id: i64,
    pub rule: String,
    pub confidence_bp: i64,
    pub reason: String,
    pub kind: MatchKind,
    pub status: MatchStatus,
    pub bank: Vec<i64>,
    pub ledger: Vec<String>,
    pub run_id: Option<i64>,
    pub created_at: String,
    pub created_by: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub note: Option<String>,
}

/// A group's identity whatever its match id: its sorted bank and ledger item ids.
pub fn items_key(bank: &[i64], ledger: &[String]) -> String {
    let mut b = bank.to_vec();
    b.sort_unstable();
    let mut l: Vec<&str> = ledger.iter().map(String::as_str).collect();
    l.sort_unstable();
    // JSON keeps ids containing separators unambiguous.
    serde_json::json!([b, l]).to_string()
}

struct Row {
    id: i64,
    rule: String,
    confidence_bp: i64,
    reason: String,
    kind: String,
    status: String,
    run_id: Option<i64>,
    created_at: String,
    created_by: String,
    decided_at: Option<String>,
    decided_by: Option<String>,
    note: Option<String>,
}

struct ItemRow {
    match_id: i64,
    bank_entry_id: Option<i64>,
    ledger_entry_id: Option<String>,
}

fn assemble(rows: Vec<Row>, items: Vec<ItemRow>) -> Result<Vec<StoredMatch>> {
    let mut by_match: HashMap<i64, (Vec<i64>, Vec<String>)> = HashMap::new();
    for i in items {
        let entry = by_match.entry(i.match_id).or_default();
        match (i.bank_entry_id, i.ledger_entry_id) {
            (Some(b), _) => entry.0.push(b),
            (None, Some(l)) => entry.1.push(l),
            (None, None) => return Err(StoreError::corrupt("recon_match_items", "item", "neither side")),
        }
    }
    rows.into_iter()
        .map(|r| {
            let (mut bank, mut ledger) = by_match.remove(&r.id).unwrap_or_default();
            bank.sort_unstable();
            ledger.sort_unstable();
            Ok(StoredMatch {
                kind: MatchKind::parse(&r.kind)?,
                status: MatchStatus::parse(&r.status)?,
                id: r.id,
                rule: r.rule,
                confidence_bp: r.confidence_bp,
                reason: r.reason,
                bank,
                ledger,
                run_id: r.run_id,
                created_at: r.created_at,
                created_by: r.created_by,
                decided_at: r.decided_at,
                decided_by: r.decided_by,
                note: r.note,
            })
        })
        .collect()
}

#[derive(Serialize)]
struct MatchJson<'a> {
    id: i64,
    rule: &'a str,
    c: i64,
    reason: &'a str,
    kind: &'static str,
    key: String,
    run: Option<i64>,
    by: &'a str,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    m: i64,
    b: Option<i64>,
    l: Option<&'a str>,
}

/// Inserts active matches with their items, in two statements; returns their ids in order.
pub async fn insert_batch(tx: &mut SqliteConnection, matches: &[NewMatch], now: DateTime<Utc>) -> Result<Vec<i64>> {
    if matches.is_empty() {
        return Ok(Vec::new());
    }
    // Ids are given here, after the highest ever used (AUTOINCREMENT's sequence), so the items can
    // name their match without a round trip per row; the single writer makes this race-free.
    let last = sqlx::query_scalar!(
        r#"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'recon_matches'), 0),
                      COALESCE((SELECT MAX(id) FROM recon_matches), 0)) AS "last!: i64""#
    )
    .fetch_one(&mut *tx)
    .await?;
    let ids: Vec<i64> = (1..=matches.len() as i64).map(|i| last + i).collect();
    let rows: Vec<MatchJson> = matches
        .iter()
        .zip(&ids)
        .map(|(m, &id)| MatchJson {
            id,
            rule: &m.rule,
            c: m.confidence_bp,
            reason: &m.reason,
            kind: m.kind.as_str(),
            key: items_key(&m.bank, &m.ledger),
            run: m.run_id,
            by: &m.created_by,
            note: m.note.as_deref(),
        })
        .collect();
    let items: Vec<ItemJson> = matches
        .iter()
        .zip(&ids)
        .flat_map(|(m, &id)| {
            let bank = m.bank.iter().map(move |&b| ItemJson {
                m: id,
                b: Some(b),
                l: None,
            });
            let ledger = m.ledger.iter().map(move |l| ItemJson {
                m: id,
                b: None,
                l: Some(l.as_str()),
            });
            bank.chain(ledger)
        })
        .collect();
    let json = serde_json::to_string(&rows).map_err(|e| StoreError::corrupt("recon_matches", "batch", e))?;
    let items = serde_json::to_string(&items).map_err(|e| StoreError::corrupt("recon_match_items", "batch", e))?;
    let now = format_ts(now);
    sqlx::query!(
        "INSERT INTO recon_matches (id, rule, confidence_bp, reason, kind, status, items_key, run_id, created_at,
             created_by, note)
         SELECT j.value ->> 'id', j.value ->> 'rule', j.value ->> 'c', j.value ->> 'reason', j.value ->> 'kind',
                'active', j.value ->> 'key', j.value ->> 'run', ?2, j.value ->> 'by', j.value ->> 'note'
         FROM json_each(?1) j",
        json,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO recon_match_items (match_id, bank_entry_id, ledger_entry_id, active)
         SELECT j.value ->> 'm', j.value ->> 'b', j.value ->> 'l', 1 FROM json_each(?1) j",
        items
    )
    .execute(&mut *tx)
    .await?;
    Ok(ids)
}

/// Removes engine matches (active auto or suggested) a new run no longer makes. A person's
/// matches and decisions are never removed. Returns how many went.
pub async fn delete_engine(tx: &mut SqliteConnection, ids: &[i64]) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let json = serde_json::to_string(ids).map_err(|e| StoreError::corrupt("recon_matches", "id", e))?;
    let done = sqlx::query!(
        "DELETE FROM recon_matches
         WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'active' AND kind IN ('auto', 'suggested')",
        json
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// A new run keeps an engine match's items but grades it differently.
pub async fn regrade(
    tx: &mut SqliteConnection,
    id: i64,
    kind: MatchKind,
    rule: &str,
    confidence_bp: i64,
    reason: &str,
    run_id: i64,
) -> Result<()> {
    let kind = kind.as_str();
    sqlx::query!(
        "UPDATE recon_matches SET kind = ?2, rule = ?3, confidence_bp = ?4, reason = ?5, run_id = ?6
         WHERE id = ?1 AND status = 'active' AND kind IN ('auto', 'suggested')",
        id,
        kind,
        rule,
        confidence_bp,
        reason,
        run_id
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// A person accepts a suggestion: it becomes manual, so every later run keeps it.
pub async fn accept(
    tx: &mut SqliteConnection,
    id: i64,
    actor_id: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = format_ts(now);
    let done = sqlx::query!(
        "UPDATE recon_matches SET kind = 'manual', decided_at = ?2, decided_by = ?3, note = ?4
         WHERE id = ?1 AND status = 'active' AND kind = 'suggested'",
        id,
        now,
        actor_id,
        note
    )
    .execute(tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!("match {id} is not an open suggestion")));
    }
    Ok(())
}

/// A person rejects a suggestion or undoes a match: it stays on record, its items are free.
pub async fn close(
    tx: &mut SqliteConnection,
    id: i64,
    status: MatchStatus,
    actor_id: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    if status == MatchStatus::Active {
        return Err(StoreError::Conflict("closing a match needs a closed status".into()));
    }
    let (status, now) = (status.as_str(), format_ts(now));
    let done = sqlx::query!(
        "UPDATE recon_matches SET status = ?2, decided_at = ?3, decided_by = ?4, note = ?5
         WHERE id = ?1 AND status = 'active'",
        id,
        status,
        now,
        actor_id,
        note
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!("match {id} is not active")));
    }
    sqlx::query!("UPDATE recon_match_items SET active = 0 WHERE match_id = ?", id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<StoredMatch>> {
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!: i64", rule, confidence_bp, reason, kind, status, run_id, created_at, created_by,
                  decided_at, decided_by, note
           FROM recon_matches WHERE id = ?"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let items = sqlx::query_as!(
        ItemRow,
        "SELECT match_id, bank_entry_id, ledger_entry_id FROM recon_match_items WHERE match_id = ?",
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(assemble(rows, items)?.pop())
}

/// Every active match with its items.
pub async fn active(tx: &mut SqliteConnection) -> Result<Vec<StoredMatch>> {
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT id AS "id!: i64", rule, confidence_bp, reason, kind, status, run_id, created_at, created_by,
                  decided_at, decided_by, note
           FROM recon_matches WHERE status = 'active' ORDER BY id"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let items = sqlx::query_as!(
        ItemRow,
        "SELECT match_id, bank_entry_id, ledger_entry_id FROM recon_match_items WHERE active = 1"
    )
    .fetch_all(&mut *tx)
    .await?;
    assemble(rows, items)
}

/// The active matches holding any of these items.
pub async fn active_holding(tx: &mut SqliteConnection, bank: &[i64], ledger: &[&str]) -> Result<Vec<StoredMatch>> {
    let (b, l) = (
        serde_json::to_string(bank).map_err(|e| StoreError::corrupt("recon_match_items", "bank_entry_id", e))?,
        serde_json::to_string(ledger).map_err(|e| StoreError::corrupt("recon_match_items", "ledger_entry_id", e))?,
    );
    let ids = sqlx::query_scalar!(
        r#"SELECT DISTINCT match_id AS "id!: i64" FROM recon_match_items
           WHERE active = 1 AND (bank_entry_id IN (SELECT value FROM json_each(?1))
                              OR ledger_entry_id IN (SELECT value FROM json_each(?2)))"#,
        b,
        l
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(m) = get(&mut *tx, id).await? {
            out.push(m);
        }
    }
    Ok(out)
}

/// The groups a person said no to (rejected or unmatched): runs do not propose them again.
pub async fn declined_keys(tx: &mut SqliteConnection) -> Result<HashSet<String>> {
    let keys = sqlx::query_scalar!("SELECT items_key FROM recon_matches WHERE status IN ('rejected', 'unmatched')")
        .fetch_all(tx)
        .await?;
    Ok(keys.into_iter().collect())
}

/// Every active match holding an item of the account.
pub async fn active_for_account(conn: &mut SqliteConnection, account_iban: &str) -> Result<Vec<StoredMatch>> {
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT m.id AS "id!: i64", m.rule, m.confidence_bp, m.reason, m.kind, m.status, m.run_id, m.created_at,
                  m.created_by, m.decided_at, m.decided_by, m.note
           FROM recon_matches m
           WHERE m.status = 'active' AND m.id IN (
               SELECT i.match_id FROM recon_match_items i
               LEFT JOIN bank_entries e ON e.id = i.bank_entry_id
               LEFT JOIN ledger_entries l ON l.id = i.ledger_entry_id
               WHERE i.active = 1 AND COALESCE(e.account_iban, l.account_iban) = ?1)
           ORDER BY m.id"#,
        account_iban
    )
    .fetch_all(&mut *conn)
    .await?;
    let items = sqlx::query_as!(
        ItemRow,
        "SELECT match_id, bank_entry_id, ledger_entry_id FROM recon_match_items WHERE active = 1 AND match_id IN (
             SELECT i.match_id FROM recon_match_items i
             LEFT JOIN bank_entries e ON e.id = i.bank_entry_id
             LEFT JOIN ledger_entries l ON l.id = i.ledger_entry_id
             WHERE i.active = 1 AND COALESCE(e.account_iban, l.account_iban) = ?1)",
        account_iban
    )
    .fetch_all(&mut *conn)
    .await?;
    assemble(rows, items)
}
