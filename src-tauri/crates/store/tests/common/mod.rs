//! Set-up shared by the store's tests.

use domain::{InvoiceLine, Money};
use rust_decimal_macros::dec;
use store::connections::Connection;
use store::Store;

/// A new store in a temporary folder (kept while the `TempDir` lives) with the AP connection `ap`.
pub async fn open_with_ap() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("m.db")).await.unwrap();
    store::connections::save(
        &store,
        &Connection {
            id: "ap".into(),
            kind: "ap".into(),
            name: "AP".into(),
            base_url: "http://127.0.0.1:1".into(),
            secret_ref: "x".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (dir, store)
}

/// An invoice's one line: freight for its whole amount.
pub fn freight_line(amount: Money) -> InvoiceLine {
    InvoiceLine {
        line_no: 1,
        description: "Freight".into(),
        quantity: dec!(1),
        unit_price: amount,
        amount,
        gl_account: "6100".into(),
        cost_center: "CC-LOG".into(),
    }
}
