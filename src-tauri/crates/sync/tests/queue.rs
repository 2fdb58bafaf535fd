//! The approval queue behind the Approvals screen: every sort and filter, paged by keyset, equals
//! the same question answered by hand from the mirror; the aging summary adds up to the queue.

mod common;

use std::collections::{HashMap, HashSet};

use common::world;
use domain::{AgingBucket, ApprovalStatus, Money};
use store::approval_queue::{self as queue, QueueFilter, QueueRequest, SortKey};

async fn all_pages(store: &store::Store, mut req: QueueRequest) -> Vec<queue::QueueRow> {
    let mut rows = Vec::new();
    loop {
        let page = queue::page(store, &req).await.unwrap();
        let n = page.rows.len();
        rows.extend(page.rows);
        assert!(rows.len() as i64 <= page.total);
        match page.next_cursor {
            Some(c) if n > 0 => req.after = Some(c),
            _ => return rows,
        }
    }
}

#[tokio::test]
async fn every_sort_and_filter_pages_through_exactly_the_pending_steps() {
    let w = world(31).await;
    w.engine.sync_all().await.unwrap();
    let approvals = store::approvals::all(&w.store).await.unwrap();
    let invoices: HashMap<String, domain::Invoice> = store::invoices::all(&w.store)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.provenance.external_id.clone(), i))
        .collect();
    let approver = approvals
        .iter()
        .find(|a| a.status == ApprovalStatus::Pending)
        .unwrap()
        .approver_id
        .clone();
    let expected: HashSet<String> = approvals
        .iter()
        .filter(|a| a.approver_id == approver && a.status == ApprovalStatus::Pending)
        .map(|a| a.provenance.external_id.clone())
        .collect();

    for sort in [
        SortKey::DueDate,
        SortKey::Amount,
        SortKey::Age,
        SortKey::Supplier,
        SortKey::InvoiceNumber,
    ] {
        for descending in [false, true] {
            let req = QueueRequest {
                approvers: vec![approver.clone()],
                filter: QueueFilter::default(),
                sort,
                descending,
                after: None,
                limit: 7,
            };
            let rows = all_pages(&w.store, req).await;
            let ids: Vec<String> = rows.iter().map(|r| r.approval_id.clone()).collect();
            let unique: HashSet<String> = ids.iter().cloned().collect();
            assert_eq!(unique.len(), ids.len(), "no row twice ({sort:?}, desc {descending})");
            assert_eq!(
                unique, expected,
                "every pending step once ({sort:?}, desc {descending})"
            );
            // The order is the one asked for.
            for pair in rows.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                let ord = match sort {
                    SortKey::DueDate => a.due_date.cmp(&b.due_date),
                    SortKey::Amount => a.amount.to_minor().unwrap().cmp(&b.amount.to_minor().unwrap()),
                    SortKey::Age => a.age_business_days.cmp(&b.age_business_days),
                    SortKey::Supplier => a.supplier_name.to_lowercase().cmp(&b.supplier_name.to_lowercase()),
                    SortKey::InvoiceNumber => a.invoice_number.cmp(&b.invoice_number),
                };
                let ord = if descending { ord.reverse() } else { ord };
                assert_ne!(
                    ord,
                    std::cmp::Ordering::Greater,
                    "{sort:?} desc {descending}: {a:?} before {b:?}"
                );
            }
            for r in &rows {
                let inv = &invoices[&r.invoice_id];
                assert_eq!(r.amount, inv.total);
                assert_eq!(r.invoice_number, inv.number);
                assert_eq!(r.bucket, AgingBucket::from_business_days(r.age_business_days));
            }
        }
    }

    // Filters: entity, bucket and search each narrow to exactly the matching rows.
    let base = QueueRequest {
        approvers: vec![approver.clone()],
        filter: QueueFilter::default(),
        sort: SortKey::DueDate,
        descending: false,
        after: None,
        limit: 500,
    };
    let everything = all_pages(&w.store, base.clone()).await;
    for entity in ["DE01", "FR01", "US01"] {
        let rows = all_pages(
            &w.store,
            QueueRequest {
                filter: QueueFilter {
                    entity: Some(entity.into()),
                    ..Default::default()
                },
                ..base.clone()
            },
        )
        .await;
        assert_eq!(
            rows.len(),
            everything.iter().filter(|r| r.entity_code == entity).count()
        );
        assert!(rows.iter().all(|r| r.entity_code == entity));
    }
    for bucket in AgingBucket::ALL {
        let rows = all_pages(
            &w.store,
            QueueRequest {
                filter: QueueFilter {
                    bucket: Some(bucket),
                    ..Default::default()
                },
                ..base.clone()
            },
        )
        .await;
        assert_eq!(
            rows.len(),
            everything.iter().filter(|r| r.bucket == bucket).count(),
            "{bucket:?}"
        );
    }
    let number = everything[0].invoice_number.clone();
    let rows = all_pages(
        &w.store,
        QueueRequest {
            filter: QueueFilter {
                search: Some(number[3..].to_string()),
                ..Default::default()
            },
            ..base.clone()
        },
    )
    .await;
    assert!(rows.iter().any(|r| r.invoice_number == number));
    assert!(rows
        .iter()
        .all(|r| r.invoice_number.contains(&number[3..]) || r.supplier_name.contains(&number[3..])));
    // LIKE wildcards in the search are taken literally.
    let rows = all_pages(
        &w.store,
        QueueRequest {
            filter: QueueFilter {
                search: Some("%".into()),
                ..Default::default()
            },
            ..base.clone()
        },
    )
    .await;
    assert!(rows.is_empty());

    // The summary counts and sums exactly what the queue holds, per entity, currency and bucket.
    let summary = queue::aging_summary(&w.store, std::slice::from_ref(&approver), &QueueFilter::default())
        .await
        .unwrap();
    for e in &summary {
        for cell in &e.cells {
            let matching: Vec<&queue::QueueRow> = everything
                .iter()
                .filter(|r| {
                    r.entity_code == e.entity_code && r.amount.currency() == e.currency && r.bucket == cell.bucket
                })
                .collect();
            assert_eq!(cell.count as usize, matching.len());
            assert_eq!(
                cell.amount,
                Money::sum(e.currency, matching.iter().map(|r| &r.amount)).unwrap()
            );
        }
    }
    let summed: i64 = summary.iter().flat_map(|e| e.cells.iter().map(|c| c.count)).sum();
    assert_eq!(summed as usize, everything.len());
}

/// The runner builds the keys a first pull suspended, in the cycle of that pull: the queue does
/// not read the mirror's tables any longer than one sync.
#[tokio::test]
async fn the_runner_builds_the_keys_after_a_first_pull() {
    use sqlx::Row;
    let w = world(32).await;
    let (_webhooks, notices) = tokio::sync::mpsc::channel(1);
    let runner = tokio::spawn(sync::runner::run(
        w.engine.clone(),
        std::time::Duration::from_secs(3600),
        std::sync::Arc::new(tokio::sync::Notify::new()),
        notices,
        |_| {},
    ));
    let started = std::time::Instant::now();
    loop {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the runner left the keys suspended"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let row = sqlx::query(
            "SELECT (SELECT built FROM approval_queue_state) AS built,
                    (SELECT COUNT(*) FROM approval_queue_keys) AS keys,
                    (SELECT COUNT(*) FROM approvals a JOIN invoices i
                       ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
                     WHERE a.status = 'pending') AS pending",
        )
        .fetch_one(w.store.reader())
        .await
        .unwrap();
        let (built, keys, pending): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        if built == 1 && pending > 0 {
            assert_eq!(keys, pending, "every pending step has its key");
            break;
        }
    }
    runner.abort();
}
