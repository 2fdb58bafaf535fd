//! The invoice trace: one AP invoice followed from capture to the bank statement, with where it
//! is stuck and since when.

use chrono::Utc;
use domain::treasury::{remediation, status_label, PaymentInstruction};
use domain::Document;
use tauri::State;

use crate::dto::exceptions::ExceptionRow;
use crate::dto::payments::*;
use crate::dto::Money as MoneyDto;
use crate::error::{CommandError, CommandErrorCode};
use crate::AppState;

use super::Result;
use store::source_records::Link;

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
    let one = std::slice::from_ref(&invoice_id);
    let invoice = store::invoices::headers_of(&ws.store, one)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| CommandError::new(CommandErrorCode::NotFound, format!("invoice {invoice_id}")))?;
    let supplier = store::suppliers::of(&ws.store, std::slice::from_ref(&invoice.supplier_external_id))
        .await?
        .into_iter()
        .next()
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
    let mut steps = store::approvals::of_invoices(&ws.store, one).await?;
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
    let posted = store::source_records::linked(&ws.store, Link::PostedByApInvoice, one)
        .await?
        .into_iter()
        .find_map(|(c, d)| match d {
            Document::PostedInvoice(p) if p.ap_reference == invoice_id => Some((c, p)),
            _ => None,
        });
    let error = store::source_records::linked(&ws.store, Link::ErrorsByApInvoice, one)
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
    let payee = std::slice::from_ref(&invoice.supplier_external_id);
    let instruction = store::source_records::linked(&ws.store, Link::InstructionsBySupplier, payee)
        .await?
        .into_iter()
        .filter_map(|(_, d)| match d {
            Document::PaymentInstruction(i) if i.invoice_ids.contains(&invoice_id) => Some(i),
            _ => None,
        })
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
