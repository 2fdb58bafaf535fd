//! Upserts are idempotent and an older source version never overwrites a newer one.

use chrono::Utc;
use domain::{Invoice, InvoiceStatus, Money, Provenance};
use rust_decimal_macros::dec;
use store::Store;

mod common;

fn invoice(version: i64, total: &str, status: InvoiceStatus) -> Invoice {
    let amount = Money::parse(total, "EUR").unwrap();
    Invoice {
        provenance: Provenance {
            connection_id: "ap".into(),
            external_id: "INV-1".into(),
            source_version: version,
            source_updated_at: Utc::now(),
            fetched_at: Utc::now(),
        },
        entity_code: "DE01".into(),
        supplier_external_id: "S1".into(),
        number: "A-100".into(),
        invoice_date: "2026-11-02".parse().unwrap(),
        due_date: "2026-12-02".parse().unwrap(),
        total: amount,
        status,
        po_number: Some("PO-1".into()),
        created_by: Some("U007".into()),
        coded_by: None,
        lines: vec![common::freight_line(amount)],
    }
}

async fn upsert(store: &Store, inv: &Invoice) -> bool {
    let mut tx = store.begin().await.unwrap();
    let changed = store::invoices::upsert_batch(&mut tx, std::slice::from_ref(inv))
        .await
        .unwrap()
        > 0;
    tx.commit().await.unwrap();
    changed
}

#[tokio::test]
async fn an_older_version_never_overwrites_a_newer_one() {
    let (_dir, store) = common::open_with_ap().await;
    assert!(upsert(&store, &invoice(2, "150.00", InvoiceStatus::Approved)).await);
    // A late or out-of-order delivery of version 1 is ignored.
    assert!(!upsert(&store, &invoice(1, "100.00", InvoiceStatus::PendingApproval)).await);
    let stored = store::invoices::get(&store, "ap", "INV-1").await.unwrap().unwrap();
    assert_eq!(stored.provenance.source_version, 2);
    assert_eq!(stored.total, Money::parse("150.00", "EUR").unwrap());
    assert_eq!(stored.status, InvoiceStatus::Approved);
    assert_eq!(stored.lines[0].amount, Money::parse("150.00", "EUR").unwrap());
    // The same version again changes nothing; a newer one replaces record and lines.
    assert!(!upsert(&store, &invoice(2, "999.00", InvoiceStatus::Approved)).await);
    assert!(upsert(&store, &invoice(3, "175.50", InvoiceStatus::Posted)).await);
    let stored = store::invoices::get(&store, "ap", "INV-1").await.unwrap().unwrap();
    assert_eq!(
        stored,
        invoice(3, "175.50", InvoiceStatus::Posted).with_times_of(&stored)
    );
}

#[tokio::test]
async fn amounts_round_trip_exactly_through_minor_units() {
    let (_dir, store) = common::open_with_ap().await;
    let inv = invoice(1, "12345678901.99", InvoiceStatus::PendingApproval);
    upsert(&store, &inv).await;
    let stored = store::invoices::get(&store, "ap", "INV-1").await.unwrap().unwrap();
    assert_eq!(stored.total.amount(), dec!(12345678901.99));
    // More digits than the currency has are refused, not rounded away.
    let mut bad = invoice(2, "1.005", InvoiceStatus::PendingApproval);
    bad.lines.clear();
    let mut tx = store.begin().await.unwrap();
    assert!(store::invoices::upsert_batch(&mut tx, &[bad]).await.is_err());
}

trait WithTimes {
    fn with_times_of(self, other: &Invoice) -> Invoice;
}

impl WithTimes for Invoice {
    // Timestamps are stored at microsecond precision; compare the rest exactly.
    fn with_times_of(mut self, other: &Invoice) -> Invoice {
        self.provenance.source_updated_at = other.provenance.source_updated_at;
        self.provenance.fetched_at = other.provenance.fetched_at;
        self
    }
}
