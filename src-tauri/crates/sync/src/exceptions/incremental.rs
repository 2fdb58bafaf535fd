//! The incremental pass: after a sync, re-derive the record-level rules (`rules::INCREMENTAL`)
//! for the records synced since the last run and for those derived together with them — a
//! posted invoice when its purchase order, receipts or AP invoice changed; a payment when its
//! supplier's master data or bank account changed; an approval step when its invoice changed —
//! and diff against the stored exceptions anchored on those records only.
//!
//! Rules that read a supplier's whole book, both sides of an intercompany period or a whole
//! close plan, and the ones that age with the clock alone, are left to the periodic full pass.

use std::collections::HashSet;
use std::time::Instant;

use chrono::{DateTime, Utc};
use domain::exception::{self, anchor, rules};
use domain::Document;
use store::duplicate_keys::DuplicateKey;
use store::exceptions::Run;
use store::source_records::Link;
use tracing::{info, info_span, Instrument};

use super::{ap_connection, Derivation, Loaded, RECORD_RESOURCES};
use crate::{Engine, SyncError};

/// Distinct records by (connection, resource, id), in the order first added.
#[derive(Default)]
struct Records {
    seen: HashSet<String>,
    docs: Vec<(String, Document)>,
}

impl Records {
    fn add(&mut self, found: Vec<(String, Document)>) {
        for (conn, d) in found {
            if self.seen.insert(anchor(&conn, d.resource(), d.id())) {
                self.docs.push((conn, d));
            }
        }
    }
}

fn sorted(set: HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = set.into_iter().collect();
    v.sort();
    v
}

impl Engine {
    /// Re-derives the exceptions around what changed since the last derivation; runs the full
    /// pass instead when there has been none yet. Syncs and derivations take turns (the runner
    /// does one after the other), so every record synced after the last run began carries a
    /// later `synced_at` (or AP `fetched_at`) than its watermark.
    pub async fn derive_exception_changes(&self, now: DateTime<Utc>) -> Result<Derivation, SyncError> {
        let Some(since) = store::exceptions::watermark(&self.store).await? else {
            return self.derive_exceptions(now).await;
        };
        let span = info_span!("derive_exception_changes", since = %since);
        async move {
            let started = Instant::now();
            let watermark = Utc::now();
            let db = &self.store;
            let policy = self.exception_policy.clone();

            // What changed. (Independent reads run side by side on the reader pool: a delta's
            // reads are scattered over a large mirror, and each waits on its pages.)
            let (changed, ap_changed, steps_changed) = tokio::try_join!(
                store::source_records::synced_since(db, since, &RECORD_RESOURCES),
                store::invoices::headers_fetched_since(db, since),
                store::approvals::fetched_since(db, since),
            )?;

            // The anchors to re-derive, and the keys that lead to more of them.
            let (mut posted, mut errors, mut instructions, mut masters) = (
                Records::default(),
                Records::default(),
                Records::default(),
                Records::default(),
            );
            let (mut orders, mut suppliers) = (HashSet::new(), HashSet::new());
            let mut changed_posted = Vec::new();
            for (conn, d) in changed {
                match &d {
                    Document::PostedInvoice(_) => {
                        changed_posted.push((conn.clone(), d.clone()));
                        posted.add(vec![(conn, d)]);
                    }
                    Document::PurchaseOrder(po) => {
                        orders.insert(po.id.clone());
                    }
                    Document::GoodsReceipt(r) => {
                        orders.insert(r.purchase_order_id.clone());
                    }
                    Document::PostingError(_) => errors.add(vec![(conn, d)]),
                    Document::PaymentInstruction(_) => instructions.add(vec![(conn, d)]),
                    Document::SupplierMaster(m) => {
                        suppliers.insert(m.id.clone());
                    }
                    Document::BankAccountChange(c) => {
                        suppliers.insert(c.supplier_id.clone());
                    }
                    _ => {}
                }
            }
            let ap_refs: Vec<String> = ap_changed.iter().map(|i| i.provenance.external_id.clone()).collect();
            let (orders, named_suppliers) = (sorted(orders), sorted(suppliers.clone()));
            // A master's or bank account's change shows on the supplier's payments and on its
            // hold state; an AP supplier's change on its masters.
            let (by_order, by_ap_invoice, errors_by_ap_invoice, ap_suppliers, steps_of_invoices) = tokio::try_join!(
                store::source_records::linked(db, Link::PostedByOrder, &orders),
                store::source_records::linked(db, Link::PostedByApInvoice, &ap_refs),
                store::source_records::linked(db, Link::ErrorsByApInvoice, &ap_refs),
                store::suppliers::changed_or_of(db, Some(since), &named_suppliers),
                store::approvals::of_invoices(db, &ap_refs),
            )?;
            posted.add(by_order);
            posted.add(by_ap_invoice);
            errors.add(errors_by_ap_invoice);
            suppliers.extend(ap_suppliers.iter().map(|s| s.provenance.external_id.clone()));
            let suppliers = sorted(suppliers);
            let (paid, mastered) = tokio::try_join!(
                store::source_records::linked(db, Link::InstructionsBySupplier, &suppliers),
                store::source_records::by_ids(db, "supplier_masters", &suppliers),
            )?;
            instructions.add(paid);
            masters.add(mastered);
            let mut steps = steps_changed;
            steps.extend(steps_of_invoices);

            let mut affected: HashSet<String> = HashSet::new();
            for r in [&posted, &errors, &instructions, &masters] {
                affected.extend(r.seen.iter().cloned());
            }
            affected.extend(
                steps
                    .iter()
                    .map(|a| anchor(&a.provenance.connection_id, "approvals", &a.provenance.external_id)),
            );

            // What the rules read beside them.
            let mut context = Records::default();
            let (mut po_ids, mut invoice_refs, mut payees) = (HashSet::new(), HashSet::new(), HashSet::new());
            for (_, d) in &posted.docs {
                if let Document::PostedInvoice(p) = d {
                    po_ids.extend(p.purchase_order_id.clone());
                    invoice_refs.insert(p.ap_reference.clone());
                }
            }
            for (_, d) in &errors.docs {
                if let Document::PostingError(e) = d {
                    invoice_refs.insert(e.ap_reference.clone());
                }
            }
            for (_, d) in &instructions.docs {
                if let Document::PaymentInstruction(i) = d {
                    payees.insert(i.supplier_id.clone());
                }
            }
            invoice_refs.extend(steps.iter().map(|a| a.invoice_external_id.clone()));
            let (po_ids, payees) = (sorted(po_ids), sorted(payees));

            // Duplicates: keep the changed invoices' keys, then bring in every invoice that
            // shares a block with one of the affected ones.
            let (mut keys, mut removed) = (Vec::new(), Vec::new());
            for (conn, d) in &changed_posted {
                if let Document::PostedInvoice(p) = d {
                    match DuplicateKey::of(conn, p) {
                        Some(k) => keys.push(k),
                        None => removed.push((conn.clone(), p.id.clone())),
                    }
                }
            }
            let probes: Vec<DuplicateKey> = posted
                .docs
                .iter()
                .filter_map(|(conn, d)| match d {
                    Document::PostedInvoice(p) => DuplicateKey::of(conn, p),
                    _ => None,
                })
                .collect();
            let by_amount = domain::duplicate::blocks_by_amount(&policy.duplicates);
            let mut invoices = ap_changed;
            let known: HashSet<String> = invoices.iter().map(|i| i.provenance.external_id.clone()).collect();
            let missing: Vec<String> = sorted(invoice_refs)
                .into_iter()
                .filter(|r| !known.contains(r))
                .collect();
            // The keys are written beside the reads: the neighbours leave the probes (the changed
            // invoices, whose keys these are) out.
            let ap_connection = ap_connection(db).await?;
            let (orders_of, receipts, payee_masters, bank_changes, (), neighbours, entities, more) = tokio::try_join!(
                store::source_records::by_ids(db, "purchase_orders", &po_ids),
                store::source_records::linked(db, Link::ReceiptsByOrder, &po_ids),
                store::source_records::by_ids(db, "supplier_masters", &payees),
                store::source_records::linked(db, Link::BankChangesBySupplier, &payees),
                store::duplicate_keys::put(db, &keys, &removed),
                store::duplicate_keys::neighbours(db, &probes, by_amount),
                store::entities::list(db),
                store::invoices::headers_of(db, &missing),
            )?;
            for found in [orders_of, receipts, payee_masters, bank_changes] {
                context.add(found);
            }
            invoices.extend(more);

            let mut loaded = Loaded {
                ap_connection,
                entities,
                suppliers: ap_suppliers,
                ..Loaded::default()
            };
            let mut all = posted;
            all.add(neighbours);
            for r in [errors, instructions, masters, context] {
                all.add(r.docs);
            }
            loaded.docs = all.docs;
            loaded.invoices = invoices;
            loaded.approvals = steps;

            let s = loaded.snapshot(now, self.approval_policy.sla_business_days);
            let derived: Vec<_> = rules::derive_records(&s, &policy)
                .into_iter()
                .filter(|r| r.anchors.iter().any(|a| affected.contains(a)))
                .collect();
            let open = derived.len();
            let anchors = sorted(affected);
            let (stored, scope) = {
                let ids: Vec<&str> = derived.iter().map(|r| r.id.as_str()).collect();
                store::exceptions::stored_around(db, &ids, &anchors, &rules::INCREMENTAL).await?
            };
            let changes = exception::plan(&stored, derived, |id| scope.contains(id));
            let applied = store::exceptions::apply(db, &changes, &policy, now).await?;
            let millis = started.elapsed().as_millis();
            store::exceptions::record_run(
                db,
                &Run {
                    started: now,
                    watermark,
                    millis: millis as i64,
                    applied,
                    full: false,
                },
            )
            .await?;
            info!(
                records = anchors.len(),
                raised = applied.raised,
                updated = applied.updated,
                resolved = applied.resolved,
                millis,
                "exceptions re-derived around the changes"
            );
            Ok(Derivation {
                applied,
                open,
                millis,
                full: false,
            })
        }
        .instrument(span)
        .await
    }
}
