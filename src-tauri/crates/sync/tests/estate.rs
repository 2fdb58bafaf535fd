//! The whole estate (AP, two OData ERPs behind OAuth2, the treasury platform) synced through
//! fault mode: every table of every system ends equal to its source, bank statements arrive from
//! the treasury, tokens are renewed, and ERP write-backs go through the outbox exactly once.

mod common;

use common::estate::{setup, Setup};

use sandbox::{Faults, SystemKind};

async fn assert_converged(s: &Setup) {
    for system in s.estate.systems() {
        let mirror = store::sync_log::checksums(&s.store, &system.id).await.unwrap();
        let source = s.estate.checksums(&system.id).unwrap();
        assert_eq!(mirror, source, "{} differs from its source", system.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faulty_estate_converges_to_every_source_and_statements_arrive_from_the_bank() {
    let s = setup(7, 800).await;
    s.estate.set_faults(Faults {
        per_mille: 200,
        stall_ms: Some(600),
        ..Default::default()
    });
    // Faults end runs early; each run resumes from its committed cursors.
    for _ in 0..40 {
        let reports = s.engine.sync_all().await.unwrap();
        if reports.iter().all(|r| r.outcome.error.is_none()) {
            break;
        }
    }
    s.estate.set_faults(Faults::default());
    // Fault mode really ran, with every kind of fault (the draws are seeded, so this is stable).
    let injected = s.estate.injected_faults();
    for kind in [
        "unavailable",
        "throttled",
        "stall",
        "reset",
        "malformed_record",
        "broken_page",
    ] {
        assert!(
            injected.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} injected: {injected:?}"
        );
    }
    // Records that were malformed on the wire wait in the dead letters; replaying fetches them again.
    for system in s.estate.systems() {
        for dl in store::sync_log::dead_letters(&s.store, Some(&system.id)).await.unwrap() {
            s.engine.replay_dead_letter(dl.id).await.unwrap();
        }
    }
    let reports = s.engine.sync_all().await.unwrap();
    assert!(reports.iter().all(|r| r.outcome.error.is_none()), "{reports:?}");
    assert_converged(&s).await;
    // Every statement the treasury announced is in the mirror, parsed from the bank's camt.053.
    let announced = store::source_records::ids(&s.store, "treasury", "statements")
        .await
        .unwrap();
    assert!(!announced.is_empty());
    let missing = store::source_records::unimported_statements(&s.store, "treasury")
        .await
        .unwrap();
    assert!(missing.is_empty(), "not imported: {missing:?}");
    let statements = store::bank_statements::list(s.store.reader(), None).await.unwrap();
    for id in &announced {
        assert!(
            statements.iter().any(|st| &st.statement_ref == id),
            "statement {id} is not in the mirror"
        );
    }
    // Nothing changes on a second pass.
    let again = s.engine.sync_all().await.unwrap();
    assert_eq!(again.iter().map(|r| r.outcome.changed).sum::<i64>(), 0);
    let kinds: Vec<SystemKind> = s.estate.systems().iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        [SystemKind::Ap, SystemKind::Erp, SystemKind::Erp, SystemKind::Treasury]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_renewed_and_a_change_at_the_erp_arrives() {
    let s = setup(11, 120).await;
    s.engine.sync_all().await.unwrap();
    let task = store::source_records::ids(&s.store, "erp-a", "close_tasks")
        .await
        .unwrap()[0]
        .clone();
    s.estate.change("erp-a", "close_tasks", &task, |d| {
        if let domain::Document::CloseTask(t) = d {
            t.note = Some("changed at the source".into());
        }
    });
    s.estate.expire_tokens("erp-a");
    let r = s.engine.sync_all().await.unwrap();
    assert!(r.iter().all(|r| r.outcome.error.is_none()), "{r:?}");
    let Some((_, domain::Document::CloseTask(t))) = store::source_records::get(&s.store, "close_tasks", &task)
        .await
        .unwrap()
    else {
        panic!("task {task} missing")
    };
    assert_eq!(t.note.as_deref(), Some("changed at the source"));
    assert_converged(&s).await;
}

/// A task of `status` whose owner is a plain AP clerk (not a controller).
fn task_in(s: &Setup, status: &str) -> domain::erp::CloseTask {
    let snapshot = s.estate.ap.snapshot();
    let clerks: Vec<String> = snapshot
        .users
        .iter()
        .filter(|u| u.roles == ["ap_clerk"])
        .map(|u| u.id.clone())
        .collect();
    for entity in ["DE01", "FR01"] {
        for key in ["BANKREC", "DEPR", "PREPAID", "INVVAL", "CUTOFF", "OPENPO"] {
            let id = format!("CT-{entity}-2026-11-{key}");
            if let Some(domain::Document::CloseTask(t)) = s.estate.document("erp-a", "close_tasks", &id) {
                if t.status == status && clerks.contains(&t.owner) {
                    return t;
                }
            }
        }
    }
    panic!("no task in status {status} owned by a clerk")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_task_moves_go_to_the_erp_once_through_outages_and_stale_versions_are_refused() {
    let s = setup(5, 120).await;
    s.engine.sync_all().await.unwrap();
    let task = task_in(&s, "not_started");
    // Another clerk may not start someone else's task: refused in the backend, nothing queued.
    let other = s
        .estate
        .ap
        .snapshot()
        .users
        .iter()
        .find(|u| u.roles == ["ap_clerk"] && u.id != task.owner)
        .map(|u| u.id.clone())
        .unwrap();
    assert!(matches!(
        s.engine.move_close_task(&other, &task.id, "in_progress", None).await,
        Err(sync::SyncError::Forbidden(_))
    ));
    let action = s
        .engine
        .move_close_task(&task.owner, &task.id, "in_progress", None)
        .await
        .unwrap();
    s.estate.set_faults(Faults {
        fail_next: vec![503, 503, 503, 503, 503, 503, 503],
        ..Default::default()
    });
    let first = s.engine.deliver_outbox().await.unwrap();
    assert_eq!(first.retrying, 1, "the outage outlasts the policy: {first:?}");
    s.estate.set_faults(Faults::default());
    sqlx::query("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z' WHERE id = ?")
        .bind(&action.id)
        .execute(s.store.writer())
        .await
        .unwrap();
    let second = s.engine.deliver_outbox().await.unwrap();
    assert_eq!(second.delivered, 1, "{second:?}");
    let writes = s.estate.writes("erp-a");
    assert_eq!(writes.iter().filter(|w| w.id == task.id).count(), 1, "{writes:?}");
    let Some(domain::Document::CloseTask(now)) = s.estate.document("erp-a", "close_tasks", &task.id) else {
        panic!()
    };
    assert_eq!(now.status, "in_progress");

    // A move made on a version the ERP has since changed is refused with the source's reason.
    let queued = s
        .engine
        .move_close_task(&task.owner, &task.id, "submitted", None)
        .await
        .unwrap();
    s.estate.change("erp-a", "close_tasks", &task.id, |_| {});
    s.engine.deliver_outbox().await.unwrap();
    let refused = store::outbox::get(&s.store, &queued.id).await.unwrap().unwrap();
    assert_eq!(refused.status, store::outbox::ActionStatus::Refused, "{refused:?}");
    assert_eq!(refused.source_status, Some(412));
    assert!(refused
        .source_message
        .unwrap_or_default()
        .contains("changed since it was read"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_erps_payments_meet_the_banks_statement_lines_in_reconciliation() {
    let s = setup(7, 3000).await;
    s.engine.sync_all().await.unwrap();
    let house: Vec<String> = store::source_records::list(&s.store, "house_accounts")
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(_, d)| match d {
            domain::Document::HouseAccount(a) => Some(a.iban),
            _ => None,
        })
        .collect();
    let ledger = store::ledger_entries::all(s.store.reader()).await.unwrap();
    let booked: Vec<_> = ledger.iter().filter(|l| house.contains(&l.account_iban)).collect();
    assert!(!booked.is_empty(), "no ERP payment reached the ledger");
    assert!(booked
        .iter()
        .all(|l| l.amount.is_negative() && l.reference.starts_with("E2E-")));
    // Booked once: another sync books nothing again.
    s.engine.sync_all().await.unwrap();
    assert_eq!(
        store::ledger_entries::all(s.store.reader()).await.unwrap().len(),
        ledger.len()
    );
    // The bank's statement lines for those payments match them by end-to-end reference.
    let rules = sync::reconcile::current_rules(&s.store).await.unwrap();
    let run = sync::reconcile::run_matching(&s.store, "U001", &rules).await.unwrap();
    let by_reference: usize = run
        .passes
        .iter()
        .filter(|p| p.name.contains("reference"))
        .map(|p| p.automatic)
        .sum();
    assert!(by_reference > 0, "{:?}", run.passes);
}
