//! Locked periods (an account reconciliation that was reviewed) and the audited refusal of a
//! change to one, or of any other control a person runs into.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use serde_json::json;
use sqlx::{Sqlite, SqliteConnection, Transaction};
use store::audit::{self, NewEvent};

use super::{Period, ReconError};

pub(super) struct Locks(HashSet<(String, String)>);

impl Locks {
    pub(super) async fn load(conn: &mut SqliteConnection) -> Result<Locks, ReconError> {
        Ok(Locks(store::account_recs::locked(conn).await?))
    }

    pub(super) fn holds(&self, account: &str, date: NaiveDate) -> bool {
        !self.0.is_empty() && self.0.contains(&(account.to_string(), Period::of(date).to_string()))
    }

    /// The first locked (account, period) among the items, as the refusal to give.
    pub(super) fn refusal<'a>(&self, items: impl IntoIterator<Item = (&'a str, NaiveDate)>) -> Option<ReconError> {
        items
            .into_iter()
            .find(|(account, date)| self.holds(account, *date))
            .map(|(account, date)| ReconError::Locked {
                account: account.to_string(),
                period: Period::of(date).to_string(),
            })
    }
}

/// What a refused action was about, for its audit event.
pub(super) struct Attempt<'a> {
    pub actor_id: &'a str,
    /// The action's audit name; the refusal is recorded as `<action>.refused`.
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub detail: serde_json::Value,
}

/// Records the refusal in the audit trail — in the transaction the attempt opened, which changed
/// nothing else — commits it, and hands the refusal back to return.
pub(super) async fn refuse(mut tx: Transaction<'static, Sqlite>, attempt: Attempt<'_>, why: ReconError) -> ReconError {
    let event = NewEvent {
        actor_id: attempt.actor_id,
        action: &format!("{}.refused", attempt.action),
        object_type: attempt.object_type,
        object_id: attempt.object_id,
        before: None,
        after: Some(json!({ "refused": why.to_string(), "attempt": attempt.detail })),
    };
    let recorded = async {
        audit::append(&mut tx, &event, Utc::now()).await?;
        tx.commit().await?;
        Ok::<_, store::StoreError>(())
    }
    .await;
    match recorded {
        Ok(()) => why,
        // Not being able to record the refusal is the bigger problem; the action stays refused.
        Err(e) => {
            tracing::error!(error = %e, refusal = %why, "could not record a refusal in the audit trail");
            ReconError::Store(e)
        }
    }
}
