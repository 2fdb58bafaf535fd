//! The exception queue's keyset pages: every sort, both directions, walks the whole queue once,
//! in order, across page boundaries — with filters — and applied changes leave their history.

use chrono::{DateTime, Duration, Utc};
use domain::exception::{plan, Change, Evidence, ExceptionPolicy, Kind, Raised, Severity};
use domain::Money;
use store::exceptions::{Filter, Request, SortKey};
use store::Store;

fn now() -> DateTime<Utc> {
    "2026-11-20T12:00:00Z".parse().unwrap()
}

fn raised(i: usize) -> Raised {
    let kinds = [Kind::PriceVariance, Kind::BankRejection, Kind::CloseTaskLate];
    let kind = kinds[i % 3];
    Raised {
        id: format!("{}:x:{i:04}", kind.as_str()),
        kind,
        entity: ["DE01", "US01"][i % 2].into(),
        severity: [Severity::Low, Severity::Medium, Severity::High][i % 3],
        // Ties on purpose: the id breaks them, across pages too.
        amount: (kind != Kind::CloseTaskLate).then(|| Money::parse(&format!("{}.50", i % 7), "EUR").unwrap()),
        since: now() - Duration::hours((i % 11) as i64),
        summary: format!("case {i}"),
        evidence: Evidence::default(),
        invoice: Some(format!("INV-{i}")),
        supplier: None,
        subject: None,
        anchors: Vec::new(),
    }
}

async fn all_pages(store: &Store, sort: SortKey, descending: bool, filter: Filter) -> Vec<store::exceptions::Row> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store::exceptions::page(
            store,
            &Request {
                filter: filter.clone(),
                sort,
                descending,
                after: after.clone(),
                limit: 7,
                now: now(),
            },
        )
        .await
        .unwrap();
        out.extend(page.rows);
        match page.next_cursor {
            Some(c) => after = Some(c),
            None => return out,
        }
    }
}

#[tokio::test]
async fn every_sort_pages_through_the_whole_queue_once_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("m.db")).await.unwrap();
    let derived: Vec<Raised> = (0..60).map(raised).collect();
    let changes = plan(&[], derived, |_| true);
    let applied = store::exceptions::apply(&store, &changes, &ExceptionPolicy::default(), now())
        .await
        .unwrap();
    assert_eq!(applied.raised, 60);
    for sort in [SortKey::Since, SortKey::SlaDue, SortKey::Amount, SortKey::Severity] {
        for descending in [false, true] {
            for filter in [
                Filter::default(),
                Filter {
                    queue: Some("ap_clerk".into()),
                    ..Default::default()
                },
                Filter {
                    kind: Some("close_task_late".into()),
                    ..Default::default()
                },
                // A kind under its own queue, and under another (nothing).
                Filter {
                    queue: Some("ap_clerk".into()),
                    kind: Some("price_variance".into()),
                    ..Default::default()
                },
                Filter {
                    queue: Some("treasury_analyst".into()),
                    kind: Some("price_variance".into()),
                    ..Default::default()
                },
            ] {
                let rows = all_pages(&store, sort, descending, filter.clone()).await;
                let expected = (0..60)
                    .map(raised)
                    .filter(|r| filter.queue.as_deref().is_none_or(|q| r.kind.queue().as_str() == q))
                    .filter(|r| filter.kind.as_deref().is_none_or(|k| r.kind.as_str() == k))
                    .count();
                let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
                assert_eq!(rows.len(), expected, "{sort:?} desc={descending} {filter:?}");
                ids.sort();
                ids.dedup();
                assert_eq!(ids.len(), expected, "a row came twice: {sort:?} desc={descending}");
                let key = |r: &store::exceptions::Row| match sort {
                    SortKey::Since => (0, r.since.clone(), r.id.clone()),
                    SortKey::SlaDue => (0, r.sla_due.clone(), r.id.clone()),
                    SortKey::Amount => (
                        r.amount.map(|m| m.to_minor().unwrap()).unwrap_or(0),
                        String::new(),
                        r.id.clone(),
                    ),
                    SortKey::Severity => (r.severity.rank(), r.since.clone(), r.id.clone()),
                };
                for w in rows.windows(2) {
                    let (a, b) = (key(&w[0]), key(&w[1]));
                    assert!(
                        if descending { a > b } else { a < b },
                        "{sort:?} desc={descending}: {a:?} then {b:?}"
                    );
                }
            }
        }
    }
    // Resolving writes the history and takes the row out of the open queue.
    let id = raised(0).id;
    store::exceptions::apply(
        &store,
        &[Change::Resolve(id.clone())],
        &ExceptionPolicy::default(),
        now(),
    )
    .await
    .unwrap();
    let d = store::exceptions::get(&store, &id, now()).await.unwrap().unwrap();
    assert_eq!(d.row.status, domain::exception::Status::Resolved);
    let events: Vec<&str> = d.history.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(events, ["raised", "resolved"]);
    assert_eq!(
        all_pages(&store, SortKey::Since, false, Filter::default()).await.len(),
        59
    );
}

#[tokio::test]
async fn summaries_and_totals_follow_every_change_of_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("m.db")).await.unwrap();
    let policy = ExceptionPolicy::default();
    let changes = plan(&[], (0..30).map(raised).collect(), |_| true);
    store::exceptions::apply(&store, &changes, &policy, now())
        .await
        .unwrap();
    let total = |filter: Filter| {
        let store = store.clone();
        async move {
            store::exceptions::page(
                &store,
                &Request {
                    filter,
                    sort: SortKey::Since,
                    descending: false,
                    after: None,
                    limit: 5,
                    now: now(),
                },
            )
            .await
            .unwrap()
            .total
        }
    };
    assert_eq!(total(Filter::default()).await, 30);
    assert_eq!(
        total(Filter {
            kind: Some("bank_rejection".into()),
            ..Default::default()
        })
        .await,
        10
    );
    // An entity filter counts the rows themselves.
    assert_eq!(
        total(Filter {
            entity: Some("DE01".into()),
            ..Default::default()
        })
        .await,
        15
    );
    // Resolve one price variance, override one bank rejection: counts move with them.
    let resolved = raised(0).id;
    store::exceptions::apply(&store, &[Change::Resolve(resolved)], &policy, now())
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    store::exceptions::record_action(
        &mut tx,
        &raised(1).id,
        &store::exceptions::Step {
            actor_id: "U007",
            event: "override",
            detail: "override: agreed with the bank",
            pending_action: None,
            overridden: true,
        },
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(total(Filter::default()).await, 28);
    let summary = store::exceptions::summary(&store, None, now()).await.unwrap();
    let of = |k: Kind| summary.iter().find(|c| c.kind == k).unwrap().clone();
    assert_eq!(of(Kind::PriceVariance).open, 9);
    assert_eq!(of(Kind::BankRejection).open, 9);
    assert_eq!(of(Kind::CloseTaskLate).open, 10);
    assert!(
        of(Kind::CloseTaskLate).amounts.is_empty(),
        "no amount, no currency line"
    );
    // Breached: SLA (since + the kind's hours) before now. Check against the rows themselves.
    for k in [Kind::PriceVariance, Kind::BankRejection, Kind::CloseTaskLate] {
        let expected = (0..30)
            .map(raised)
            .filter(|r| r.kind == k && r.id != raised(0).id && r.id != raised(1).id)
            .filter(|r| r.sla_due(&policy) < now())
            .count() as i64;
        assert_eq!(of(k).breached, expected, "{k:?}");
    }
    // Amounts per currency: exact sums of the open ones.
    let eur: i64 = (0..30)
        .map(raised)
        .filter(|r| r.kind == Kind::PriceVariance && r.id != raised(0).id)
        .map(|r| r.amount.unwrap().to_minor().unwrap())
        .sum();
    assert_eq!(
        of(Kind::PriceVariance).amounts,
        vec![Money::from_minor(eur, domain::Currency::new("EUR").unwrap())]
    );

    // A variance whose amount changed at the source, and the resolved one back: the sum moves
    // by the difference, the count by the reopened one.
    let mut repriced = raised(3);
    repriced.amount = Some(Money::parse("100.00", "EUR").unwrap());
    let was = raised(3).amount.unwrap().to_minor().unwrap();
    store::exceptions::apply(
        &store,
        &[Change::Update(repriced), Change::Reopen(raised(0))],
        &policy,
        now(),
    )
    .await
    .unwrap();
    let summary = store::exceptions::summary(&store, None, now()).await.unwrap();
    let of = |k: Kind| summary.iter().find(|c| c.kind == k).unwrap().clone();
    assert_eq!(of(Kind::PriceVariance).open, 10);
    let reopened = raised(0).amount.unwrap().to_minor().unwrap();
    assert_eq!(
        of(Kind::PriceVariance).amounts,
        vec![Money::from_minor(
            eur - was + 10_000 + reopened,
            domain::Currency::new("EUR").unwrap()
        )]
    );
    assert_eq!(total(Filter::default()).await, 29);
}

#[tokio::test]
async fn a_search_selects_the_same_rows_from_the_trigram_index_or_the_sort_walk() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("m.db")).await.unwrap();
    let policy = ExceptionPolicy::default();
    // Over 5,000 rows match "INV-" (the page walks the sort index); a few name a GmbH (the
    // page reads them from the trigram index).
    let derived: Vec<Raised> = (0..5_200)
        .map(|i| {
            let mut r = raised(i);
            if i % 400 == 7 {
                r.summary = format!("case {i}: Müller GmbH & Co. KG");
            }
            r
        })
        .collect();
    let changes = plan(&[], derived.clone(), |_| true);
    store::exceptions::apply(&store, &changes, &policy, now())
        .await
        .unwrap();

    let first = |filter: Filter| {
        let store = store.clone();
        async move {
            store::exceptions::page(
                &store,
                &Request {
                    filter,
                    sort: SortKey::Amount,
                    descending: true,
                    after: None,
                    limit: 5,
                    now: now(),
                },
            )
            .await
            .unwrap()
        }
    };
    for (text, entity) in [("gmbh", None), ("GMBH", Some("US01")), ("ü", None), ("INV-51", None)] {
        let filter = Filter {
            search: Some(text.into()),
            entity: entity.map(str::to_string),
            ..Default::default()
        };
        let needle = text.to_lowercase();
        let mut expected: Vec<&str> = derived
            .iter()
            .filter(|r| entity.is_none_or(|e| r.entity == e))
            .filter(|r| {
                r.summary.to_lowercase().contains(&needle)
                    || r.invoice.as_deref().is_some_and(|i| i.to_lowercase().contains(&needle))
            })
            .map(|r| r.id.as_str())
            .collect();
        expected.sort();
        assert!(!expected.is_empty(), "{text}");
        for sort in [SortKey::Since, SortKey::SlaDue, SortKey::Amount, SortKey::Severity] {
            for descending in [false, true] {
                let rows = all_pages(&store, sort, descending, filter.clone()).await;
                let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
                ids.sort();
                assert_eq!(ids, expected, "{text} {sort:?} desc={descending}");
            }
        }
        let page = first(filter).await;
        assert_eq!(page.total, expected.len() as i64, "{text}");
        assert!(!page.total_capped);
    }
    // Many matches: the count stops at 1,000 and says so.
    let many = first(Filter {
        search: Some("INV-".into()),
        ..Default::default()
    })
    .await;
    assert_eq!((many.total, many.total_capped), (1_000, true));
    assert_eq!(many.rows.len(), 5);

    // A summary rewritten at the next derivation leaves the index with it.
    let mut renamed = derived[7].clone();
    renamed.summary = "case 7: Miller Ltd".into();
    store::exceptions::apply(&store, &[Change::Update(renamed)], &policy, now())
        .await
        .unwrap();
    let gmbh = first(Filter {
        search: Some("gmbh".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(gmbh.total, 12);
    assert!(gmbh.rows.iter().all(|r| r.id != derived[7].id));
    // A few matches are read from the trigram index: a row the index lost is not found by
    // text that names it, though the LIKE alone would match it.
    sqlx::query(
        "INSERT INTO exception_text (exception_text, rowid, summary, invoice_ref, supplier_ref)
         SELECT 'delete', rowid, summary, invoice_ref, supplier_ref FROM exceptions WHERE id = ?",
    )
    .bind(&derived[407].id)
    .execute(store.writer())
    .await
    .unwrap();
    let indexed = first(Filter {
        search: Some("gmbh".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(indexed.total, 11, "the page did not read the trigram index");

    // Quotes and operators are text, not query syntax.
    let odd = first(Filter {
        search: Some("\"Co. KG\" OR".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(odd.total, 0);
}
