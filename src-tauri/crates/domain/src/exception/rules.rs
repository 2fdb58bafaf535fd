//! The rules: from a snapshot of the mirror to the exceptions that hold now. Each rule is a
//! function of the records it reads, so a test feeds it exactly the case it names.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rust_decimal::Decimal;

use super::{anchor, Evidence, ExceptionPolicy, Kind, Raised, Severity, Subject};
use crate::close_plan::{TaskPlan, TaskState};
use crate::duplicate::{self, Candidate};
use crate::erp::{
    BankAccountChange, CloseTask, GoodsReceipt, PostedInvoice, PostingError, PurchaseOrder, SupplierMaster,
};
use crate::three_way_match::{self, Finding};
use crate::treasury::{remediation, PaymentInstruction};
use crate::{Approval, Invoice, Money, Supplier};

/// A record with the connection it came from.
pub type From<'a, T> = (&'a str, &'a T);

/// A pending approval step with its age in business days on its entity's calendar.
pub struct AgedApproval<'a> {
    pub approval: &'a Approval,
    pub invoice: &'a Invoice,
    pub age_days: i64,
}

/// A close task with its plan for today.
pub struct PlannedTask<'a> {
    pub connection_id: &'a str,
    pub task: &'a CloseTask,
    pub plan: &'a TaskPlan,
}

/// An intercompany document the two entities book differently.
pub struct IcMismatch {
    pub period: String,
    pub entity_a: String,
    pub entity_b: String,
    pub reference: String,
    pub issue: String,
    pub a: String,
    pub b: String,
    pub difference: Option<Money>,
    pub since: DateTime<Utc>,
}

/// What the rules read. The sync engine fills it from the mirror.
#[derive(Default)]
pub struct Snapshot<'a> {
    pub now: DateTime<Utc>,
    pub ap_connection: &'a str,
    pub posted: Vec<From<'a, PostedInvoice>>,
    pub purchase_orders: HashMap<&'a str, &'a PurchaseOrder>,
    pub receipts: HashMap<&'a str, Vec<&'a GoodsReceipt>>,
    pub posting_errors: Vec<From<'a, PostingError>>,
    pub instructions: Vec<From<'a, PaymentInstruction>>,
    pub supplier_masters: Vec<From<'a, SupplierMaster>>,
    pub bank_changes: Vec<&'a BankAccountChange>,
    pub ap_invoices: HashMap<&'a str, &'a Invoice>,
    pub ap_suppliers: Vec<&'a Supplier>,
    pub approvals: Vec<AgedApproval<'a>>,
    /// Business days a pending step may wait (the approval policy's SLA).
    pub approval_sla_days: i64,
    pub close_tasks: Vec<PlannedTask<'a>>,
    pub intercompany: Vec<IcMismatch>,
}

/// Every exception that holds in `s`.
pub fn derive(s: &Snapshot<'_>, policy: &ExceptionPolicy) -> Vec<Raised> {
    let mut out = derive_records(s, policy);
    supplier_holds(s, &mut out);
    intercompany(s, &mut out);
    close_late(s, &mut out);
    out
}

/// The kinds [`derive_records`] raises. Each follows from its anchor records and the few they
/// point at, so a changed record is re-derived on its own; the others read a supplier's whole
/// book, both sides of an intercompany period or a whole close plan, and come from the full pass.
pub const INCREMENTAL: [Kind; 12] = [
    Kind::PriceVariance,
    Kind::QuantityVariance,
    Kind::MissingReceipt,
    Kind::MissingPo,
    Kind::CurrencyMismatch,
    Kind::SuspectedDuplicate,
    Kind::BankDetailsChanged,
    Kind::PostingFailed,
    Kind::BankRejection,
    Kind::PaymentUnconfirmed,
    Kind::ApprovalOverdue,
    Kind::StateMismatch,
];

/// The record-level rules: the kinds in [`INCREMENTAL`].
pub fn derive_records(s: &Snapshot<'_>, policy: &ExceptionPolicy) -> Vec<Raised> {
    let mut out = Vec::new();
    three_way(s, policy, &mut out);
    duplicates(s, policy, &mut out);
    bank_details_changed(s, policy, &mut out);
    posting_failed(s, &mut out);
    payments(s, policy, &mut out);
    approvals_overdue(s, &mut out);
    state_mismatch(s, &mut out);
    out
}

fn severity_for(amount: Decimal) -> Severity {
    if amount >= Decimal::from(10_000) {
        Severity::High
    } else if amount >= Decimal::from(1_000) {
        Severity::Medium
    } else {
        Severity::Low
    }
}

fn money(amount: Decimal, currency: crate::Currency) -> Money {
    Money::new(amount, currency).round()
}

fn at_midnight(d: chrono::NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

fn dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "—".into())
}

/// Invoices the ERP already settled with the supplier's agreement skip matching.
fn matching_settled(status: &str) -> bool {
    matches!(status, "variance_accepted" | "credit_note_requested" | "cancelled")
}

pub fn three_way(s: &Snapshot<'_>, policy: &ExceptionPolicy, out: &mut Vec<Raised>) {
    for &(conn, inv) in &s.posted {
        if matching_settled(&inv.status) {
            continue;
        }
        let po = inv
            .purchase_order_id
            .as_deref()
            .and_then(|id| s.purchase_orders.get(id).copied());
        let receipts: &[&GoodsReceipt] = inv
            .purchase_order_id
            .as_deref()
            .and_then(|id| s.receipts.get(id))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let tol = policy.tolerances.for_entity(&inv.company_code);
        for f in three_way_match::check(inv, po, receipts, tol) {
            out.push(match_exception(conn, inv, po, receipts, &f));
        }
    }
}

fn match_exception(
    conn: &str,
    inv: &PostedInvoice,
    po: Option<&PurchaseOrder>,
    receipts: &[&GoodsReceipt],
    f: &Finding,
) -> Raised {
    let kind = match f {
        Finding::PriceVariance { .. } => Kind::PriceVariance,
        Finding::QuantityVariance { .. } => Kind::QuantityVariance,
        Finding::MissingReceipt { .. } => Kind::MissingReceipt,
        Finding::MissingPo { .. } => Kind::MissingPo,
        Finding::CurrencyMismatch { .. } => Kind::CurrencyMismatch,
    };
    let po_id = dash(po.map(|p| p.id.clone()).or_else(|| inv.purchase_order_id.clone()));
    let receipt_ids = receipts.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ");
    let mut e = Evidence::new(&["Purchase order", "Goods receipt", "Invoice"])
        .row_marked(
            "Document",
            &[
                po_id.clone(),
                dash(Some(receipt_ids).filter(|r| !r.is_empty())),
                inv.invoice_number.clone(),
            ],
            false,
        )
        .row(
            "Supplier",
            &[
                dash(po.map(|p| p.supplier_id.clone())),
                "—".into(),
                inv.supplier_id.clone(),
            ],
        )
        .row(
            "Currency",
            &[
                dash(po.map(|p| p.currency.to_string())),
                "—".into(),
                inv.currency.to_string(),
            ],
        );
    let (line, summary) = match f {
        Finding::PriceVariance {
            po_line_no,
            line_no,
            po_price,
            invoiced_price,
            percent,
            ..
        } => (
            Some((*po_line_no, *line_no, true, false)),
            format!("Line {line_no}: invoiced at {invoiced_price} vs PO {po_price} per unit ({percent} %)"),
        ),
        Finding::QuantityVariance {
            po_line_no,
            line_no,
            received,
            invoiced,
            ..
        } => (
            Some((*po_line_no, *line_no, false, true)),
            format!("Line {line_no}: {invoiced} invoiced, {received} received"),
        ),
        Finding::MissingReceipt { po_line_no, .. } => (
            Some((*po_line_no, *po_line_no, false, true)),
            format!("PO {po_id} line {po_line_no}: invoiced before any goods receipt"),
        ),
        Finding::MissingPo { po_id: referenced, .. } => (
            None,
            match referenced {
                Some(id) => format!("Invoice quotes PO {id}, which the ERP does not have"),
                None => "Invoice lines refer to a PO but the invoice names none".into(),
            },
        ),
        Finding::CurrencyMismatch {
            po_currency,
            invoice_currency,
            ..
        } => (
            None,
            format!("Invoiced in {invoice_currency}, ordered in {po_currency}"),
        ),
    };
    if let Some((po_line_no, line_no, price, qty)) = line {
        let pol = po.and_then(|p| p.lines.iter().find(|l| l.line_no == po_line_no));
        let il = inv.lines.iter().find(|l| l.line_no == line_no);
        let received: Decimal = receipts
            .iter()
            .flat_map(|r| r.lines.iter())
            .filter(|l| l.po_line_no == po_line_no)
            .map(|l| l.quantity)
            .sum();
        e = e
            .row_marked(
                "Line",
                &[po_line_no.to_string(), po_line_no.to_string(), line_no.to_string()],
                false,
            )
            .row_marked(
                "Description",
                &[dash(pol.map(|l| l.description.clone())), "—".into(), "—".into()],
                false,
            )
            .row_marked(
                "Quantity",
                &[
                    dash(pol.map(|l| l.quantity.normalize().to_string())),
                    received.normalize().to_string(),
                    dash(il.map(|l| l.quantity.normalize().to_string())),
                ],
                qty,
            )
            .row_marked(
                "Unit price",
                &[
                    dash(pol.map(|l| l.unit_price.normalize().to_string())),
                    "—".into(),
                    dash(il.map(|l| l.unit_price.normalize().to_string())),
                ],
                price,
            )
            .row_marked(
                "Line amount",
                &[
                    dash(pol.map(|l| l.amount.to_string())),
                    "—".into(),
                    dash(il.map(|l| l.amount.to_string())),
                ],
                price || qty,
            );
    }
    let at_risk = f.amount_at_risk().unwrap_or(inv.amount).abs();
    let suffix = match f {
        Finding::PriceVariance { line_no, .. } | Finding::QuantityVariance { line_no, .. } => format!(":L{line_no}"),
        Finding::MissingReceipt { po_line_no, .. } => format!(":P{po_line_no}"),
        _ => String::new(),
    };
    Raised {
        id: format!("{}:{conn}:{}{suffix}", kind.as_str(), inv.id),
        kind,
        entity: inv.company_code.clone(),
        severity: severity_for(at_risk),
        amount: Some(money(at_risk, inv.currency)),
        since: at_midnight(inv.posting_date),
        summary,
        evidence: e.note(format!("ERP document {} in {conn}", inv.id)),
        invoice: Some(inv.ap_reference.clone()),
        supplier: Some(inv.supplier_id.clone()),
        subject: Some(Subject {
            connection_id: conn.into(),
            resource: "posted_invoices".into(),
            external_id: inv.id.clone(),
        }),
        anchors: vec![anchor(conn, "posted_invoices", &inv.id)],
    }
}

pub fn duplicates(s: &Snapshot<'_>, policy: &ExceptionPolicy, out: &mut Vec<Raised>) {
    let keyed: HashMap<String, From<'_, PostedInvoice>> = s
        .posted
        .iter()
        .filter(|(_, i)| i.status != "cancelled")
        .map(|&(c, i)| (format!("{c}:{}", i.id), (c, i)))
        .collect();
    let candidates: Vec<Candidate> = keyed
        .iter()
        .map(|(key, (_, i))| Candidate {
            key: key.clone(),
            entity: i.company_code.clone(),
            supplier: i.supplier_id.clone(),
            invoice_number: i.invoice_number.clone(),
            invoice_date: i.invoice_date,
            currency: i.currency,
            amount: i.amount,
        })
        .collect();
    for sus in duplicate::find(&candidates, &policy.duplicates) {
        let (Some(&(ca, a)), Some(&(cb, b))) = (keyed.get(&sus.first), keyed.get(&sus.second)) else {
            continue;
        };
        let mut e = Evidence::new(&[&sus.first, &sus.second])
            .row("System", &[ca.to_string(), cb.to_string()])
            .row("Entity", &[a.company_code.clone(), b.company_code.clone()])
            .row("Supplier", &[a.supplier_id.clone(), b.supplier_id.clone()])
            .row("Invoice number", &[a.invoice_number.clone(), b.invoice_number.clone()])
            .row(
                "Invoice date",
                &[a.invoice_date.to_string(), b.invoice_date.to_string()],
            )
            .row(
                "Amount",
                &[
                    format!("{} {}", a.amount, a.currency),
                    format!("{} {}", b.amount, b.currency),
                ],
            )
            .row("AP invoice", &[a.ap_reference.clone(), b.ap_reference.clone()]);
        for r in &sus.reasons {
            e = e.note(r.clone());
        }
        let later = if a.posting_date >= b.posting_date { a } else { b };
        out.push(Raised {
            id: format!("{}:{}|{}", Kind::SuspectedDuplicate.as_str(), sus.first, sus.second),
            kind: Kind::SuspectedDuplicate,
            entity: later.company_code.clone(),
            severity: if sus.exact { Severity::High } else { Severity::Medium },
            amount: Some(money(later.amount, later.currency)),
            since: at_midnight(later.posting_date),
            summary: format!(
                "{} and {} look like the same bill (score {})",
                a.invoice_number, b.invoice_number, sus.score
            ),
            evidence: e,
            invoice: Some(later.ap_reference.clone()),
            supplier: Some(later.supplier_id.clone()),
            subject: Some(Subject {
                connection_id: s.ap_connection.into(),
                resource: "suppliers".into(),
                external_id: later.supplier_id.clone(),
            }),
            anchors: vec![
                anchor(ca, "posted_invoices", &a.id),
                anchor(cb, "posted_invoices", &b.id),
            ],
        });
    }
}

/// Open AP invoices of a supplier on hold, one exception per supplier and currency.
pub fn supplier_holds(s: &Snapshot<'_>, out: &mut Vec<Raised>) {
    use crate::InvoiceStatus::*;
    let held: HashMap<&str, &Supplier> = s
        .ap_suppliers
        .iter()
        .filter(|x| x.on_hold)
        .map(|x| (x.provenance.external_id.as_str(), *x))
        .collect();
    if held.is_empty() {
        return;
    }
    let mut open: HashMap<(&str, crate::Currency), Vec<&Invoice>> = HashMap::new();
    for inv in s.ap_invoices.values() {
        if matches!(inv.status, PendingApproval | Approved | Posted | OnHold)
            && held.contains_key(inv.supplier_external_id.as_str())
        {
            open.entry((inv.supplier_external_id.as_str(), inv.total.currency()))
                .or_default()
                .push(inv);
        }
    }
    for ((sid, ccy), mut invs) in open {
        invs.sort_by(|a, b| a.provenance.external_id.cmp(&b.provenance.external_id));
        let total: Decimal = invs.iter().map(|i| i.total.amount()).sum();
        let sup = held[sid];
        let mut e = Evidence::new(&["Invoice", "Status", "Due", "Amount"]);
        for i in invs.iter().take(50) {
            e = e.row_marked(
                &i.number,
                &[
                    i.provenance.external_id.clone(),
                    i.status.as_str().into(),
                    i.due_date.to_string(),
                    i.total.to_string(),
                ],
                false,
            );
        }
        let earliest = invs.iter().map(|i| i.due_date).min().unwrap_or(s.now.date_naive());
        out.push(Raised {
            id: format!("{}:{sid}:{ccy}", Kind::SupplierOnHold.as_str()),
            kind: Kind::SupplierOnHold,
            entity: invs[0].entity_code.clone(),
            severity: severity_for(total),
            amount: Some(money(total, ccy)),
            since: at_midnight(earliest) - Duration::days(7),
            summary: format!("{} is on hold with {} open invoice(s)", sup.name, invs.len()),
            evidence: e.note(format!(
                "Supplier {sid} on hold in AP; payment is blocked until released"
            )),
            invoice: (invs.len() == 1).then(|| invs[0].provenance.external_id.clone()),
            supplier: Some(sid.into()),
            subject: Some(Subject {
                connection_id: sup.provenance.connection_id.clone(),
                resource: "suppliers".into(),
                external_id: sid.into(),
            }),
            anchors: vec![anchor(&sup.provenance.connection_id, "suppliers", sid)],
        });
    }
}

fn first_seen(i: &PaymentInstruction) -> DateTime<Utc> {
    i.history.first().map(|h| h.at).unwrap_or(i.modified_at)
}

/// A payment to a supplier whose bank account changed shortly before: the classic fraud pattern.
pub fn bank_details_changed(s: &Snapshot<'_>, policy: &ExceptionPolicy, out: &mut Vec<Raised>) {
    let mut changes: HashMap<&str, Vec<&BankAccountChange>> = HashMap::new();
    for c in &s.bank_changes {
        changes.entry(c.supplier_id.as_str()).or_default().push(c);
    }
    let window = Duration::days(policy.bank_change_days);
    for &(conn, i) in &s.instructions {
        let created = first_seen(i);
        let Some(c) = changes.get(i.supplier_id.as_str()).and_then(|cs| {
            cs.iter()
                .filter(|c| c.changed_at <= created && created - c.changed_at <= window)
                .max_by_key(|c| c.changed_at)
        }) else {
            continue;
        };
        let days = (created - c.changed_at).num_days();
        out.push(Raised {
            id: format!("{}:{conn}:{}", Kind::BankDetailsChanged.as_str(), i.id),
            kind: Kind::BankDetailsChanged,
            entity: i.entity.clone(),
            severity: Severity::High,
            amount: Some(money(i.amount, i.currency)),
            since: created,
            summary: format!(
                "{} changed bank details {days} day(s) before payment {}",
                i.creditor_name, i.end_to_end_id
            ),
            evidence: Evidence::new(&["Before the change", "After the change", "Payment"])
                .row(
                    "IBAN",
                    &[c.old_iban.clone(), c.new_iban.clone(), i.creditor_iban.clone()],
                )
                .row_marked(
                    "Changed by",
                    &[c.changed_by.clone(), c.changed_by.clone(), "—".into()],
                    false,
                )
                .row_marked(
                    "When",
                    &[
                        c.changed_at.to_rfc3339(),
                        c.changed_at.to_rfc3339(),
                        created.to_rfc3339(),
                    ],
                    false,
                )
                .note("Verify the new account by call-back to a known number before the bank executes"),
            invoice: i.invoice_ids.first().cloned(),
            supplier: Some(i.supplier_id.clone()),
            subject: Some(Subject {
                connection_id: s.ap_connection.into(),
                resource: "suppliers".into(),
                external_id: i.supplier_id.clone(),
            }),
            anchors: vec![anchor(conn, "payment_instructions", &i.id)],
        });
    }
}

pub fn posting_failed(s: &Snapshot<'_>, out: &mut Vec<Raised>) {
    for &(conn, e) in &s.posting_errors {
        if e.status != "open" {
            continue;
        }
        let inv = s.ap_invoices.get(e.ap_reference.as_str());
        let amount = inv.map(|i| i.total.round());
        out.push(Raised {
            id: format!("{}:{conn}:{}", Kind::PostingFailed.as_str(), e.id),
            kind: Kind::PostingFailed,
            entity: e.company_code.clone(),
            severity: amount
                .as_ref()
                .map(|m| severity_for(m.amount()))
                .unwrap_or(Severity::Medium),
            amount,
            since: e.occurred_at,
            summary: format!("{} not posted: {} ({})", e.ap_reference, e.message, e.code),
            evidence: Evidence::new(&["AP invoice", "ERP answer"])
                .row_marked("Reference", &[e.ap_reference.clone(), e.id.clone()], false)
                .row_marked(
                    "Status",
                    &[dash(inv.map(|i| i.status.as_str().into())), e.status.clone()],
                    true,
                )
                .row_marked("Error", &["—".into(), format!("{}: {}", e.code, e.message)], true)
                .row_marked("Amount", &[dash(inv.map(|i| i.total.to_string())), "—".into()], false),
            invoice: Some(e.ap_reference.clone()),
            supplier: inv.map(|i| i.supplier_external_id.clone()),
            subject: Some(Subject {
                connection_id: conn.into(),
                resource: "posting_errors".into(),
                external_id: e.id.clone(),
            }),
            anchors: vec![anchor(conn, "posting_errors", &e.id)],
        });
    }
}

/// Bank rejections with their remediation, and payments the bank has not answered in time.
pub fn payments(s: &Snapshot<'_>, policy: &ExceptionPolicy, out: &mut Vec<Raised>) {
    let masters: HashMap<&str, &SupplierMaster> = s.supplier_masters.iter().map(|&(_, m)| (m.id.as_str(), m)).collect();
    let confirm = Duration::hours(policy.payment_confirm_hours);
    for &(conn, i) in &s.instructions {
        let history = i
            .history
            .iter()
            .map(|h| match &h.reason {
                Some(r) => format!("{} {} ({r})", h.at.format("%Y-%m-%d %H:%M"), h.status),
                None => format!("{} {}", h.at.format("%Y-%m-%d %H:%M"), h.status),
            })
            .collect::<Vec<_>>()
            .join(" → ");
        if i.status == "RJCT" {
            let reason = i.reason.clone().unwrap_or_else(|| "NARR".into());
            let master = masters.get(i.supplier_id.as_str());
            let since = i.history.last().map(|h| h.at).unwrap_or(i.modified_at);
            out.push(Raised {
                id: format!("{}:{conn}:{}", Kind::BankRejection.as_str(), i.id),
                kind: Kind::BankRejection,
                entity: i.entity.clone(),
                severity: Severity::High,
                amount: Some(money(i.amount, i.currency)),
                since,
                summary: format!("{} rejected by the bank: {reason}", i.end_to_end_id),
                evidence: Evidence::new(&["Payment instruction", "Supplier master (ERP)"])
                    .row(
                        "Creditor",
                        &[i.creditor_name.clone(), dash(master.map(|m| m.name.clone()))],
                    )
                    .row("IBAN", &[i.creditor_iban.clone(), dash(master.map(|m| m.iban.clone()))])
                    .row_marked("Reason", &[reason.clone(), "—".into()], true)
                    .note(remediation(&reason))
                    .note(history),
                invoice: i.invoice_ids.first().cloned(),
                supplier: Some(i.supplier_id.clone()),
                subject: Some(Subject {
                    connection_id: conn.into(),
                    resource: "payment_instructions".into(),
                    external_id: i.id.clone(),
                }),
                anchors: vec![anchor(conn, "payment_instructions", &i.id)],
            });
        } else if i.status != "ACSC" && s.now - first_seen(i) > confirm {
            let since = first_seen(i) + confirm;
            out.push(Raised {
                id: format!("{}:{conn}:{}", Kind::PaymentUnconfirmed.as_str(), i.id),
                kind: Kind::PaymentUnconfirmed,
                entity: i.entity.clone(),
                severity: Severity::Medium,
                amount: Some(money(i.amount, i.currency)),
                since,
                summary: format!(
                    "{} still {} after {} h",
                    i.end_to_end_id,
                    i.status,
                    (s.now - first_seen(i)).num_hours()
                ),
                evidence: Evidence::new(&["Payment instruction"])
                    .row_marked("Status", std::slice::from_ref(&i.status), true)
                    .row_marked("Creditor", std::slice::from_ref(&i.creditor_name), false)
                    .note(history),
                invoice: i.invoice_ids.first().cloned(),
                supplier: Some(i.supplier_id.clone()),
                subject: None,
                anchors: vec![anchor(conn, "payment_instructions", &i.id)],
            });
        }
    }
}

pub fn approvals_overdue(s: &Snapshot<'_>, out: &mut Vec<Raised>) {
    for a in &s.approvals {
        if a.age_days <= s.approval_sla_days {
            continue;
        }
        let ap = a.approval;
        out.push(Raised {
            id: format!(
                "{}:{}:{}",
                Kind::ApprovalOverdue.as_str(),
                ap.provenance.connection_id,
                ap.provenance.external_id
            ),
            kind: Kind::ApprovalOverdue,
            entity: a.invoice.entity_code.clone(),
            severity: if a.age_days > 2 * s.approval_sla_days {
                Severity::High
            } else {
                Severity::Medium
            },
            amount: Some(a.invoice.total.round()),
            since: ap.assigned_at,
            summary: format!(
                "{} waiting {} business days on {} ({})",
                a.invoice.number, a.age_days, ap.approver_id, ap.step_name
            ),
            evidence: Evidence::new(&["Approval step"])
                .row_marked("Approver", std::slice::from_ref(&ap.approver_id), false)
                .row_marked(
                    "Step",
                    &[format!("{} of {} · {}", ap.step, ap.step_count, ap.step_name)],
                    false,
                )
                .row_marked("Assigned", &[ap.assigned_at.to_rfc3339()], false)
                .row_marked("Age", &[format!("{} business days", a.age_days)], true),
            invoice: Some(ap.invoice_external_id.clone()),
            supplier: Some(a.invoice.supplier_external_id.clone()),
            subject: None,
            anchors: vec![anchor(
                &ap.provenance.connection_id,
                "approvals",
                &ap.provenance.external_id,
            )],
        });
    }
}

/// The three systems disagree about one document: the ERP's amount or currency is not AP's, or
/// AP's hold and the ERP's block on a supplier differ.
pub fn state_mismatch(s: &Snapshot<'_>, out: &mut Vec<Raised>) {
    for &(conn, p) in &s.posted {
        let Some(inv) = s.ap_invoices.get(p.ap_reference.as_str()) else {
            continue;
        };
        if inv.total.currency() == p.currency && inv.total.amount() == p.amount {
            continue;
        }
        out.push(Raised {
            id: format!("{}:{conn}:{}", Kind::StateMismatch.as_str(), p.id),
            kind: Kind::StateMismatch,
            entity: p.company_code.clone(),
            severity: Severity::High,
            amount: Some(money(p.amount, p.currency)),
            since: p.modified_at,
            summary: format!(
                "{}: AP says {}, the ERP posted {} {}",
                inv.number, inv.total, p.amount, p.currency
            ),
            evidence: Evidence::new(&["AP", "ERP"])
                .row("Amount", &[inv.total.amount().to_string(), p.amount.to_string()])
                .row("Currency", &[inv.total.currency().to_string(), p.currency.to_string()])
                .row_marked("Status", &[inv.status.as_str().into(), p.status.clone()], false),
            invoice: Some(p.ap_reference.clone()),
            supplier: Some(p.supplier_id.clone()),
            subject: None,
            anchors: vec![anchor(conn, "posted_invoices", &p.id)],
        });
    }
    let ap_hold: HashMap<&str, &Supplier> = s
        .ap_suppliers
        .iter()
        .map(|x| (x.provenance.external_id.as_str(), *x))
        .collect();
    for &(conn, m) in &s.supplier_masters {
        let Some(ap) = ap_hold.get(m.id.as_str()) else { continue };
        if ap.on_hold == m.blocked {
            continue;
        }
        let yes = |b: bool| if b { "on hold" } else { "open" }.to_string();
        out.push(Raised {
            id: format!("{}:{conn}:supplier:{}", Kind::StateMismatch.as_str(), m.id),
            kind: Kind::StateMismatch,
            entity: "—".into(),
            severity: Severity::Medium,
            amount: None,
            since: m.modified_at,
            summary: format!("{}: {} in AP, {} in {conn}", m.name, yes(ap.on_hold), yes(m.blocked)),
            evidence: Evidence::new(&["AP", "ERP"]).row("Payment hold", &[yes(ap.on_hold), yes(m.blocked)]),
            invoice: None,
            supplier: Some(m.id.clone()),
            subject: None,
            anchors: vec![anchor(conn, "supplier_masters", &m.id)],
        });
    }
}

pub fn intercompany(s: &Snapshot<'_>, out: &mut Vec<Raised>) {
    for m in &s.intercompany {
        out.push(Raised {
            id: format!(
                "{}:{}:{}:{}:{}",
                Kind::IntercompanyMismatch.as_str(),
                m.period,
                m.entity_a,
                m.entity_b,
                m.reference
            ),
            kind: Kind::IntercompanyMismatch,
            entity: m.entity_a.clone(),
            severity: m
                .difference
                .as_ref()
                .map(|d| severity_for(d.amount().abs()))
                .unwrap_or(Severity::Medium),
            amount: m
                .difference
                .as_ref()
                .map(|d| Money::new(d.amount().abs(), d.currency())),
            since: m.since,
            summary: format!("{} ↔ {} {}: {}", m.entity_a, m.entity_b, m.reference, m.issue),
            evidence: Evidence::new(&[&m.entity_a, &m.entity_b]).row("Booked", &[m.a.clone(), m.b.clone()]),
            invoice: None,
            supplier: None,
            subject: None,
            anchors: Vec::new(),
        });
    }
}

pub fn close_late(s: &Snapshot<'_>, out: &mut Vec<Raised>) {
    for t in &s.close_tasks {
        let state = match t.plan.state {
            TaskState::Late => "late",
            TaskState::Blocked => "blocked",
            _ => continue,
        };
        let task = t.task;
        let mut summary = format!("{} {} ({}) is {state}", task.company_code, task.name, task.period);
        if !t.plan.blocked_by.is_empty() {
            summary.push_str(&format!(", waiting on {}", t.plan.blocked_by.join(", ")));
        }
        out.push(Raised {
            id: format!("{}:{}:{}", Kind::CloseTaskLate.as_str(), t.connection_id, task.id),
            kind: Kind::CloseTaskLate,
            entity: task.company_code.clone(),
            severity: if t.plan.critical {
                Severity::High
            } else {
                Severity::Medium
            },
            amount: None,
            since: at_midnight(t.plan.due),
            summary,
            evidence: Evidence::new(&["Plan", "Now"])
                .row("Due", &[t.plan.due.to_string(), t.plan.projected_finish.to_string()])
                .row_marked("Status", &["reviewed".into(), task.status.clone()], true)
                .row_marked("Owner / reviewer", &[task.owner.clone(), task.reviewer.clone()], false),
            invoice: None,
            supplier: None,
            subject: Some(Subject {
                connection_id: t.connection_id.into(),
                resource: "close_tasks".into(),
                external_id: task.id.clone(),
            }),
            anchors: vec![anchor(t.connection_id, "close_tasks", &task.id)],
        });
    }
}
