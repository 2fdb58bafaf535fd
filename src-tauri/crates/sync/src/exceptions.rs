//! Re-deriving the exception queue after a sync: read the mirror into a snapshot, run the pure
//! rules, diff against what is stored, apply the changes with their history.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use domain::close_plan::{self, TaskPlan};
use domain::exception;
use domain::exception::rules::{self, AgedApproval, IcMismatch, PlannedTask, Snapshot};
use domain::{ApprovalStatus, BusinessCalendar, Document};
use store::exceptions::Applied;
use tracing::{info, info_span, warn, Instrument};

use crate::reconcile::{intercompany, IcIssue, IcSide, Period};
use crate::{Engine, SyncError};

/// The resources the rules read from the ERP and treasury mirror.
const RESOURCES: [&str; 8] = [
    "posted_invoices",
    "purchase_orders",
    "goods_receipts",
    "posting_errors",
    "payment_instructions",
    "supplier_masters",
    "bank_account_changes",
    "close_tasks",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derivation {
    pub applied: Applied,
    pub open: usize,
    pub millis: u128,
}

impl Engine {
    /// Runs every rule over the mirror as it is now and brings the stored queue in line.
    pub async fn derive_exceptions(&self, now: DateTime<Utc>) -> Result<Derivation, SyncError> {
        let span = info_span!("derive_exceptions");
        async move {
            let started = Instant::now();
            let policy = self.exception_policy.clone();
            let mut docs: HashMap<&str, Vec<(String, Document)>> = HashMap::new();
            for r in RESOURCES {
                docs.insert(r, store::source_records::list(&self.store, r).await?);
            }
            let invoices = store::invoices::headers(&self.store).await?;
            let suppliers = store::suppliers::all(&self.store).await?;
            let approvals = store::approvals::pending(&self.store).await?;
            let entities = store::entities::list(&self.store).await?;
            let ap_connection = invoices
                .first()
                .map(|i| i.provenance.connection_id.clone())
                .unwrap_or_default();
            let calendars: HashMap<&str, &BusinessCalendar> =
                entities.iter().map(|e| (e.code.as_str(), &e.calendar)).collect();
            let default_calendar = BusinessCalendar::default();

            // Close plans per entity and period, on the entity's calendar.
            let mut periods: HashMap<(String, String), Vec<(String, domain::erp::CloseTask)>> = HashMap::new();
            for (conn, d) in &docs["close_tasks"] {
                if let Document::CloseTask(t) = d {
                    periods
                        .entry((t.company_code.clone(), t.period.clone()))
                        .or_default()
                        .push((conn.clone(), t.clone()));
                }
            }
            let mut plans: Vec<(String, domain::erp::CloseTask, TaskPlan)> = Vec::new();
            for ((code, period), tasks) in periods {
                let cal = calendars.get(code.as_str()).copied().unwrap_or(&default_calendar);
                let today = entities
                    .iter()
                    .find(|e| e.code == code)
                    .map(|e| e.today(now))
                    .unwrap_or_else(|| now.date_naive());
                let only: Vec<_> = tasks.iter().map(|(_, t)| t.clone()).collect();
                match close_plan::plan(&only, cal, today) {
                    Ok(p) => {
                        for ((conn, t), tp) in tasks.into_iter().zip(p.tasks) {
                            plans.push((conn, t, tp));
                        }
                    }
                    Err(e) => warn!(entity = %code, period = %period, error = %e, "close plan refused"),
                }
            }

            let mut ic = Vec::new();
            let this = Period::of(now.date_naive());
            let last = Period::of(this.first_day().pred_opt().unwrap_or(this.first_day()));
            for period in [last, this] {
                let found = intercompany(&self.store, period).await.map_err(Box::new)?;
                for pair in found.pairs {
                    for m in pair.mismatches {
                        let side = |s: &IcSide| match &s.amount {
                            Some(a) => format!("{a} ({})", s.entries.join(", ")),
                            None if s.entries.is_empty() => "not booked".into(),
                            None => format!("mixed currencies ({})", s.entries.join(", ")),
                        };
                        ic.push(IcMismatch {
                            period: period.to_string(),
                            entity_a: pair.entity_a.clone(),
                            entity_b: pair.entity_b.clone(),
                            reference: m.reference.clone(),
                            issue: ic_issue(m.issue).into(),
                            a: side(&m.a),
                            b: side(&m.b),
                            difference: m.difference.or(m.group_difference),
                            since: period.last_day().and_time(chrono::NaiveTime::MIN).and_utc(),
                        });
                    }
                }
            }

            let mut s = Snapshot {
                now,
                ap_connection: &ap_connection,
                intercompany: ic,
                approval_sla_days: self.approval_policy.sla_business_days,
                ..Snapshot::default()
            };
            for (conn, d) in docs.values().flatten() {
                match d {
                    Document::PostedInvoice(x) => s.posted.push((conn, x)),
                    Document::PurchaseOrder(x) => {
                        s.purchase_orders.insert(&x.id, x);
                    }
                    Document::GoodsReceipt(x) => s.receipts.entry(&x.purchase_order_id).or_default().push(x),
                    Document::PostingError(x) => s.posting_errors.push((conn, x)),
                    Document::PaymentInstruction(x) => s.instructions.push((conn, x)),
                    Document::SupplierMaster(x) => s.supplier_masters.push((conn, x)),
                    Document::BankAccountChange(x) => s.bank_changes.push(x),
                    _ => {}
                }
            }
            s.ap_invoices = invoices
                .iter()
                .map(|i| (i.provenance.external_id.as_str(), i))
                .collect();
            s.ap_suppliers = suppliers.iter().collect();
            let by_entity: HashMap<&str, &domain::LegalEntity> =
                entities.iter().map(|e| (e.code.as_str(), e)).collect();
            for a in approvals.iter().filter(|a| a.status == ApprovalStatus::Pending) {
                let Some(inv) = s.ap_invoices.get(a.invoice_external_id.as_str()).copied() else {
                    continue;
                };
                let Some(e) = by_entity.get(inv.entity_code.as_str()) else {
                    continue;
                };
                s.approvals.push(AgedApproval {
                    approval: a,
                    invoice: inv,
                    age_days: e.business_age(a.assigned_at, now),
                });
            }
            s.close_tasks = plans
                .iter()
                .map(|(conn, task, plan)| PlannedTask {
                    connection_id: conn,
                    task,
                    plan,
                })
                .collect();

            let derived = rules::derive(&s, &policy);
            let open = derived.len();
            let stored = store::exceptions::stored(&self.store).await?;
            let changes = exception::plan(&stored, derived, |_| true);
            let applied = store::exceptions::apply(&self.store, &changes, &policy, now).await?;
            let millis = started.elapsed().as_millis();
            store::exceptions::record_run(&self.store, now, millis as i64, applied).await?;
            info!(
                raised = applied.raised,
                updated = applied.updated,
                resolved = applied.resolved,
                open,
                millis,
                "exceptions derived"
            );
            Ok(Derivation { applied, open, millis })
        }
        .instrument(span)
        .await
    }
}

fn ic_issue(i: IcIssue) -> &'static str {
    match i {
        IcIssue::MissingAtA => "booked only by the counterparty",
        IcIssue::MissingAtB => "not booked by the counterparty",
        IcIssue::AmountDiffers => "amounts do not cancel",
        IcIssue::CurrencyDiffers => "amounts do not cancel at the period rate",
    }
}
