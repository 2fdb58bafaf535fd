//! Certification of an account reconciliation: the preparer certifies the sheet's figures, a
//! different person reviews them (segregation of duties), and the review locks the period. Every
//! refusal — a locked period, the preparer reviewing, figures that moved since preparation — is
//! recorded in the audit trail before it is returned.

use chrono::Utc;
use serde_json::json;
use store::account_recs::{self, Figures};
use store::audit::{self, NewEvent};
use store::Store;
use tracing::info;

use super::locks::{refuse, Attempt};
use super::sheet::{sheet, RecSheet};
use super::{Period, ReconError};

fn figures_json(f: &Figures) -> serde_json::Value {
    json!({
        "statement_closing": f.statement_closing,
        "ledger_balance": f.ledger_balance,
        "difference": f.difference,
        "open_items": f.open_items,
        "open_item_count": f.open_item_count,
    })
}

/// The preparer certifies the sheet as it stands now.
#[tracing::instrument(name = "recon.certify_prepare", skip_all, fields(actor = actor_id, account = account_iban, period = %period))]
pub async fn certify_prepare(
    store: &Store,
    actor_id: &str,
    account_iban: &str,
    period: Period,
) -> Result<RecSheet, ReconError> {
    let mut tx = store.begin().await?;
    let object_id = format!("{account_iban}/{period}");
    let now_sheet = sheet(&mut tx, account_iban, period).await?;
    if now_sheet.locked() {
        let attempt = Attempt {
            actor_id,
            action: "recon.account_rec.prepare",
            object_type: "account_rec",
            object_id: &object_id,
            detail: json!({}),
        };
        let why = ReconError::Locked {
            account: account_iban.to_string(),
            period: period.to_string(),
        };
        return Err(refuse(tx, attempt, why).await);
    }
    let figures = now_sheet.figures().ok_or_else(|| {
        ReconError::Invalid(format!(
            "{account_iban} has no statement closing balance by {}: nothing to certify",
            period.last_day()
        ))
    })?;
    let now = Utc::now();
    let period_text = period.to_string();
    account_recs::prepare(
        &mut tx,
        account_iban,
        &period_text,
        now_sheet.account.currency,
        &figures,
        actor_id,
        now,
    )
    .await?;
    let event = NewEvent {
        actor_id,
        action: "recon.account_rec.prepared",
        object_type: "account_rec",
        object_id: &object_id,
        before: now_sheet
            .certification
            .as_ref()
            .map(|c| json!({ "prepared_by": c.prepared_by, "figures": figures_json(&c.figures) })),
        after: Some(figures_json(&figures)),
    };
    audit::append(&mut tx, &event, now).await?;
    let certified = RecSheet {
        certification: account_recs::get(&mut *tx, account_iban, &period_text).await?,
        ..now_sheet
    };
    tx.commit().await?;
    info!("account reconciliation prepared");
    Ok(certified)
}

/// A reviewer other than the preparer certifies the prepared figures, which must still be the
/// sheet's; the period is locked from then on.
#[tracing::instrument(name = "recon.certify_review", skip_all, fields(actor = actor_id, account = account_iban, period = %period))]
pub async fn certify_review(
    store: &Store,
    actor_id: &str,
    account_iban: &str,
    period: Period,
) -> Result<RecSheet, ReconError> {
    let mut tx = store.begin().await?;
    let object_id = format!("{account_iban}/{period}");
    let now_sheet = sheet(&mut tx, account_iban, period).await?;
    let attempt = |detail| Attempt {
        actor_id,
        action: "recon.account_rec.review",
        object_type: "account_rec",
        object_id: &object_id,
        detail,
    };
    let Some(prepared) = now_sheet.certification.clone() else {
        return Err(ReconError::Conflict(format!(
            "the reconciliation of {account_iban} for {period} is not prepared yet"
        )));
    };
    if prepared.locked {
        let why = ReconError::Locked {
            account: account_iban.to_string(),
            period: period.to_string(),
        };
        return Err(refuse(tx, attempt(json!({ "reviewed_by": prepared.reviewed_by })), why).await);
    }
    if prepared.prepared_by == actor_id {
        let why = ReconError::SegregationOfDuties(format!(
            "{actor_id} prepared this reconciliation and may not also review it"
        ));
        return Err(refuse(tx, attempt(json!({ "prepared_by": prepared.prepared_by })), why).await);
    }
    if now_sheet.figures().as_ref() != Some(&prepared.figures) {
        let why = ReconError::Conflict(format!(
            "the reconciliation of {account_iban} for {period} changed since {} prepared it; it must be prepared again",
            prepared.prepared_by
        ));
        let detail = json!({
            "prepared": figures_json(&prepared.figures),
            "now": now_sheet.figures().as_ref().map(figures_json),
        });
        return Err(refuse(tx, attempt(detail), why).await);
    }
    let now = Utc::now();
    let period_text = period.to_string();
    account_recs::review(&mut tx, account_iban, &period_text, actor_id, now).await?;
    let event = NewEvent {
        actor_id,
        action: "recon.account_rec.reviewed",
        object_type: "account_rec",
        object_id: &object_id,
        before: Some(json!({ "prepared_by": prepared.prepared_by, "figures": figures_json(&prepared.figures) })),
        after: Some(json!({ "reviewed_by": actor_id, "locked": true })),
    };
    audit::append(&mut tx, &event, now).await?;
    let certified = RecSheet {
        certification: account_recs::get(&mut *tx, account_iban, &period_text).await?,
        ..now_sheet
    };
    tx.commit().await?;
    info!("account reconciliation reviewed and locked");
    Ok(certified)
}
