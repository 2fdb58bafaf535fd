//! The payments screen's pages of instructions and the runs' kept counts, on a real SQLite file:
//! every page in order, each instruction once across page boundaries (many share a timestamp),
//! under each filter; the counts follow every change of an instruction's status.

use chrono::{DateTime, Duration, Utc};
use domain::treasury::{PaymentInstruction, StatusEvent};
use domain::{Currency, Document};
use rust_decimal::Decimal;
use store::connections::Connection;
use store::payment_instructions::{counts, page, Query, Which};
use store::Store;

fn at(minutes: i64) -> DateTime<Utc> {
    "2026-11-20T12:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minutes)
}

fn instruction(i: usize, status: &str) -> Document {
    Document::PaymentInstruction(PaymentInstruction {
        id: format!("PI-{i:04}"),
        run_id: format!("RUN-{}", i % 3),
        entity: "DE01".into(),
        supplier_id: format!("S{}", i % 5),
        creditor_name: if i.is_multiple_of(4) {
            "Granit GmbH".into()
        } else {
            "Acme Ltd".into()
        },
        creditor_iban: "DE89370400440532013000".into(),
        currency: Currency::new("EUR").unwrap(),
        amount: Decimal::new(10_000 + i as i64, 2),
        end_to_end_id: format!("E2E-{i:04}"),
        invoice_ids: vec![format!("INV-{i}")],
        status: status.into(),
        reason: (status == "RJCT").then(|| "AC04".into()),
        history: vec![StatusEvent {
            status: "PDNG".into(),
            reason: None,
            at: at(-((i % 7) as i64) * 60),
        }],
        version: 1,
        // Groups of ten share a timestamp: the cursor must break the ties.
        modified_at: at((i / 10) as i64),
    })
}

async fn store_with(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("m.db")).await.unwrap();
    store::connections::save(
        &store,
        &Connection {
            id: "treasury".into(),
            kind: "treasury".into(),
            name: "Treasury".into(),
            base_url: "http://127.0.0.1:1".into(),
            secret_ref: "x".into(),
            client_id: None,
            sync_every_secs: 0,
        },
    )
    .await
    .unwrap();
    let docs: Vec<Document> = (0..n)
        .map(|i| instruction(i, ["ACSC", "RJCT", "PDNG", "ACSP"][i % 4]))
        .collect();
    let refs: Vec<&Document> = docs.iter().collect();
    let mut tx = store.begin().await.unwrap();
    store::source_records::upsert_batch(&mut tx, "treasury", &refs, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (dir, store)
}

/// Every page under `q`, followed to the end: the ids in the order shown.
async fn walk(store: &Store, mut q: Query) -> Vec<String> {
    let mut ids = Vec::new();
    loop {
        let p = page(store, &q).await.unwrap();
        ids.extend(p.rows.iter().map(|(_, i)| i.id.clone()));
        match p.next {
            Some(next) => q.after = Some(next),
            None => return ids,
        }
    }
}

fn query(which: Which) -> Query {
    Query {
        which,
        run_id: None,
        created_before: None,
        search: None,
        after: None,
        limit: 7,
    }
}

fn expected(n: usize, keep: impl Fn(usize) -> bool) -> Vec<String> {
    let mut v: Vec<(DateTime<Utc>, String)> = (0..n)
        .filter(|&i| keep(i))
        .map(|i| (at((i / 10) as i64), format!("PI-{i:04}")))
        .collect();
    v.sort_by(|a, b| b.cmp(a));
    v.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test]
async fn pages_walk_each_filter_newest_first_and_show_each_instruction_once() {
    let n = 95;
    let (_dir, store) = store_with(n).await;
    assert_eq!(walk(&store, query(Which::All)).await, expected(n, |_| true));
    assert_eq!(
        walk(&store, query(Which::Status("RJCT".into()))).await,
        expected(n, |i| i % 4 == 1)
    );
    assert_eq!(walk(&store, query(Which::InFlight)).await, expected(n, |i| i % 4 >= 2));
    let run = Query {
        run_id: Some("RUN-1".into()),
        ..query(Which::All)
    };
    assert_eq!(walk(&store, run).await, expected(n, |i| i % 3 == 1));
    let run_settled = Query {
        run_id: Some("RUN-2".into()),
        ..query(Which::Status("ACSC".into()))
    };
    assert_eq!(
        walk(&store, run_settled).await,
        expected(n, |i| i % 3 == 2 && i % 4 == 0)
    );
    let searched = Query {
        search: Some("granit".into()),
        ..query(Which::All)
    };
    assert_eq!(walk(&store, searched).await, expected(n, |i| i % 4 == 0));
    // Unconfirmed: in flight and created more than two hours before noon.
    let unconfirmed = Query {
        created_before: Some("2026-11-20T10:00:00Z".into()),
        ..query(Which::InFlight)
    };
    assert_eq!(
        walk(&store, unconfirmed).await,
        expected(n, |i| i % 4 >= 2 && i % 7 > 2)
    );
    // A cursor that is not one is refused, not read as the first page.
    let bad = Query {
        after: Some("not a cursor".into()),
        ..query(Which::All)
    };
    assert!(page(&store, &bad).await.is_err());
}

#[tokio::test]
async fn run_counts_follow_every_change_of_status() {
    let (_dir, store) = store_with(12).await;
    let runs = vec!["RUN-0".to_string(), "RUN-1".into(), "RUN-2".into()];
    // RUN-0 holds 0, 3, 6, 9: ACSC, ACSP, PDNG, RJCT.
    assert_eq!(counts(&store, &runs).await.unwrap()[0], ("RUN-0".into(), 1, 1, 2));
    // The bank settles one in flight and rejects the settled one; a new instruction arrives.
    let mut settled = instruction(3, "ACSC");
    let mut rejected = instruction(0, "RJCT");
    for d in [&mut settled, &mut rejected] {
        if let Document::PaymentInstruction(i) = d {
            i.version = 2;
        }
    }
    let added = instruction(30, "PDNG");
    let mut tx = store.begin().await.unwrap();
    store::source_records::upsert_batch(&mut tx, "treasury", &[&settled, &rejected, &added], Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(counts(&store, &runs).await.unwrap()[0], ("RUN-0".into(), 1, 2, 2));
    // An older version arriving late changes nothing, in the mirror or the counts.
    let stale = instruction(3, "RJCT");
    let mut tx = store.begin().await.unwrap();
    store::source_records::upsert_batch(&mut tx, "treasury", &[&stale], Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(counts(&store, &runs).await.unwrap()[0], ("RUN-0".into(), 1, 2, 2));
}
