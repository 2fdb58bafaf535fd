//! Close tasks that complete themselves from signals: certifying every bank account of an entity
//! completes its bank reconciliation task in the ERP's close module, through the outbox, once.

mod common;

use common::estate::setup;
use domain::Document;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certifying_every_account_of_an_entity_completes_its_bank_rec_task_in_the_erp() {
    let s = setup(5, 200).await;
    s.engine.sync_all().await.unwrap();
    let now = "2026-11-20T12:00:00Z".parse().unwrap();
    let seeded = sync::reconcile::seed_demo(&s.store, 5, now).await.unwrap();
    let period = seeded.period;
    let task_id = format!("CT-DE01-{period}-BANKREC");
    let task = |s: &common::estate::Setup| match s.estate.document("erp-a", "close_tasks", &task_id) {
        Some(Document::CloseTask(t)) => t,
        other => panic!("no {task_id}: {other:?}"),
    };
    assert_ne!(task(&s).status, "reviewed");
    // Not certified yet: the signal does not hold, nothing is sent.
    assert_eq!(s.engine.complete_close_tasks_by_signal().await.unwrap(), 0);

    let accounts: Vec<_> = store::bank_accounts::list(s.store.reader())
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.entity_code.as_deref() == Some("DE01"))
        .collect();
    // The demo's account and the treasury's house accounts of DE01.
    assert!(accounts.len() >= 2, "{accounts:?}");
    let (first, rest) = accounts.split_first().unwrap();
    sync::reconcile::certify_prepare(&s.store, "U010", &first.iban, period)
        .await
        .unwrap();
    sync::reconcile::certify_review(&s.store, "U011", &first.iban, period)
        .await
        .unwrap();
    // One account of several certified is not the entity certified.
    assert_eq!(s.engine.complete_close_tasks_by_signal().await.unwrap(), 0);
    for a in rest {
        sync::reconcile::certify_prepare(&s.store, "U010", &a.iban, period)
            .await
            .unwrap();
        // Prepared but not reviewed is not certified.
        assert_eq!(s.engine.complete_close_tasks_by_signal().await.unwrap(), 0);
        sync::reconcile::certify_review(&s.store, "U011", &a.iban, period)
            .await
            .unwrap();
    }
    assert_eq!(s.engine.complete_close_tasks_by_signal().await.unwrap(), 1);
    // Asked again before delivery: the queued completion is not queued twice.
    assert_eq!(s.engine.complete_close_tasks_by_signal().await.unwrap(), 0);

    let delivered = s.engine.deliver_outbox().await.unwrap();
    assert_eq!(delivered.delivered, 1, "{delivered:?}");
    let done = task(&s);
    assert_eq!(done.status, "reviewed");
    assert_eq!(done.reviewed_by.as_deref(), Some(sync::SIGNAL_ACTOR));
    assert!(done.note.unwrap_or_default().contains("certified"));
    let writes = s.estate.writes("erp-a");
    assert_eq!(writes.iter().filter(|w| w.id == task_id).count(), 1);
    // Mirrored back: nothing left to complete.
    s.engine.sync_all().await.unwrap();
    assert_eq!(s.engine.complete_close_tasks_by_signal().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_opens_on_the_period_being_closed_with_its_plan() {
    let s = setup(5, 200).await;
    s.engine.sync_all().await.unwrap();
    let now = "2026-11-20T12:00:00Z".parse().unwrap();
    let b = sync::close_board::board(&s.store, None, None, now).await.unwrap();
    assert_eq!(b.entities, ["DE01", "FR01", "US01"]);
    assert_eq!(b.entity, "DE01");
    // Newest first; the board opens on the latest period with a task not reviewed.
    assert!(b.periods.windows(2).all(|w| w[0] > w[1]), "{:?}", b.periods);
    assert!(b.tasks.iter().any(|(_, t)| t.status != "reviewed"));
    assert!(b
        .tasks
        .iter()
        .all(|(_, t)| t.company_code == "DE01" && t.period == b.period));
    let plan = b.plan.as_ref().unwrap();
    assert_eq!(plan.tasks.len(), b.tasks.len());
    assert!(!plan.critical_path.is_empty());
    assert!(!b.burndown.is_empty());
    // Another entity and period on request; an unknown one falls back to the defaults.
    let older = b.periods.last().unwrap().clone();
    let fr = sync::close_board::board(&s.store, Some("FR01"), Some(&older), now)
        .await
        .unwrap();
    assert_eq!((fr.entity.as_str(), fr.period.as_str()), ("FR01", older.as_str()));
    let unknown = sync::close_board::board(&s.store, Some("XX99"), Some("1999-01"), now)
        .await
        .unwrap();
    assert_eq!(unknown.entity, "DE01");
}
