//! Re-deriving the exception queue: read the mirror into a snapshot, run the pure rules, diff
//! against what is stored, apply the changes with their history. The full pass reads the whole
//! mirror; after a sync, [`incremental`] reads only what changed and what it points at.

mod incremental;

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use domain::close_plan::{self, TaskPlan};
use domain::exception;
use domain::exception::rules::{self, AgedApproval, IcMismatch, PlannedTask, Snapshot};
use domain::{Approval, ApprovalStatus, BusinessCalendar, Document, Invoice, LegalEntity, Supplier};
use store::duplicate_keys::DuplicateKey;
use store::exceptions::{Applied, Run};
use tracing::{info, info_span, warn, Instrument};

use crate::reconcile::{intercompany, IcIssue, IcSide, Period};
use crate::{Engine, SyncError};

/// The ERP and treasury resources the record-level rules read (the incremental pass follows
/// changes to these); the full pass reads the close tasks as well.
const RECORD_RESOURCES: [&str; 7] = [
    "posted_invoices",
    "purchase_orders",
    "goods_receipts",
    "posting_errors",
    "payment_instructions",
    "supplier_masters",
    "bank_account_changes",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derivation {
    pub applied: Applied,
    /// Exceptions the rules raised in this pass (all of them in a full pass, those around the
    /// changed records in an incremental one).
    pub open: usize,
    pub millis: u128,
    /// Whether the whole mirror was read.
    pub full: bool,
}

/// The mirror's records the rules read, owned; [`Loaded::snapshot`] lends them to the pure rules.
#[derive(Default)]
struct Loaded {
    docs: Vec<(String, Document)>,
    invoices: Vec<Invoice>,
    suppliers: Vec<Supplier>,
    /// Pending steps only.
    approvals: Vec<Approval>,
    entities: Vec<LegalEntity>,
    /// The AP system duplicate and bank-change exceptions are resolved in.
    ap_connection: String,
}

impl Loaded {
    /// The snapshot of what was loaded, without intercompany and close plans (the full pass adds them).
    fn snapshot<'a>(&'a self, now: DateTime<Utc>, approval_sla_days: i64) -> Snapshot<'a> {
        let mut s = Snapshot {
            now,
            ap_connection: &self.ap_connection,
            approval_sla_days,
            ..Snapshot::default()
        };
        for (conn, d) in &self.docs {
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
        s.ap_invoices = self
            .invoices
            .iter()
            .map(|i| (i.provenance.external_id.as_str(), i))
            .collect();
        s.ap_suppliers = self.suppliers.iter().collect();
        let by_entity: HashMap<&str, &LegalEntity> = self.entities.iter().map(|e| (e.code.as_str(), e)).collect();
        for a in self.approvals.iter().filter(|a| a.status == ApprovalStatus::Pending) {
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
        s
    }
}

impl Engine {
    /// Runs every rule over the mirror as it is now and brings the stored queue in line.
    pub async fn derive_exceptions(&self, now: DateTime<Utc>) -> Result<Derivation, SyncError> {
        let span = info_span!("derive_exceptions");
        async move {
            let started = Instant::now();
            let watermark = Utc::now();
            let policy = self.exception_policy.clone();
            let mut loaded = Loaded::default();
            for r in RECORD_RESOURCES.into_iter().chain(["close_tasks"]) {
                loaded.docs.extend(store::source_records::list(&self.store, r).await?);
            }
            loaded.invoices = store::invoices::headers(&self.store).await?;
            loaded.suppliers = store::suppliers::all(&self.store).await?;
            loaded.approvals = store::approvals::pending(&self.store).await?;
            loaded.entities = store::entities::list(&self.store).await?;
            loaded.ap_connection = ap_connection(&self.store).await?;
            let entities = &loaded.entities;
            let calendars: HashMap<&str, &BusinessCalendar> =
                entities.iter().map(|e| (e.code.as_str(), &e.calendar)).collect();
            let default_calendar = BusinessCalendar::default();

            // Close plans per entity and period, on the entity's calendar.
            let mut periods: HashMap<(String, String), Vec<(String, domain::erp::CloseTask)>> = HashMap::new();
            for (conn, d) in &loaded.docs {
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

            let mut s = loaded.snapshot(now, self.approval_policy.sla_business_days);
            s.intercompany = ic;
            s.close_tasks = plans
                .iter()
                .map(|(conn, task, plan)| PlannedTask {
                    connection_id: conn,
                    task,
                    plan,
                })
                .collect();

            let derived = rules::derive(&s, &policy);
            let keys: Vec<DuplicateKey> = s
                .posted
                .iter()
                .filter_map(|&(conn, inv)| DuplicateKey::of(conn, inv))
                .collect();
            store::duplicate_keys::replace_all(&self.store, &keys).await?;
            let open = derived.len();
            let anchors: Vec<(String, String)> = derived
                .iter()
                .flat_map(|r| r.anchors.iter().map(|a| (a.clone(), r.id.clone())))
                .collect();
            let stored = store::exceptions::stored(&self.store).await?;
            let changes = exception::plan(&stored, derived, |_| true);
            let applied = store::exceptions::apply(&self.store, &changes, &policy, now).await?;
            let pairs: Vec<(&str, &str)> = anchors.iter().map(|(a, i)| (a.as_str(), i.as_str())).collect();
            store::exceptions::anchor_all(&self.store, &pairs).await?;
            let millis = started.elapsed().as_millis();
            store::exceptions::record_run(
                &self.store,
                &Run {
                    started: now,
                    watermark,
                    millis: millis as i64,
                    applied,
                    full: true,
                },
            )
            .await?;
            info!(
                raised = applied.raised,
                updated = applied.updated,
                resolved = applied.resolved,
                open,
                millis,
                "exceptions derived"
            );
            Ok(Derivation {
                applied,
                open,
                millis,
                full: true,
            })
        }
        .instrument(span)
        .await
    }
}

/// The AP connection (the first by id, where a workspace has several).
async fn ap_connection(store: &store::Store) -> Result<String, SyncError> {
    Ok(store::connections::list(store)
        .await?
        .into_iter()
        .filter(|c| c.kind == "ap")
        .map(|c| c.id)
        .min()
        .unwrap_or_default())
}

fn ic_issue(i: IcIssue) -> &'static str {
    match i {
        IcIssue::MissingAtA => "booked only by the counterparty",
        IcIssue::MissingAtB => "not booked by the counterparty",
        IcIssue::AmountDiffers => "amounts do not cancel",
        IcIssue::CurrencyDiffers => "amounts do not cancel at the period rate",
    }
}
