//! The approval policy enforced in the backend against the real estate: limits, out-of-office
//! delegation, handing a step on, bulk approval within its limit, and payment-run approval with
//! segregation of duties (preparer, bank-detail changes).

mod common;

use chrono::{Duration, Utc};
use common::estate::{setup, Setup};
use domain::approval_policy::{ApprovalPolicy, Delegation, Limit};
use domain::{Decision, Document};
use sandbox::wire::ApprovalStep;

fn pending(s: &Setup) -> Vec<ApprovalStep> {
    s.estate
        .ap
        .snapshot()
        .approvals
        .into_iter()
        .filter(|a| a.status == "pending")
        .collect()
}

fn step(s: &Setup, id: &str) -> ApprovalStep {
    s.estate
        .ap
        .snapshot()
        .approvals
        .into_iter()
        .find(|a| a.id == id)
        .unwrap()
}

fn approver_not(s: &Setup, not: &[&str]) -> String {
    s.estate
        .ap
        .snapshot()
        .users
        .into_iter()
        .find(|u| u.roles.iter().any(|r| r == "approver") && !not.contains(&u.id.as_str()))
        .map(|u| u.id)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_delegation_and_handing_on_are_enforced_and_reach_the_ap_system() {
    let mut s = setup(3, 400).await;
    s.engine.sync_all().await.unwrap();
    let ap = s
        .estate
        .systems()
        .into_iter()
        .find(|x| x.kind == sandbox::SystemKind::Ap)
        .unwrap()
        .id;
    let first = pending(&s).into_iter().next().unwrap();
    let owner = first.approver_id.clone();
    let invoice = store::invoices::get(&s.store, &ap, &first.invoice_id)
        .await
        .unwrap()
        .unwrap();
    let stand_in = approver_not(
        &s,
        &[
            &owner,
            invoice.created_by.as_deref().unwrap_or(""),
            invoice.coded_by.as_deref().unwrap_or(""),
        ],
    );
    let today = Utc::now().date_naive();
    s.engine = s.engine.clone().with_approval_policy(ApprovalPolicy {
        limits: vec![Limit {
            user: owner.clone(),
            currency: invoice.total.currency().to_string(),
            max: invoice.total.amount() - rust_decimal::Decimal::new(1, 2),
        }],
        delegations: vec![Delegation {
            from: owner.clone(),
            to: stand_in.clone(),
            start: today - Duration::days(1),
            end: today + Duration::days(5),
            reason: "annual leave".into(),
        }],
        ..ApprovalPolicy::default()
    });

    // One cent over the owner's limit: refused with the limit named, nothing queued.
    let over = s
        .engine
        .decide(&owner, &ap, &first.id, Decision::Approve, None)
        .await
        .unwrap_err();
    assert!(over.to_string().contains("approval limit"), "{over}");
    assert!(store::outbox::latest_for(&s.store, &ap, &first.id)
        .await
        .unwrap()
        .is_none());

    // The stand-in sees the owner's steps in their queue and approves on the owner's behalf.
    let approvers = s.engine.approvers_for(&stand_in, today);
    assert_eq!(approvers, [stand_in.clone(), owner.clone()]);
    s.engine
        .decide(&stand_in, &ap, &first.id, Decision::Approve, None)
        .await
        .unwrap();
    let d = s.engine.deliver_outbox().await.unwrap();
    assert_eq!(d.delivered, 1, "{d:?}");
    let decided = step(&s, &first.id);
    assert_eq!(decided.status, "approved");
    assert_eq!(decided.decided_by.as_deref(), Some(stand_in.as_str()));

    // Someone with no delegation still cannot decide the owner's steps.
    let other = pending(&s).into_iter().find(|a| a.approver_id == owner).unwrap();
    let outsider = approver_not(&s, &[&owner, &stand_in]);
    assert!(s
        .engine
        .decide(&outsider, &ap, &other.id, Decision::Approve, None)
        .await
        .is_err());

    // Handing a step on: to an approver who did not key or code it; it arrives with them.
    let inv = store::invoices::get(&s.store, &ap, &other.invoice_id)
        .await
        .unwrap()
        .unwrap();
    let to = approver_not(
        &s,
        &[
            &owner,
            inv.created_by.as_deref().unwrap_or(""),
            inv.coded_by.as_deref().unwrap_or(""),
        ],
    );
    if let Some(creator) = inv.created_by.as_deref().filter(|c| *c != owner) {
        assert!(s
            .engine
            .delegate_step(&owner, &ap, &other.id, creator, None)
            .await
            .is_err());
    }
    s.engine
        .delegate_step(&owner, &ap, &other.id, &to, Some("my backlog"))
        .await
        .unwrap();
    s.engine.deliver_outbox().await.unwrap();
    let moved = step(&s, &other.id);
    assert_eq!(
        (moved.status.as_str(), moved.approver_id.as_str()),
        ("pending", to.as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_approval_takes_small_items_and_explains_each_refusal() {
    let mut s = setup(3, 400).await;
    s.engine.sync_all().await.unwrap();
    let ap = s
        .estate
        .systems()
        .into_iter()
        .find(|x| x.kind == sandbox::SystemKind::Ap)
        .unwrap()
        .id;
    let invoices = store::invoices::all(&s.store).await.unwrap();
    let amount = |a: &ApprovalStep| {
        invoices
            .iter()
            .find(|i| i.provenance.external_id == a.invoice_id)
            .unwrap()
            .total
    };
    // One approver's pending steps, with a bulk limit that lets some through and not others.
    let mut steps = pending(&s);
    let approver = steps[0].approver_id.clone();
    steps.retain(|a| a.approver_id == approver);
    steps.sort_by_key(|a| amount(a).amount());
    assert!(steps.len() >= 3, "{steps:?}");
    let cut = amount(&steps[steps.len() / 2]);
    s.engine = s.engine.clone().with_approval_policy(ApprovalPolicy {
        bulk_max: [(cut.currency().to_string(), cut.amount().to_string())]
            .into_iter()
            .collect(),
        ..ApprovalPolicy::default()
    });
    let items: Vec<(String, String)> = steps.iter().map(|a| (ap.clone(), a.id.clone())).collect();
    let out = s.engine.approve_bulk(&approver, &items).await.unwrap();
    for (o, a) in out.iter().zip(&steps) {
        let small = amount(a).amount() <= cut.amount() && amount(a).currency() == cut.currency();
        let created = invoices
            .iter()
            .find(|i| i.provenance.external_id == a.invoice_id)
            .is_some_and(|i| {
                i.created_by.as_deref() == Some(approver.as_str()) || i.coded_by.as_deref() == Some(approver.as_str())
            });
        match &o.result {
            Ok(_) => assert!(small && !created, "{} approved in bulk at {}", a.id, amount(a)),
            Err(why) if !small => assert!(why.contains("bulk approval"), "{why}"),
            Err(why) => assert!(created, "{} refused: {why}", a.id),
        }
    }
    assert!(out.iter().any(|o| o.result.is_ok()));
    assert!(out.iter().any(|o| o.result.is_err()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_run_is_not_approved_by_its_preparer_or_whoever_changed_a_payees_bank_details() {
    let s = setup(3, 3000).await;
    s.engine.sync_all().await.unwrap();
    let runs: Vec<_> = store::source_records::list(&s.store, "payment_runs")
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(_, d)| match d {
            Document::PaymentRun(r) if r.status == "draft" => Some(r),
            _ => None,
        })
        .collect();
    let run = runs.first().expect("a draft run").clone();
    let preparer = run.created_by.clone();
    let err = s.engine.approve_payment_run(&preparer, &run.id).await.unwrap_err();
    assert!(err.to_string().contains("prepared this run"), "{err}");

    // Someone who changed the bank details of a payee in this run, recently.
    let payee = store::source_records::list(&s.store, "payment_instructions")
        .await
        .unwrap()
        .into_iter()
        .find_map(|(_, d)| match d {
            Document::PaymentInstruction(i) if i.run_id == run.id => Some(i.supplier_id),
            _ => None,
        })
        .unwrap();
    let approver = approver_not(&s, &[&preparer]);
    let change = Document::BankAccountChange(domain::erp::BankAccountChange {
        id: "BAC-TEST-1".into(),
        supplier_id: payee.clone(),
        old_iban: "DE89370400440532013000".into(),
        new_iban: "DE02120300000000202051".into(),
        changed_by: approver.clone(),
        changed_at: Utc::now() - Duration::days(2),
        version: 1,
        modified_at: Utc::now(),
    });
    let mut tx = s.store.begin().await.unwrap();
    store::source_records::upsert_batch(&mut tx, "erp-a", &[&change], Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let err = s.engine.approve_payment_run(&approver, &run.id).await.unwrap_err();
    assert!(err.to_string().contains("bank details"), "{err}");

    let clean = approver_not(&s, &[&preparer, &approver]);
    s.engine.approve_payment_run(&clean, &run.id).await.unwrap();
    let d = s.engine.deliver_outbox().await.unwrap();
    assert_eq!(d.delivered, 1, "{d:?}");
    let Some(Document::PaymentRun(after)) = s.estate.document("treasury", "payment_runs", &run.id) else {
        panic!()
    };
    assert_ne!(after.status, "draft");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_past_the_sla_escalate_to_the_named_approver_once() {
    let mut s = setup(3, 300).await;
    s.engine.sync_all().await.unwrap();
    let to = approver_not(&s, &[]);
    s.engine = s.engine.clone().with_approval_policy(ApprovalPolicy {
        sla_business_days: 10,
        escalate_to: Some(to.clone()),
        ..ApprovalPolicy::default()
    });
    let overdue = store::approvals::overdue(&s.store, 10, 1000).await.unwrap();
    assert!(!overdue.is_empty());
    let queued = s.engine.escalate_overdue().await.unwrap();
    // The escalation approver's own steps and invoices they keyed or coded stay where they are.
    let eligible = overdue
        .iter()
        .filter(|o| o.approver_id != to && o.created_by.as_deref() != Some(&to) && o.coded_by.as_deref() != Some(&to))
        .count();
    assert_eq!(queued, eligible.min(200));
    // Asked again before delivery: nothing twice.
    assert_eq!(s.engine.escalate_overdue().await.unwrap(), 0);
    let d = s.engine.deliver_outbox().await.unwrap();
    assert_eq!(d.delivered, queued, "{d:?}");
    let moved = overdue
        .iter()
        .find(|o| o.approver_id != to && o.created_by.as_deref() != Some(&to) && o.coded_by.as_deref() != Some(&to))
        .unwrap();
    let now = step(&s, &moved.approval_id);
    assert_eq!(
        (now.status.as_str(), now.approver_id.as_str()),
        ("pending", to.as_str())
    );
    assert!(now.comment.unwrap_or_default().contains("escalated"));
}
