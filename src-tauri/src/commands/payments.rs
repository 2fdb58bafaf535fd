//! Commands of the Payments screen and the invoice trace.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use domain::treasury::{is_final, remediation, status_label, HouseAccount, PaymentInstruction, PaymentRun};
use domain::{Document, Money};
use tauri::State;

use crate::dto::count;
use crate::dto::payments::*;
use crate::error::{CommandError, CommandErrorCode};
use crate::AppState;

use super::Result;

async fn docs<T>(store: &store::Store, resource: &str, pick: impl Fn(Document) -> Option<T>) -> Result<Vec<T>> {
    Ok(store::source_records::list(store, resource)
        .await?
        .into_iter()
        .filter_map(|(_, d)| pick(d))
        .collect())
}

/// The latest runs, newest first, with how many of each run's instructions the bank settled,
/// rejected or has not answered yet.
#[tauri::command]
#[specta::specta]
pub async fn payment_runs(state: State<'_, AppState>) -> Result<Vec<PaymentRunRow>> {
    let ws = state.workspace()?;
    let mut runs: Vec<PaymentRun> = docs(&ws.store, "payment_runs", |d| match d {
        Document::PaymentRun(r) => Some(r),
        _ => None,
    })
    .await?;
    runs.sort_by(|a, b| b.value_date.cmp(&a.value_date).then(a.id.cmp(&b.id)));
    runs.truncate(300);
    let ids: Vec<String> = runs.iter().map(|r| r.id.clone()).collect();
    let by_run: HashMap<String, (i64, i64, i64)> = store::payment_instructions::counts(&ws.store, &ids)
        .await?
        .into_iter()
        .map(|(run, s, r, f)| (run, (s, r, f)))
        .collect();
    Ok(runs
        .into_iter()
        .map(|r| {
            let (settled, rejected, in_flight) = by_run.get(&r.id).copied().unwrap_or_default();
            PaymentRunRow {
                total: Money::new(r.total, r.currency).into(),
                instructions: count(settled + rejected + in_flight),
                settled: count(settled),
                rejected: count(rejected),
                in_flight: count(in_flight),
                id: r.id,
                entity: r.entity,
                account_id: r.account_id,
                value_date: r.value_date.to_string(),
                status: r.status,
                created_by: r.created_by,
            }
        })
        .collect())
}

fn steps(i: &PaymentInstruction) -> Vec<StatusStep> {
    i.history
        .iter()
        .map(|h| StatusStep {
            label: status_label(&h.status).into(),
            status: h.status.clone(),
            reason: h.reason.clone(),
            at: h.at.to_rfc3339(),
        })
        .collect()
}

/// Instructions per page: the screen asks for the next one as the table scrolls near its end.
const PAGE: i64 = 100;

/// One page of instructions, newest first: of one run or all, under a filter and a search.
#[tauri::command]
#[specta::specta]
pub async fn payment_instructions(
    state: State<'_, AppState>,
    run_id: Option<String>,
    filter: InstructionFilter,
    search: Option<String>,
    after: Option<String>,
) -> Result<InstructionPage> {
    use store::payment_instructions::{self as pi, Which};
    let ws = state.workspace()?;
    let now = Utc::now();
    let sla = ws.engine.exception_policy.payment_confirm_hours;
    let unconfirmed = |i: &PaymentInstruction| {
        let created = i.history.first().map(|h| h.at).unwrap_or(i.modified_at);
        let hours = (now - created).num_hours();
        (!is_final(&i.status) && hours > sla).then_some(hours)
    };
    let which = match filter {
        InstructionFilter::All => Which::All,
        InstructionFilter::Rejected => Which::Status("RJCT".into()),
        InstructionFilter::Settled => Which::Status("ACSC".into()),
        InstructionFilter::InFlight | InstructionFilter::Unconfirmed => Which::InFlight,
    };
    let page = pi::page(
        &ws.store,
        &pi::Query {
            which,
            run_id,
            created_before: (filter == InstructionFilter::Unconfirmed)
                .then(|| (now - chrono::Duration::hours(sla)).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            search,
            after,
            limit: PAGE,
        },
    )
    .await?;
    let rows = page.rows;
    let exception_id = |conn: &str, i: &PaymentInstruction| {
        let kind = if i.status == "RJCT" {
            "bank_rejection"
        } else {
            "payment_unconfirmed"
        };
        format!("{kind}:{conn}:{}", i.id)
    };
    let ids: Vec<String> = rows.iter().map(|(c, i)| exception_id(c, i)).collect();
    let statuses = store::exceptions::statuses(&ws.store, &ids).await?;
    let rows = rows
        .into_iter()
        .zip(ids)
        .map(|((_, i), id)| {
            let status = statuses.get(&id).map(|s| s.as_str().to_string());
            InstructionRow {
                amount: Money::new(i.amount, i.currency).into(),
                status_label: status_label(&i.status).into(),
                remediation: i
                    .reason
                    .as_deref()
                    .filter(|_| i.status == "RJCT")
                    .map(|r| remediation(r).to_string()),
                history: steps(&i),
                unconfirmed_hours: unconfirmed(&i),
                exception_id: status.is_some().then_some(id),
                exception_status: status,
                id: i.id,
                run_id: i.run_id,
                entity: i.entity,
                creditor_name: i.creditor_name,
                creditor_iban: i.creditor_iban,
                end_to_end_id: i.end_to_end_id,
                invoice_ids: i.invoice_ids,
                status: i.status,
                reason: i.reason,
            }
        })
        .collect();
    Ok(InstructionPage {
        rows,
        next_cursor: page.next,
    })
}

/// How far back the cash chart goes, from the treasury's latest balance.
const CASH_DAYS: i64 = 92;

#[tauri::command]
#[specta::specta]
pub async fn cash_position(state: State<'_, AppState>) -> Result<CashPosition> {
    let ws = state.workspace()?;
    let accounts: Vec<HouseAccount> = docs(&ws.store, "house_accounts", |d| match d {
        Document::HouseAccount(a) => Some(a),
        _ => None,
    })
    .await?;
    let mut balances: HashMap<String, Vec<store::cash::BalancePoint>> = HashMap::new();
    for b in store::cash::recent_balances(&ws.store, CASH_DAYS).await? {
        balances.entry(b.account_id.clone()).or_default().push(b);
    }
    let mut totals: BTreeMap<String, (Money, u32)> = BTreeMap::new();
    let mut series = Vec::new();
    for a in accounts {
        let bs = balances.remove(&a.id).unwrap_or_default();
        let latest = bs.last().map(|b| b.closing_booked);
        if let Some(l) = &latest {
            let t = totals
                .entry(l.currency().to_string())
                .or_insert_with(|| (Money::zero(l.currency()), 0));
            t.0 =
                t.0.checked_add(l)
                    .map_err(|e| CommandError::new(CommandErrorCode::Internal, e.to_string()))?;
            t.1 += 1;
        }
        series.push(CashSeries {
            points: bs
                .iter()
                .map(|b| CashPoint {
                    date: b.date.to_string(),
                    balance: b.closing_booked.amount_string(),
                })
                .collect(),
            latest: latest.map(Into::into),
            account_id: a.id,
            entity: a.entity,
            bank_name: a.bank_name,
            iban: a.iban,
            currency: a.currency.to_string(),
        });
    }
    series.sort_by(|a, b| (&a.currency, &a.entity, &a.account_id).cmp(&(&b.currency, &b.entity, &b.account_id)));
    Ok(CashPosition {
        series,
        totals: totals
            .into_iter()
            .map(|(currency, (total, accounts))| CashTotal {
                currency,
                total: total.into(),
                accounts,
            })
            .collect(),
    })
}

/// Draft runs waiting for approval, each with why the signed-in user may not approve it (empty
/// when they may): the controls the backend will apply, shown before anyone presses a key.
#[tauri::command]
#[specta::specta]
pub async fn runs_to_approve(state: State<'_, AppState>) -> Result<Vec<RunApproval>> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    let mut out = Vec::new();
    for (_, d) in store::source_records::list(&ws.store, "payment_runs").await? {
        let Document::PaymentRun(run) = d else { continue };
        if run.status != "draft" {
            continue;
        }
        let refusals = ws.engine.payment_run_refusals(&me, &run).await?;
        let pending = store::outbox::latest_for(&ws.store, "treasury", &run.id)
            .await?
            .filter(|a| !matches!(a.status, store::outbox::ActionStatus::Delivered))
            .map(|a| a.status.as_str().to_string());
        out.push(RunApproval {
            id: run.id,
            entity: run.entity,
            value_date: run.value_date.to_string(),
            created_by: run.created_by,
            total: Money::new(run.total, run.currency).into(),
            instructions: count(run.instruction_count),
            refusals,
            pending,
        });
    }
    out.sort_by(|a, b| a.value_date.cmp(&b.value_date).then(a.id.cmp(&b.id)));
    Ok(out)
}

#[tauri::command]
#[specta::specta]
pub async fn approve_payment_run(state: State<'_, AppState>, run_id: String) -> Result<String> {
    let ws = state.workspace()?;
    let me = ws.user_id.read().await.clone();
    let action = ws.engine.approve_payment_run(&me, &run_id).await?;
    ws.wake.notify_one();
    Ok(action.id)
}
