//! Exceptions raised from a real mirror of the whole estate, resolved through the outbox at the
//! source, and closed by the next derivation because the source no longer shows the condition.

mod common;

use chrono::{DateTime, Utc};
use common::estate::{setup, Setup};
use domain::exception::{ActionKind, Kind, Status};
use sync::resolve::{Resolution, Resolved};

fn now() -> DateTime<Utc> {
    "2026-11-20T12:00:00Z".parse().unwrap()
}

fn user_with(s: &Setup, role: &str) -> String {
    s.estate
        .ap
        .snapshot()
        .users
        .iter()
        .find(|u| u.roles == [role])
        .map(|u| u.id.clone())
        .unwrap()
}

async fn open_of(s: &Setup, kind: Kind) -> Vec<store::exceptions::Row> {
    store::exceptions::page(
        &s.store,
        &store::exceptions::Request {
            filter: store::exceptions::Filter {
                kind: Some(kind.as_str().into()),
                ..Default::default()
            },
            sort: store::exceptions::SortKey::Amount,
            descending: true,
            after: None,
            limit: 500,
            now: now(),
        },
    )
    .await
    .unwrap()
    .rows
}

fn resolution(action: ActionKind, reason: Option<&str>) -> Resolution {
    Resolution {
        action,
        reason: reason.map(str::to_string),
        corrected_iban: None,
    }
}

/// Delivers the outbox, syncs every system and derives again around what changed, as the app's
/// runner does after a sync.
async fn round_trip(s: &Setup) -> sync::exceptions::Derivation {
    let delivered = s.engine.deliver_outbox().await.unwrap();
    assert_eq!(delivered.refused, 0, "{delivered:?}");
    s.engine.sync_all().await.unwrap();
    let d = s.engine.derive_exception_changes(now()).await.unwrap();
    assert!(!d.full, "a full pass ran before, so this one is incremental");
    d
}

/// The stored state of the kinds the incremental pass owns: id, status, fingerprint.
async fn incremental_state(s: &Setup) -> Vec<(String, String, String)> {
    let kinds: Vec<&str> = domain::exception::rules::INCREMENTAL
        .iter()
        .map(|k| k.as_str())
        .collect();
    let mut rows: Vec<_> = store::exceptions::stored(&s.store)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| kinds.contains(&e.id.split(':').next().unwrap()))
        .map(|e| (e.id, format!("{:?}", e.status), e.fingerprint))
        .collect();
    rows.sort();
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rules_raise_each_kind_once_and_a_second_derivation_changes_nothing() {
    let s = setup(11, 3000).await;
    s.engine.sync_all().await.unwrap();
    let first = s.engine.derive_exceptions(now()).await.unwrap();
    assert!(first.applied.raised > 0);
    for kind in [
        Kind::PriceVariance,
        Kind::QuantityVariance,
        Kind::MissingReceipt,
        Kind::PostingFailed,
        Kind::BankRejection,
        Kind::BankDetailsChanged,
        Kind::PaymentUnconfirmed,
        Kind::SuspectedDuplicate,
        Kind::SupplierOnHold,
        Kind::ApprovalOverdue,
        Kind::CloseTaskLate,
    ] {
        assert!(!open_of(&s, kind).await.is_empty(), "no {kind:?} raised");
    }
    // Owner queues follow the kind.
    let rejection = &open_of(&s, Kind::BankRejection).await[0];
    assert_eq!(rejection.queue, "ap_clerk");
    assert!(rejection.amount.is_some());
    let detail = store::exceptions::get(&s.store, &rejection.id, now())
        .await
        .unwrap()
        .unwrap();
    // The notes carry what the bank's reason code asks of people.
    let reason = &detail
        .evidence
        .rows
        .iter()
        .find(|r| r.label == "Reason")
        .unwrap()
        .values[0];
    assert!(
        detail
            .evidence
            .notes
            .contains(&domain::treasury::remediation(reason).to_string()),
        "{:?}",
        detail.evidence
    );
    let again = s.engine.derive_exceptions(now()).await.unwrap();
    assert_eq!(again.applied, Default::default(), "nothing changed, nothing to apply");
    assert_eq!(again.open, first.open);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_a_price_variance_goes_to_the_erp_once_and_closes_the_exception() {
    let s = setup(11, 3000).await;
    s.engine.sync_all().await.unwrap();
    s.engine.derive_exceptions(now()).await.unwrap();
    let variance = open_of(&s, Kind::PriceVariance).await.remove(0);
    let clerk = user_with(&s, "ap_clerk");
    let approver = user_with(&s, "approver");

    // Controls in the backend: the queue's role, the kind's actions, a reason where owed.
    assert!(matches!(
        s.engine
            .resolve_exception(&approver, &variance.id, &resolution(ActionKind::AcceptVariance, None))
            .await,
        Err(sync::SyncError::Forbidden(_))
    ));
    assert!(matches!(
        s.engine
            .resolve_exception(&clerk, &variance.id, &resolution(ActionKind::NotDuplicate, Some("x")))
            .await,
        Err(sync::SyncError::Invalid(_))
    ));
    assert!(matches!(
        s.engine
            .resolve_exception(&clerk, &variance.id, &resolution(ActionKind::Override, Some("  ")))
            .await,
        Err(sync::SyncError::Invalid(_))
    ));

    let queued = s
        .engine
        .resolve_exception(&clerk, &variance.id, &resolution(ActionKind::AcceptVariance, None))
        .await
        .unwrap();
    assert!(matches!(queued, Resolved::Queued { .. }));
    // A second press while the first is on its way queues nothing.
    assert!(s
        .engine
        .resolve_exception(&clerk, &variance.id, &resolution(ActionKind::AcceptVariance, None))
        .await
        .is_err());
    let d = round_trip(&s).await;
    assert!(d.applied.resolved >= 1, "{d:?}");

    let after = store::exceptions::get(&s.store, &variance.id, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.row.status, Status::Resolved);
    let events: Vec<&str> = after.history.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events, ["raised", "action", "resolved"]);
    assert_eq!(after.history[1].actor_id.as_deref(), Some(clerk.as_str()));

    let subject = after.subject.unwrap();
    let writes = s.estate.writes(&subject.connection_id);
    assert_eq!(
        writes.iter().filter(|w| w.id == subject.external_id).count(),
        1,
        "{writes:?}"
    );
    let Some(domain::Document::PostedInvoice(p)) =
        s.estate
            .document(&subject.connection_id, "posted_invoices", &subject.external_id)
    else {
        panic!("the ERP lost the invoice")
    };
    assert_eq!(p.status, "variance_accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resubmitted_posting_and_a_corrected_payment_clear_at_the_source() {
    let s = setup(11, 3000).await;
    s.engine.sync_all().await.unwrap();
    s.engine.derive_exceptions(now()).await.unwrap();
    let clerk = user_with(&s, "ap_clerk");
    let posting = open_of(&s, Kind::PostingFailed).await.remove(0);
    let rejection = open_of(&s, Kind::BankRejection).await.remove(0);
    s.engine
        .resolve_exception(&clerk, &posting.id, &resolution(ActionKind::ResubmitPosting, None))
        .await
        .unwrap();
    // A correction that is not an IBAN is refused before anything is queued.
    let bad = Resolution {
        corrected_iban: Some("DE00 1234".into()),
        ..resolution(ActionKind::CorrectAndResend, None)
    };
    assert!(matches!(
        s.engine.resolve_exception(&clerk, &rejection.id, &bad).await,
        Err(sync::SyncError::Invalid(_))
    ));
    s.engine
        .resolve_exception(&clerk, &rejection.id, &resolution(ActionKind::CorrectAndResend, None))
        .await
        .unwrap();
    round_trip(&s).await;
    for id in [&posting.id, &rejection.id] {
        let e = store::exceptions::get(&s.store, id, now()).await.unwrap().unwrap();
        assert_eq!(e.row.status, Status::Resolved, "{id}: {:?}", e.history);
    }
    // An override is the tower's own decision: logged with its reason, in the audit chain.
    let overdue = open_of(&s, Kind::ApprovalOverdue).await.remove(0);
    let approver_queue = user_with(&s, "approver");
    let r = s
        .engine
        .resolve_exception(
            &approver_queue,
            &overdue.id,
            &resolution(ActionKind::Override, Some("approver on leave, escalated by phone")),
        )
        .await
        .unwrap();
    assert_eq!(r, Resolved::Overridden);
    let e = store::exceptions::get(&s.store, &overdue.id, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.row.status, Status::Overridden);
    assert!(e.history.last().unwrap().detail.contains("approver on leave"));
    let audit = store::audit::all(&s.store).await.unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "exception.override" && a.object_id == overdue.id));
    // Still overridden after the next derivation, while its condition lasts.
    s.engine.derive_exceptions(now()).await.unwrap();
    let e = store::exceptions::get(&s.store, &overdue.id, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.row.status, Status::Overridden);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intercompany_documents_the_entities_book_differently_are_raised_for_controllers() {
    let s = setup(11, 200).await;
    s.engine.sync_all().await.unwrap();
    sync::reconcile::seed_demo(&s.store, 11, now()).await.unwrap();
    s.engine.derive_exceptions(now()).await.unwrap();
    let ic = open_of(&s, Kind::IntercompanyMismatch).await;
    assert!(!ic.is_empty());
    for e in &ic {
        assert_eq!(e.queue, "controller");
        assert!(e.summary.contains('↔'), "{}", e.summary);
    }
    // Each mismatch by document, with both sides' bookings as evidence.
    let d = store::exceptions::get(&s.store, &ic[0].id, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.evidence.columns.len(), 2);
    assert!(d.evidence.rows[0].differs, "{:?}", d.evidence);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_changes_at_the_sources_the_incremental_pass_leaves_the_queue_as_a_full_pass_would() {
    use domain::Document;
    let s = setup(11, 3000).await;
    s.engine.sync_all().await.unwrap();
    s.engine.derive_exceptions(now()).await.unwrap();
    let status = |id: String| {
        let store = s.store.clone();
        async move {
            store::exceptions::get(&store, &id, now())
                .await
                .unwrap()
                .map(|e| e.row.status)
        }
    };

    // A price variance cleared at its purchase order: the order's prices now are the invoice's.
    let variance = open_of(&s, Kind::PriceVariance).await.remove(0);
    let subject = store::exceptions::get(&s.store, &variance.id, now())
        .await
        .unwrap()
        .unwrap()
        .subject
        .unwrap();
    let Some(Document::PostedInvoice(inv)) =
        s.estate
            .document(&subject.connection_id, "posted_invoices", &subject.external_id)
    else {
        panic!("no invoice")
    };
    let po = inv.purchase_order_id.clone().unwrap();
    s.estate
        .change(&subject.connection_id, "purchase_orders", &po, |d| {
            if let Document::PurchaseOrder(p) = d {
                for l in &mut p.lines {
                    if let Some(il) = inv.lines.iter().find(|il| il.po_line_no == Some(l.line_no)) {
                        l.unit_price = il.unit_price;
                        l.amount = l.quantity * il.unit_price;
                    }
                }
            }
        })
        .unwrap();

    // A posting error fixed in the ERP.
    let posting = open_of(&s, Kind::PostingFailed).await.remove(0);
    let ps = store::exceptions::get(&s.store, &posting.id, now())
        .await
        .unwrap()
        .unwrap()
        .subject
        .unwrap();
    s.estate
        .change(&ps.connection_id, "posting_errors", &ps.external_id, |d| {
            if let Document::PostingError(e) = d {
                e.status = "resolved".into();
            }
        })
        .unwrap();

    // A settled payment the bank now rejects.
    let instructions = store::source_records::list(&s.store, "payment_instructions")
        .await
        .unwrap();
    let (tconn, settled) = instructions
        .iter()
        .find_map(|(c, d)| match d {
            Document::PaymentInstruction(i) if i.status == "ACSC" => Some((c.clone(), i.id.clone())),
            _ => None,
        })
        .unwrap();
    s.estate
        .change(&tconn, "payment_instructions", &settled, |d| {
            if let Document::PaymentInstruction(i) = d {
                i.status = "RJCT".into();
                i.reason = Some("AC04".into());
            }
        })
        .unwrap();

    // A second bill: one invoice takes another's supplier, number, date and amount.
    let posted = store::source_records::list(&s.store, "posted_invoices").await.unwrap();
    let mut open_posted = posted.iter().filter_map(|(c, d)| match d {
        Document::PostedInvoice(p) if p.status != "cancelled" && c == &subject.connection_id => Some(p),
        _ => None,
    });
    let original = open_posted.next().unwrap().clone();
    let copy = open_posted.find(|p| p.currency == original.currency).unwrap().clone();
    s.estate
        .change(&subject.connection_id, "posted_invoices", &copy.id, |d| {
            if let Document::PostedInvoice(p) = d {
                p.supplier_id = original.supplier_id.clone();
                p.invoice_number = original.invoice_number.clone();
                p.invoice_date = original.invoice_date;
                p.amount = original.amount;
            }
        })
        .unwrap();

    // A supplier blocked in the ERP but not in AP, and an AP invoice edited.
    let masters = store::source_records::list(&s.store, "supplier_masters").await.unwrap();
    let (mconn, master) = masters
        .iter()
        .find_map(|(c, d)| match d {
            Document::SupplierMaster(m) if !m.blocked => Some((c.clone(), m.id.clone())),
            _ => None,
        })
        .unwrap();
    s.estate
        .change(&mconn, "supplier_masters", &master, |d| {
            if let Document::SupplierMaster(m) = d {
                m.blocked = true;
            }
        })
        .unwrap();
    // An overdue approval decided in AP itself.
    let overdue = open_of(&s, Kind::ApprovalOverdue).await.remove(0);
    let (_, step) = overdue.id.rsplit_once(':').unwrap();
    let decided_invoice = s
        .estate
        .ap
        .snapshot()
        .approvals
        .iter()
        .find(|a| a.id == step)
        .map(|a| a.invoice_id.clone())
        .unwrap();
    assert!(s.estate.ap.change_approval(step, |a| {
        a.status = "approved".into();
        a.decided_by = Some(a.approver_id.clone());
        a.decided_at = Some(a.assigned_at.clone());
    }));

    // An AP invoice whose total is corrected in AP after the ERP posted it: the three systems
    // now disagree. (One no other change here leads to, so each change is found on its own path.)
    let others = [
        &inv.ap_reference,
        &original.ap_reference,
        &copy.ap_reference,
        &decided_invoice,
    ];
    let ap = s.estate.ap.snapshot();
    let (pconn, agreed, ap_invoice) = posted
        .iter()
        .rev()
        .find_map(|(c, d)| match d {
            Document::PostedInvoice(p) if p.status != "cancelled" && !others.contains(&&p.ap_reference) => ap
                .invoices
                .iter()
                .find(|i| i.id == p.ap_reference && i.total.parse::<rust_decimal::Decimal>() == Ok(p.amount))
                .map(|i| (c.clone(), p.id.clone(), i.id.clone())),
            _ => None,
        })
        .unwrap();
    let mismatch = format!("state_mismatch:{pconn}:{agreed}");
    assert_eq!(status(mismatch.clone()).await, None);
    assert!(s.estate.ap.change_invoice(&ap_invoice, |i| {
        // A freight line added in AP only.
        let total: rust_decimal::Decimal = i.total.parse().unwrap();
        i.total = (total + rust_decimal::Decimal::ONE).to_string();
        let mut freight = i.lines[0].clone();
        freight.line_no = i.lines.len() as i64 + 1;
        freight.description = "Freight".into();
        (freight.quantity, freight.unit_price, freight.amount) = ("1".into(), "1.00".into(), "1.00".into());
        i.lines.push(freight);
    }));

    s.engine.sync_all().await.unwrap();
    let d = s.engine.derive_exception_changes(now()).await.unwrap();
    assert!(!d.full);
    assert_eq!(status(variance.id.clone()).await, Some(Status::Resolved));
    assert_eq!(status(posting.id.clone()).await, Some(Status::Resolved));
    assert_eq!(
        status(format!("bank_rejection:{tconn}:{settled}")).await,
        Some(Status::Open)
    );
    let (a, b) = (
        format!("{}:{}", subject.connection_id, original.id),
        format!("{}:{}", subject.connection_id, copy.id),
    );
    let pair = if a < b { format!("{a}|{b}") } else { format!("{b}|{a}") };
    assert_eq!(status(format!("suspected_duplicate:{pair}")).await, Some(Status::Open));
    assert_eq!(
        status(format!("state_mismatch:{mconn}:supplier:{master}")).await,
        Some(Status::Open)
    );
    assert_eq!(status(overdue.id.clone()).await, Some(Status::Resolved));
    assert_eq!(status(mismatch).await, Some(Status::Open));

    // The full pass finds nothing the incremental one missed or got wrong.
    let incremental = incremental_state(&s).await;
    s.engine.derive_exceptions(now()).await.unwrap();
    assert_eq!(incremental, incremental_state(&s).await);
}
