//! The reconciliation workspace at a glance: accounts with their open items and suggestions, the
//! last matching run with its break aging, the periods with data and their certifications.

use chrono::Utc;
use store::account_recs::{self, AccountRec};
use store::recon_lines::{self, AccountSummary};
use store::{recon_runs, Store};

use super::matching::RunOutcome;
use super::{Period, ReconError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub accounts: Vec<AccountSummary>,
    pub last_run: Option<RunOutcome>,
    /// The period today falls in.
    pub current_period: Period,
    /// Periods holding bank or ledger entries, newest first.
    pub periods: Vec<Period>,
    pub certifications: Vec<AccountRec>,
}

#[tracing::instrument(name = "recon.overview", skip_all)]
pub async fn overview(store: &Store) -> Result<Overview, ReconError> {
    let mut accounts = recon_lines::account_summaries(store.reader()).await?;
    // Accounts with both sides to reconcile come first, the busiest first: the workspace opens
    // on the first one.
    accounts.sort_by_key(|a| {
        (
            a.ledger_entries == 0 || a.bank_lines == 0,
            std::cmp::Reverse(a.ledger_entries.min(a.bank_lines)),
            a.iban.clone(),
        )
    });
    let last_run = recon_runs::recent(store.reader(), 1)
        .await?
        .pop()
        .map(RunOutcome::from_stored)
        .transpose()?;
    let periods = recon_lines::periods(store.reader())
        .await?
        .iter()
        .map(|p| p.parse())
        .collect::<Result<Vec<Period>, _>>()?;
    Ok(Overview {
        accounts,
        last_run,
        current_period: Period::of(Utc::now().date_naive()),
        periods,
        certifications: account_recs::list(store.reader()).await?,
    })
}
