//! Commands of the Payments screen and the invoice trace.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use domain::treasury::{is_final, remediation, status_label, Balance, HouseAccount, PaymentInstruction, PaymentRun};
use domain::{Document, Money};
use tauri::State;

use crate::dto::exceptions::ExceptionRow;
use crate::dto::payments::*;
use crate::dto::Money as MoneyDto;
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

async fn instructions(store: &store::Store) -> Result<Vec<PaymentInstruction>> {
    docs(store, "payment_instructions", |d| match d {
        Document::PaymentInstruction(i) => Some(i),
        _ => None,
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn payment_runs(state: State<'_, AppState>) -> Result<Vec<PaymentRunRow>> {
    let ws = state.workspace()?;
    let runs: Vec<PaymentRun> = docs(&ws.store, "payment_runs", |d| match d {
        Document::PaymentRun(r) => Some(r),
        _ => None,
    })
    .await?;
    let mut by_run: HashMap<String, (u32, u32, u32, u32)> = HashMap::new();
    for i in instructions(&ws.store).await? {
        let c = by_run.entry(i.run_id.clone()).or_default();
        c.0 += 1;
        match i.status.as_str() {
            "ACSC" => c.1 += 1,
            "RJCT" => c.2 += 1,
            _ => c.3 += 1,
        }
    }
    let mut rows: Vec<PaymentRunRow> = runs
        .into_iter()
        .map(|r| {
            let (n, settled, rejected, in_flight) = by_run.get(&r.id).copied().unwrap_or_default();
            PaymentRunRow {
                total: Money::new(r.total, r.currency).into(),
                id: r.id,
                entity: r.entity,
                account_id: r.account_id,
                value_date: r.value_date.to_string(),
                status: r.status,
                created_by: r.created_by,
                instructions: n,
                settled,
                rejected,
                in_flight,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.value_date.cmp(&a.value_date).then(a.id.cmp(&b.id)));
    Ok(rows)
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

#[tauri::command]
#[specta::specta]
pub async fn payment_instructions(
    state: State<'_, AppState>,
    run_id: Option<String>,
    filter: InstructionFilter,
    search: Option<String>,
) -> Result<Vec<InstructionRow>> {
    let ws = state.workspace()?;
    let now = Utc::now();
    let sla = ws.engine.exception_policy.payment_confirm_hours;
    let needle = search.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    let mut rows = Vec::new();
    for i in instructions(&ws.store).await? {
        if run_id.as_ref().is_some_and(|r| r != &i.run_id) {
            continue;
        }
        let created = i.history.first().map(|h| h.at).unwrap_or(i.modified_at);
        let hours = (now - created).num_hours();
        let unconfirmed = (!is_final(&i.status) && hours > sla).then_some(hours);
        let keep = match filter {
            InstructionFilter::All => true,
            InstructionFilter::Rejected => i.status == "RJCT",
            InstructionFilter::InFlight => !is_final(&i.status),
            InstructionFilter::Unconfirmed => unconfirmed.is_some(),
            InstructionFilter::Settled => i.status == "ACSC",
        };
        if !keep {
            continue;
        }
        if let Some(n) = &needle {
            let hay = format!(
                "{} {} {} {}",
                i.creditor_name,
                i.end_to_end_id,
                i.id,
                i.invoice_ids.join(" ")
            )
            .to_lowercase();
            if !hay.contains(n) {
                continue;
            }
        }
        rows.push(i);
    }
    rows.sort_by(|a, b| b.modified_at.cmp(&a.modified_at).then(a.id.cmp(&b.id)));
    rows.truncate(2_000);
    let mut out = Vec::with_capacity(rows.len());
    for i in rows {
        let kind = if i.status == "RJCT" {
            "bank_rejection"
        } else {
            "payment_unconfirmed"
        };
        let conn = store::source_records::get(&ws.store, "payment_instructions", &i.id)
            .await?
            .map(|(c, _)| c)
            .unwrap_or_default();
        let exception_id = format!("{kind}:{conn}:{}", i.id);
        let exception = store::exceptions::get(&ws.store, &exception_id, now).await?;
        let created = i.history.first().map(|h| h.at).unwrap_or(i.modified_at);
        let hours = (now - created).num_hours();
        out.push(InstructionRow {
            amount: Money::new(i.amount, i.currency).into(),
            status_label: status_label(&i.status).into(),
            remediation: i
                .reason
                .as_deref()
                .filter(|_| i.status == "RJCT")
                .map(|r| remediation(r).to_string()),
            history: steps(&i),
            unconfirmed_hours: (!is_final(&i.status) && hours > sla).then_some(hours),
            exception_status: exception.as_ref().map(|e| e.row.status.as_str().to_string()),
            exception_id: exception.map(|_| exception_id),
            id: i.id,
            run_id: i.run_id,
            entity: i.entity,
            creditor_name: i.creditor_name,
            creditor_iban: i.creditor_iban,
            end_to_end_id: i.end_to_end_id,
            invoice_ids: i.invoice_ids,
            status: i.status,
            reason: i.reason,
        });
    }
    Ok(out)
}

#[tauri::command]
#[specta::specta]
pub async fn cash_position(state: State<'_, AppState>) -> Result<CashPosition> {
    let ws = state.workspace()?;
    let accounts: Vec<HouseAccount> = docs(&ws.store, "house_accounts", |d| match d {
        Document::HouseAccount(a) => Some(a),
        _ => None,
    })
    .await?;
    let mut balances: HashMap<String, Vec<Balance>> = HashMap::new();
    for b in docs(&ws.store, "balances", |d| match d {
        Document::Balance(b) => Some(b),
        _ => None,
    })
    .await?
    {
        balances.entry(b.account_id.clone()).or_default().push(b);
    }
    let mut totals: BTreeMap<String, (Money, u32)> = BTreeMap::new();
    let mut series = Vec::new();
    for a in accounts {
        let mut bs = balances.remove(&a.id).unwrap_or_default();
        bs.sort_by_key(|b| b.date);
        let latest = bs.last().map(|b| Money::new(b.closing_booked, b.currency));
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
                    balance: b.closing_booked.to_string(),
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

fn stage(
    stage: &str,
    label: &str,
    state: &str,
    at: Option<String>,
    system: &str,
    reference: Option<String>,
    detail: String,
) -> TraceStage {
    TraceStage {
        stage: stage.into(),
        label: label.into(),
        state: state.into(),
        at,
        system: system.into(),
        reference,
        detail,
    }
}

/// One invoice from AP capture to the bank statement, with where it is stuck and since when.
#[tauri::command]
#[specta::specta]
pub async fn invoice_trace(state: State<'_, AppState>, invoice_id: String) -> Result<InvoiceTrace> {
    let ws = state.workspace()?;
    let now = Utc::now();
    let invoice = store::invoices::all(&ws.store)
        .await?
        .into_iter()
        .find(|i| i.provenance.external_id == invoice_id)
        .ok_or_else(|| CommandError::new(CommandErrorCode::NotFound, format!("invoice {invoice_id}")))?;
    let supplier = store::suppliers::all(&ws.store)
        .await?
        .into_iter()
        .find(|s| s.provenance.external_id == invoice.supplier_external_id)
        .map(|s| s.name)
        .unwrap_or_else(|| invoice.supplier_external_id.clone());
    let mut stages = vec![stage(
        "capture",
        "Captured in AP",
        "done",
        Some(invoice.provenance.source_updated_at.to_rfc3339()),
        "AP automation",
        Some(invoice.number.clone()),
        format!("{} from {supplier}, due {}", invoice.total, invoice.due_date),
    )];
    let mut stuck: Option<(String, Option<String>)> = None;

    // Approval: every step, the current one named.
    let mut steps: Vec<_> = store::approvals::all(&ws.store)
        .await?
        .into_iter()
        .filter(|a| a.invoice_external_id == invoice_id)
        .collect();
    steps.sort_by_key(|a| a.step);
    let pending = steps.iter().find(|a| a.status == domain::ApprovalStatus::Pending);
    let rejected = steps.iter().find(|a| a.status == domain::ApprovalStatus::Rejected);
    let approved = !steps.is_empty() && steps.iter().all(|a| a.status == domain::ApprovalStatus::Approved);
    let trail = steps
        .iter()
        .map(|a| format!("{} {} ({})", a.step_name, a.status.as_str(), a.approver_id))
        .collect::<Vec<_>>()
        .join(" → ");
    let (astate, aat) = if let Some(r) = rejected {
        stuck = Some((
            format!("rejected by {}", r.decided_by.clone().unwrap_or_default()),
            r.decided_at.map(|t| t.to_rfc3339()),
        ));
        ("failed", r.decided_at.map(|t| t.to_rfc3339()))
    } else if let Some(p) = pending {
        stuck = Some((
            format!("waiting for {} to approve ({})", p.approver_id, p.step_name),
            Some(p.assigned_at.to_rfc3339()),
        ));
        ("current", Some(p.assigned_at.to_rfc3339()))
    } else if approved {
        (
            "done",
            steps.iter().filter_map(|a| a.decided_at).max().map(|t| t.to_rfc3339()),
        )
    } else {
        ("waiting", None)
    };
    stages.push(stage(
        "approval",
        "Approval",
        astate,
        aat,
        "AP automation",
        None,
        if trail.is_empty() {
            "no approval steps yet".into()
        } else {
            trail
        },
    ));

    // ERP posting: the posted document carrying the AP id, or the posting error.
    let posted = store::source_records::list(&ws.store, "posted_invoices")
        .await?
        .into_iter()
        .find_map(|(c, d)| match d {
            Document::PostedInvoice(p) if p.ap_reference == invoice_id => Some((c, p)),
            _ => None,
        });
    let error = store::source_records::list(&ws.store, "posting_errors")
        .await?
        .into_iter()
        .find_map(|(c, d)| match d {
            Document::PostingError(e) if e.ap_reference == invoice_id && e.status == "open" => Some((c, e)),
            _ => None,
        });
    match (&posted, &error) {
        (Some((c, p)), _) => stages.push(stage(
            "posting",
            "Posted in the ERP",
            "done",
            Some(p.posting_date.to_string()),
            c,
            Some(p.id.clone()),
            format!("{} {} · {}", p.amount, p.currency, p.status),
        )),
        (None, Some((c, e))) => {
            if stuck.is_none() {
                stuck = Some((
                    format!("ERP posting failed: {}", e.message),
                    Some(e.occurred_at.to_rfc3339()),
                ));
            }
            stages.push(stage(
                "posting",
                "ERP posting",
                "failed",
                Some(e.occurred_at.to_rfc3339()),
                c,
                Some(e.id.clone()),
                format!("{}: {}", e.code, e.message),
            ));
        }
        _ => {
            if stuck.is_none() && approved {
                stuck = Some(("approved in AP, not yet in the ERP".into(), None));
            }
            stages.push(stage(
                "posting",
                "ERP posting",
                "waiting",
                None,
                "ERP",
                None,
                "not posted yet".into(),
            ));
        }
    }

    // Payment: the instruction paying it, its run and the bank's answers.
    let instruction = instructions(&ws.store)
        .await?
        .into_iter()
        .filter(|i| i.invoice_ids.contains(&invoice_id))
        .max_by_key(|i| i.modified_at);
    match &instruction {
        Some(i) => {
            let created = i.history.first().map(|h| h.at).unwrap_or(i.modified_at);
            stages.push(stage(
                "payment_run",
                "Payment run",
                "done",
                Some(created.to_rfc3339()),
                "Treasury",
                Some(i.run_id.clone()),
                format!("{} to {}", i.end_to_end_id, i.creditor_name),
            ));
            let trail = steps_text(i);
            let (s, detail) = match i.status.as_str() {
                "ACSC" => ("done", trail),
                "RJCT" => {
                    let reason = i.reason.clone().unwrap_or_default();
                    if stuck.is_none() {
                        stuck = Some((
                            format!("rejected by the bank ({reason}): {}", remediation(&reason)),
                            i.history.last().map(|h| h.at.to_rfc3339()),
                        ));
                    }
                    ("failed", trail)
                }
                other => {
                    if stuck.is_none() {
                        stuck = Some((
                            format!("at the bank: {}", status_label(other)),
                            i.history.last().map(|h| h.at.to_rfc3339()),
                        ));
                    }
                    ("current", trail)
                }
            };
            stages.push(stage(
                "bank_status",
                "Bank status",
                s,
                i.history.last().map(|h| h.at.to_rfc3339()),
                "Bank (ISO 20022)",
                Some(i.status.clone()),
                detail,
            ));
        }
        None => {
            if stuck.is_none() && posted.is_some() {
                stuck = Some((
                    "posted, waiting for a payment run".into(),
                    posted.as_ref().map(|(_, p)| p.posting_date.to_string()),
                ));
            }
            stages.push(stage(
                "payment_run",
                "Payment run",
                "waiting",
                None,
                "Treasury",
                None,
                "not in a run yet".into(),
            ));
            stages.push(stage(
                "bank_status",
                "Bank status",
                "waiting",
                None,
                "Bank (ISO 20022)",
                None,
                "—".into(),
            ));
        }
    }

    // Statement: the camt.053 entry carrying the end-to-end id.
    let entry = match &instruction {
        Some(i) => store::bank_statements::entry_by_end_to_end(&ws.store, &i.end_to_end_id).await?,
        None => None,
    };
    match entry {
        Some(e) => stages.push(stage(
            "statement",
            "On the bank statement",
            "done",
            Some(e.booking_date.clone()),
            "Bank statement",
            Some(e.statement_ref.clone()),
            format!("{} on {} ({})", e.amount, e.account_iban, e.entry_key),
        )),
        None => {
            if stuck.is_none() && instruction.as_ref().is_some_and(|i| i.status == "ACSC") {
                stuck = Some((
                    "settled, not yet on a statement".into(),
                    instruction
                        .as_ref()
                        .and_then(|i| i.history.last().map(|h| h.at.to_rfc3339())),
                ));
            }
            stages.push(stage(
                "statement",
                "On the bank statement",
                "waiting",
                None,
                "Bank statement",
                None,
                "not on a statement yet".into(),
            ));
        }
    }
    // The first stage that is not done is where it stands.
    if let Some((what, _)) = &stuck {
        if let Some(s) = stages
            .iter_mut()
            .find(|s| s.state == "current" || s.state == "failed" || s.state == "waiting")
        {
            if s.state == "waiting" {
                s.state = "stuck".into();
            }
            s.detail = format!("{} — {what}", s.detail);
        }
    }
    let exceptions: Vec<ExceptionRow> = store::exceptions::for_invoice(&ws.store, &invoice_id, now)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let amount: MoneyDto = invoice.total.into();
    Ok(InvoiceTrace {
        invoice_id,
        number: invoice.number,
        supplier,
        entity: invoice.entity_code,
        amount,
        stages,
        stuck_since: stuck.as_ref().and_then(|(_, s)| s.clone()),
        stuck: stuck.map(|(w, _)| w),
        exceptions,
    })
}

fn steps_text(i: &PaymentInstruction) -> String {
    i.history
        .iter()
        .map(|h| match &h.reason {
            Some(r) => format!("{} ({r})", h.status),
            None => h.status.clone(),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}
