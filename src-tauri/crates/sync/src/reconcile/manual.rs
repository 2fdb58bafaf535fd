//! A person's matching decisions: match by hand, unmatch, accept or reject a suggestion. Each is
//! audited with what the person saw, and refused — with the refusal audited too — when it would
//! change a locked period.

use chrono::Utc;
use serde_json::json;
use sqlx::{Sqlite, Transaction};
use store::audit::{self, NewEvent};
use store::bank_statements::{self, EntryStatus};
use store::ledger_entries;
use store::recon_lines::{self, MatchWithItems};
use store::recon_matches::{self, MatchKind, MatchStatus, NewMatch, StoredMatch};
use store::Store;
use tracing::info;

use super::items::{db_id, engine_id, engine_status};
use super::locks::{refuse, Attempt, Locks};
use super::ReconError;

/// A match with its items, for showing both sides.
pub async fn match_detail(store: &Store, match_id: i64) -> Result<MatchWithItems, ReconError> {
    let mut conn = store.reader().acquire().await?;
    let m = recon_matches::get(&mut conn, match_id)
        .await?
        .ok_or_else(|| ReconError::NotFound(format!("match {match_id}")))?;
    Ok(recon_lines::with_items(&mut conn, m).await?)
}

/// What an audit event says about a match.
fn summary(m: &MatchWithItems) -> serde_json::Value {
    json!({
        "match_id": m.m.id,
        "kind": m.m.kind.as_str(),
        "rule": m.m.rule,
        "confidence_bp": m.m.confidence_bp,
        "bank": m.bank.iter().map(|b| json!({ "id": b.id, "key": b.entry_key, "amount": b.amount })).collect::<Vec<_>>(),
        "ledger": m.ledger.iter().map(|l| json!({ "id": l.id, "amount": l.amount })).collect::<Vec<_>>(),
    })
}

/// The match with its items, or the refusal when it touches a locked period (audited).
async fn load_unlocked(
    mut tx: Transaction<'static, Sqlite>,
    actor_id: &str,
    action: &str,
    match_id: i64,
) -> Result<(Transaction<'static, Sqlite>, MatchWithItems), ReconError> {
    let m = recon_matches::get(&mut tx, match_id)
        .await?
        .ok_or_else(|| ReconError::NotFound(format!("match {match_id}")))?;
    let m = recon_lines::with_items(&mut tx, m).await?;
    let locks = Locks::load(&mut tx).await?;
    let items = m
        .bank
        .iter()
        .map(|b| (b.account_iban.as_str(), b.booking_date))
        .chain(m.ledger.iter().map(|l| (l.account_iban.as_str(), l.booking_date)));
    if let Some(why) = locks.refusal(items) {
        let attempt = Attempt {
            actor_id,
            action,
            object_type: "recon_match",
            object_id: &match_id.to_string(),
            detail: summary(&m),
        };
        return Err(refuse(tx, attempt, why).await);
    }
    Ok((tx, m))
}

async fn audit_decision(
    tx: &mut Transaction<'static, Sqlite>,
    actor_id: &str,
    action: &str,
    before: &MatchWithItems,
    after: serde_json::Value,
) -> Result<(), ReconError> {
    let event = NewEvent {
        actor_id,
        action,
        object_type: "recon_match",
        object_id: &before.m.id.to_string(),
        before: Some(summary(before)),
        after: Some(after),
    };
    audit::append(tx, &event, Utc::now()).await?;
    Ok(())
}

fn clean(note: Option<&str>) -> Option<&str> {
    note.map(str::trim).filter(|n| !n.is_empty())
}

/// Matches items by hand: bank entries with ledger entries (1:1, 1:N, N:1) or two bank entries
/// that cancel. Items already in an automatic or manual match are refused (unmatch first);
/// suggestions holding them give way.
#[tracing::instrument(name = "recon.match_manual", skip_all, fields(actor = actor_id))]
pub async fn match_manual(
    store: &Store,
    actor_id: &str,
    bank_ids: &[i64],
    ledger_ids: &[String],
    note: Option<&str>,
) -> Result<MatchWithItems, ReconError> {
    let note = clean(note);
    let mut tx = store.begin().await?;
    let bank = bank_statements::by_ids(&mut *tx, bank_ids).await?;
    if let Some(missing) = bank_ids.iter().find(|id| !bank.iter().any(|b| b.id == **id)) {
        return Err(ReconError::NotFound(format!("bank entry {missing}")));
    }
    if let Some(b) = bank.iter().find(|b| b.status != EntryStatus::Booked) {
        return Err(ReconError::Invalid(format!(
            "bank entry {} is {}, not booked: only booked entries are matched",
            b.entry_key,
            b.status.as_str()
        )));
    }
    let ids: Vec<&str> = ledger_ids.iter().map(String::as_str).collect();
    let mut by_id = ledger_entries::by_ids(&mut *tx, &ids).await?;
    let ledger = ledger_ids
        .iter()
        .map(|id| {
            by_id
                .remove(id)
                .ok_or_else(|| ReconError::NotFound(format!("ledger entry {id}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let accounts: Vec<&str> = bank
        .iter()
        .map(|b| b.account_iban.as_str())
        .chain(ledger.iter().map(|l| l.account_iban.as_str()))
        .collect();
    if accounts.windows(2).any(|w| w[0] != w[1]) {
        return Err(ReconError::Invalid(
            "the items are on different bank accounts; a match stays within one account".into(),
        ));
    }
    let locks = Locks::load(&mut tx).await?;
    let dated = bank
        .iter()
        .map(|b| (b.account_iban.as_str(), b.booking_date))
        .chain(ledger.iter().map(|l| (l.account_iban.as_str(), l.booking_date)));
    if let Some(why) = locks.refusal(dated) {
        let attempt = Attempt {
            actor_id,
            action: "recon.match_manual",
            object_type: "recon_match",
            object_id: "new",
            detail: json!({ "bank": bank_ids, "ledger": ledger_ids, "note": note }),
        };
        return Err(refuse(tx, attempt, why).await);
    }
    // The match-set rules (nothing to match, repeats, already matched) are recon's; they run on
    // the matches holding these items.
    let holding = recon_matches::active_holding(&mut tx, bank_ids, &ids).await?;
    let mut set = recon::MatchSet::new(holding.iter().map(as_engine).collect());
    let outcome = set.manual_match(
        bank_ids.iter().map(i64::to_string).collect(),
        ledger_ids.to_vec(),
        note.unwrap_or(""),
    )?;
    let replaced: Vec<i64> = outcome.replaced.iter().map(|m| db_id(m.id)).collect();
    recon_matches::delete_engine(&mut tx, &replaced).await?;
    let created = NewMatch {
        rule: outcome.created.rule.clone(),
        confidence_bp: i64::from(outcome.created.confidence.basis_points()),
        reason: outcome.created.reason.clone(),
        kind: MatchKind::Manual,
        bank: bank_ids.to_vec(),
        ledger: ledger_ids.to_vec(),
        created_by: actor_id.to_string(),
        run_id: None,
        note: note.map(str::to_string),
    };
    let now = Utc::now();
    let id = recon_matches::insert_batch(&mut tx, std::slice::from_ref(&created), now)
        .await?
        .pop()
        .ok_or_else(|| ReconError::Conflict("the match was not stored".into()))?;
    let m = recon_matches::get(&mut tx, id)
        .await?
        .ok_or_else(|| ReconError::NotFound(format!("match {id}")))?;
    let made = MatchWithItems { m, bank, ledger };
    let event = NewEvent {
        actor_id,
        action: "recon.match_manual",
        object_type: "recon_match",
        object_id: &id.to_string(),
        before: Some(json!({ "replaced_suggestions": replaced })),
        after: Some(json!({ "match": summary(&made), "note": note })),
    };
    audit::append(&mut tx, &event, now).await?;
    tx.commit().await?;
    info!(match_id = id, "matched by hand");
    Ok(made)
}

/// A stored match in the shape recon's match-set rules work on (ids as text).
fn as_engine(m: &StoredMatch) -> recon::Match {
    recon::Match {
        id: engine_id(m.id),
        bank: m.bank.iter().map(i64::to_string).collect(),
        ledger: m.ledger.clone(),
        rule: m.rule.clone(),
        confidence: recon::Confidence::ZERO,
        status: engine_status(m.kind),
        reason: String::new(),
    }
}

/// Undoes a match (any kind); its items are open again, and no run proposes the same group again.
#[tracing::instrument(name = "recon.unmatch", skip_all, fields(actor = actor_id, match_id = match_id))]
pub async fn unmatch(store: &Store, actor_id: &str, match_id: i64, note: Option<&str>) -> Result<(), ReconError> {
    let note = clean(note);
    let (mut tx, m) = load_unlocked(store.begin().await?, actor_id, "recon.unmatch", match_id).await?;
    if m.m.status != MatchStatus::Active {
        return Err(ReconError::Conflict(format!("match {match_id} is no longer active")));
    }
    recon_matches::close(&mut tx, match_id, MatchStatus::Unmatched, actor_id, note, Utc::now()).await?;
    audit_decision(
        &mut tx,
        actor_id,
        "recon.unmatch",
        &m,
        json!({ "status": "unmatched", "note": note }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Accepts a suggestion: it becomes a manual match, kept by every later run.
#[tracing::instrument(name = "recon.accept", skip_all, fields(actor = actor_id, match_id = match_id))]
pub async fn accept(store: &Store, actor_id: &str, match_id: i64) -> Result<MatchWithItems, ReconError> {
    let (mut tx, m) = load_unlocked(store.begin().await?, actor_id, "recon.accept", match_id).await?;
    if m.m.status != MatchStatus::Active || m.m.kind != MatchKind::Suggested {
        return Err(ReconError::Conflict(format!(
            "match {match_id} is not an open suggestion"
        )));
    }
    let now = Utc::now();
    recon_matches::accept(&mut tx, match_id, actor_id, None, now).await?;
    audit_decision(&mut tx, actor_id, "recon.accept", &m, json!({ "kind": "manual" })).await?;
    let accepted = recon_matches::get(&mut tx, match_id)
        .await?
        .ok_or_else(|| ReconError::NotFound(format!("match {match_id}")))?;
    tx.commit().await?;
    Ok(MatchWithItems { m: accepted, ..m })
}

/// Rejects a suggestion: its items are open again, and no run proposes the same group again.
#[tracing::instrument(name = "recon.reject", skip_all, fields(actor = actor_id, match_id = match_id))]
pub async fn reject(store: &Store, actor_id: &str, match_id: i64, note: Option<&str>) -> Result<(), ReconError> {
    let note = clean(note);
    let (mut tx, m) = load_unlocked(store.begin().await?, actor_id, "recon.reject", match_id).await?;
    if m.m.status != MatchStatus::Active || m.m.kind != MatchKind::Suggested {
        return Err(ReconError::Conflict(format!(
            "match {match_id} is not an open suggestion"
        )));
    }
    recon_matches::close(&mut tx, match_id, MatchStatus::Rejected, actor_id, note, Utc::now()).await?;
    audit_decision(
        &mut tx,
        actor_id,
        "recon.reject",
        &m,
        json!({ "status": "rejected", "note": note }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
