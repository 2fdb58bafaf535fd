//! People's decisions reach the source exactly once, through outages and crashes, and a refusal
//! by the source stays visible with its reason.

mod common;

use common::{decidable, world, CONN};
use domain::Decision;
use sandbox::Faults;
use store::approval_queue::{QueueFilter, QueueRequest, SortKey};
use store::outbox::ActionStatus;
use sync::SyncError;

#[tokio::test]
async fn a_decision_sent_through_two_503s_is_applied_exactly_once() {
    let w = world(21).await;
    w.engine.sync_all().await.unwrap();
    let (approval, approver) = decidable(&w);
    let action = w
        .engine
        .decide(&approver, CONN, &approval, Decision::Approve, None)
        .await
        .unwrap();
    assert_eq!(action.status, ActionStatus::Queued);

    w.sandbox.set_faults(Faults {
        fail_next: vec![503, 503],
        ..Default::default()
    });
    let report = w.engine.deliver_outbox().await.unwrap();
    assert_eq!(report.delivered, 1);
    let applied: Vec<_> = w
        .sandbox
        .decisions()
        .into_iter()
        .filter(|d| d.approval_id == approval)
        .collect();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].idempotency_key, action.idempotency_key);
    assert_eq!(applied[0].decision, "approve");

    // The answer is mirrored at once: the step is approved and leaves the queue.
    let step = store::approvals::get(&w.store, CONN, &approval).await.unwrap().unwrap();
    assert_eq!(step.status.as_str(), "approved");
    // Nothing is due any more; delivering again sends nothing.
    assert_eq!(w.engine.deliver_outbox().await.unwrap().delivered, 0);
    assert_eq!(w.sandbox.decisions().len(), 1);

    // The audit trail holds the person's action and the source's answer, chained.
    let events = store::audit::all(&w.store).await.unwrap();
    let actions: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.actor_id.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            (approver.as_str(), "approval_decision.queued"),
            ("source:ap-test", "approval_decision.applied")
        ]
    );
    assert!(events[0]
        .before
        .as_deref()
        .unwrap()
        .contains("\"approval_status\":\"pending\""));
    assert!(events[1].after.as_deref().unwrap().contains("\"status\":\"approved\""));
    assert!(store::audit::verify(&w.store).await.unwrap().1.is_empty());
}

#[tokio::test]
async fn a_crash_after_sending_resends_with_the_same_key_and_the_source_applies_it_once() {
    let w = world(22).await;
    w.engine.sync_all().await.unwrap();
    let (approval, approver) = decidable(&w);
    let action = w
        .engine
        .decide(&approver, CONN, &approval, Decision::Approve, None)
        .await
        .unwrap();
    w.engine.deliver_outbox().await.unwrap();
    // Simulate a process that died after the source applied the action but before the outbox
    // recorded it: the row is back to "delivering".
    sqlx::query("UPDATE outbox SET status = 'delivering', delivered_at = NULL WHERE id = ?")
        .bind(&action.id)
        .execute(w.store.writer())
        .await
        .unwrap();
    let report = w.engine.deliver_outbox().await.unwrap();
    assert_eq!(report.delivered, 1, "re-sent and acknowledged");
    assert_eq!(w.sandbox.decisions().len(), 1, "the source applied it once");
    let stored = store::outbox::get(&w.store, &action.id).await.unwrap().unwrap();
    assert_eq!(stored.status, ActionStatus::Delivered);
    assert_eq!(stored.attempts, 2);
}

#[tokio::test]
async fn an_outage_longer_than_the_policy_keeps_the_action_for_later() {
    let w = world(23).await;
    w.engine.sync_all().await.unwrap();
    let (approval, approver) = decidable(&w);
    let action = w
        .engine
        .decide(&approver, CONN, &approval, Decision::Approve, None)
        .await
        .unwrap();
    w.sandbox.set_faults(Faults {
        fail_next: vec![503; 4],
        ..Default::default()
    });
    let report = w.engine.deliver_outbox().await.unwrap();
    assert_eq!(report.retrying, 1);
    let stored = store::outbox::get(&w.store, &action.id).await.unwrap().unwrap();
    assert_eq!(stored.status, ActionStatus::Queued);
    assert!(stored.last_error.unwrap().contains("503"));
    assert!(w.sandbox.decisions().is_empty());
    // Once due again, it goes through.
    sqlx::query("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z' WHERE id = ?")
        .bind(&action.id)
        .execute(w.store.writer())
        .await
        .unwrap();
    assert_eq!(w.engine.deliver_outbox().await.unwrap().delivered, 1);
    assert_eq!(w.sandbox.decisions().len(), 1);
}

#[tokio::test]
async fn a_stale_version_is_refused_by_the_source_and_stays_in_the_queue_with_the_reason() {
    let w = world(24).await;
    w.engine.sync_all().await.unwrap();
    let (approval, approver) = decidable(&w);
    let action = w
        .engine
        .decide(
            &approver,
            CONN,
            &approval,
            Decision::Reject,
            Some("price differs from PO"),
        )
        .await
        .unwrap();
    assert!(
        w.sandbox.touch_approval(&approval),
        "someone changes the step at the source"
    );
    let report = w.engine.deliver_outbox().await.unwrap();
    assert_eq!(report.refused, 1);
    assert!(w.sandbox.decisions().is_empty(), "nothing was overwritten");
    let stored = store::outbox::get(&w.store, &action.id).await.unwrap().unwrap();
    assert_eq!(stored.status, ActionStatus::Refused);
    assert_eq!(stored.source_status, Some(409));
    assert!(stored
        .source_message
        .clone()
        .unwrap()
        .contains("changed since you saw it"));

    let page = store::approval_queue::page(
        &w.store,
        &QueueRequest {
            approvers: vec![approver.clone()],
            filter: QueueFilter::default(),
            sort: SortKey::DueDate,
            descending: false,
            after: None,
            limit: 500,
        },
    )
    .await
    .unwrap();
    let row = page
        .rows
        .iter()
        .find(|r| r.approval_id == approval)
        .expect("still in the queue");
    let pending = row.pending_action.as_ref().unwrap();
    assert_eq!(pending.status, "refused");
    assert_eq!(pending.decision, "reject");
    assert!(pending
        .source_message
        .as_deref()
        .unwrap()
        .contains("changed since you saw it"));

    // Dismissing clears the marker; the step (still pending at the source) stays to be decided.
    store::outbox::dismiss(&w.store, &action.id, &approver, chrono::Utc::now())
        .await
        .unwrap();
    w.engine.sync_all().await.unwrap();
    let again = w
        .engine
        .decide(&approver, CONN, &approval, Decision::Approve, None)
        .await
        .unwrap();
    assert_eq!(w.engine.deliver_outbox().await.unwrap().delivered, 1);
    assert_eq!(w.sandbox.decisions()[0].idempotency_key, again.idempotency_key);
}

#[tokio::test]
async fn controls_refuse_before_anything_is_queued() {
    let w = world(25).await;
    w.engine.sync_all().await.unwrap();
    let snap = w.sandbox.snapshot();
    let (approval, approver) = decidable(&w);
    // Someone else's step.
    let other = snap.users.iter().find(|u| u.id != approver).unwrap().id.clone();
    let err = w
        .engine
        .decide(&other, CONN, &approval, Decision::Approve, None)
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Refused(_)), "{err}");
    // A rejection without a reason.
    let err = w
        .engine
        .decide(&approver, CONN, &approval, Decision::Reject, Some(" "))
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Refused(_)), "{err}");
    // Their own invoice: segregation of duties.
    let own = snap.approvals.iter().find(|a| {
        a.status == "pending"
            && snap
                .invoices
                .iter()
                .any(|i| i.id == a.invoice_id && i.created_by.as_deref() == Some(&a.approver_id))
    });
    let own = own.expect("the generator makes some approvers key their own invoices");
    let err = w
        .engine
        .decide(&own.approver_id, CONN, &own.id, Decision::Approve, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("segregation of duties"), "{err}");
    // A double key press queues one action.
    w.engine
        .decide(&approver, CONN, &approval, Decision::Approve, None)
        .await
        .unwrap();
    let err = w
        .engine
        .decide(&approver, CONN, &approval, Decision::Approve, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already queued"), "{err}");
    assert_eq!(store::outbox::counts(&w.store).await.unwrap().pending, 1);
}

#[tokio::test]
async fn a_source_that_keeps_failing_opens_the_circuit() {
    let w = world(26).await;
    w.sandbox.set_faults(Faults {
        fail_next: vec![503; 40],
        ..Default::default()
    });
    for _ in 0..5 {
        let r = w.engine.sync_all().await.unwrap();
        assert!(r[0].outcome.error.as_deref().unwrap().contains("503"));
    }
    assert_eq!(w.engine.circuit(CONN).0, connect::circuit::CircuitState::Open);
    // While open, the source is not called at all.
    let skipped = w.engine.sync_all().await.unwrap();
    assert!(
        skipped[0].outcome.error.as_deref().unwrap().contains("circuit open"),
        "{:?}",
        skipped[0].outcome
    );
    assert_eq!(skipped[0].run_id, 0);
}

#[tokio::test]
async fn a_hold_placed_by_an_ap_clerk_reaches_the_source_once_and_controls_refuse_the_rest() {
    let w = world(27).await;
    w.engine.sync_all().await.unwrap();
    let snap = w.sandbox.snapshot();
    let clerk = snap.users.iter().find(|u| u.roles == ["ap_clerk"]).unwrap().id.clone();
    let approver = snap.users.iter().find(|u| u.roles == ["approver"]).unwrap().id.clone();
    let supplier = snap.suppliers.iter().find(|s| !s.on_hold).unwrap().clone();

    // Only AP clerks place holds, and a hold needs a reason: refused before anything is queued.
    let err = w
        .engine
        .set_supplier_hold(&approver, CONN, &supplier.id, true, Some("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Forbidden(_)), "{err}");
    let err = w
        .engine
        .set_supplier_hold(&clerk, CONN, &supplier.id, true, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("needs a reason"), "{err}");
    let err = w
        .engine
        .set_supplier_hold(&clerk, CONN, &supplier.id, false, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not on hold"), "{err}");
    assert_eq!(store::outbox::counts(&w.store).await.unwrap().pending, 0);

    // Delivered through two outages, applied once, mirrored at once.
    let action = w
        .engine
        .set_supplier_hold(&clerk, CONN, &supplier.id, true, Some("bank details under review"))
        .await
        .unwrap();
    w.sandbox.set_faults(Faults {
        fail_next: vec![503, 503],
        ..Default::default()
    });
    assert_eq!(w.engine.deliver_outbox().await.unwrap().delivered, 1);
    let holds = w.sandbox.holds();
    assert_eq!(holds.len(), 1);
    assert_eq!(
        (holds[0].supplier_id.as_str(), holds[0].on_hold),
        (supplier.id.as_str(), true)
    );
    assert_eq!(holds[0].idempotency_key, action.idempotency_key);
    let mirrored = store::suppliers::all(&w.store)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.provenance.external_id == supplier.id)
        .unwrap();
    assert!(mirrored.on_hold);

    // A release decided on a version that changed meanwhile is refused by the source, not forced.
    let release = w
        .engine
        .set_supplier_hold(&clerk, CONN, &supplier.id, false, None)
        .await
        .unwrap();
    assert!(w.sandbox.touch_supplier(&supplier.id));
    assert_eq!(w.engine.deliver_outbox().await.unwrap().refused, 1);
    let stored = store::outbox::get(&w.store, &release.id).await.unwrap().unwrap();
    assert_eq!(stored.source_status, Some(409));
    assert_eq!(w.sandbox.holds().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_delivers_a_queued_action_while_a_sync_waits_on_a_silent_source() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    let w = world(29).await;
    w.engine.sync_all().await.unwrap();
    // A second source that takes connections and never answers: a sync of it waits out the
    // whole request timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    store::connections::save(
        &w.store,
        &store::connections::Connection {
            id: "ap-silent".into(),
            kind: "ap".into(),
            name: "A silent AP".into(),
            base_url: format!("http://{addr}"),
            secret_ref: w.secret_ref.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let engine = w.engine.clone().with_policy(connect::HttpPolicy {
        timeout: Duration::from_secs(60),
        max_attempts: 1,
        ..common::fast_policy()
    });
    let wake = Arc::new(tokio::sync::Notify::new());
    let (_webhooks, notices) = tokio::sync::mpsc::channel(1);
    let runner = tokio::spawn(sync::runner::run(
        engine.clone(),
        Duration::from_secs(15),
        wake.clone(),
        notices,
        |_| {},
    ));
    // The runner is now inside its sync, held by the silent source.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (approval, approver) = decidable(&w);
    engine
        .decide(&approver, CONN, &approval, Decision::Approve, None)
        .await
        .unwrap();
    let queued = Instant::now();
    wake.notify_one();
    while !w.sandbox.decisions().iter().any(|d| d.approval_id == approval) {
        assert!(
            queued.elapsed() < Duration::from_secs(10),
            "the action waited behind the sync"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    runner.abort();
}
