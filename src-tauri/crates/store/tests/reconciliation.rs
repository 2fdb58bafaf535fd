//! The reconciliation tables hold their invariants whatever the code above them does: an item is in
//! one active match at most, a reviewed reconciliation cannot change, its reviewer is not its
//! preparer, and an entry is stored once per account.

use chrono::Utc;
use domain::{Currency, Money};
use store::account_recs::{self, Figures};
use store::bank_statements::{self, BalanceCheck, EntryStatus, NewBankEntry, NewStatement};
use store::recon_matches::{self, MatchKind, NewMatch};
use store::Store;

const IBAN: &str = "DE89370400440532013000";

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::new("EUR").unwrap())
}

fn entry(key: &str, minor: i64) -> NewBankEntry {
    NewBankEntry {
        entry_key: key.into(),
        sequence: 1,
        booking_date: "2026-10-05".parse().unwrap(),
        value_date: None,
        amount: eur(minor),
        status: EntryStatus::Booked,
        reversal: false,
        end_to_end_id: String::new(),
        reference: String::new(),
        counterparty_name: String::new(),
        counterparty_iban: String::new(),
        remittance: String::new(),
        bank_tx_code: None,
    }
}

async fn with_two_entries() -> (tempfile::TempDir, Store, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("m.db")).await.unwrap();
    let now = Utc::now();
    let mut tx = store.begin().await.unwrap();
    store::bank_accounts::ensure(&mut tx, IBAN, Currency::new("EUR").unwrap(), "test", now)
        .await
        .unwrap();
    let statement = NewStatement {
        account_iban: IBAN.into(),
        statement_key: "k".into(),
        statement_ref: "S1".into(),
        format: "camt.053".into(),
        version: "camt.053.001.02".into(),
        currency: Currency::new("EUR").unwrap(),
        opening: None,
        closing: None,
        end_date: "2026-10-31".parse().unwrap(),
        balance_check: BalanceCheck::NotCheckable,
        balance_note: Some("no opening or closing balance".into()),
        entry_count: 2,
        parser_notes: Vec::new(),
        source_file: "t.xml".into(),
    };
    let id = bank_statements::insert(&mut tx, &statement, "U1", now).await.unwrap();
    let entries = [entry("A", 100), entry("B", -100)];
    assert_eq!(
        bank_statements::insert_entries(&mut tx, id, IBAN, &entries)
            .await
            .unwrap(),
        2
    );
    // The same keys again: nothing added.
    assert_eq!(
        bank_statements::insert_entries(&mut tx, id, IBAN, &entries)
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();
    let ids = bank_statements::booked(store.reader())
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    (dir, store, ids)
}

fn bank_only(bank: Vec<i64>) -> NewMatch {
    NewMatch {
        rule: "reversal".into(),
        confidence_bp: 9800,
        reason: "test".into(),
        kind: MatchKind::Auto,
        bank,
        ledger: Vec::new(),
        created_by: "engine".into(),
        run_id: None,
        note: None,
    }
}

#[tokio::test]
async fn an_item_is_in_one_active_match_at_most() {
    let (_d, store, ids) = with_two_entries().await;
    let mut tx = store.begin().await.unwrap();
    recon_matches::insert_batch(&mut tx, &[bank_only(ids.clone())], Utc::now())
        .await
        .unwrap();
    let twice = recon_matches::insert_batch(&mut tx, &[bank_only(vec![ids[0]])], Utc::now()).await;
    assert!(twice.is_err());
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn a_reviewed_reconciliation_cannot_change() {
    let (_d, store, _) = with_two_entries().await;
    let figures = Figures {
        statement_closing: eur(0),
        ledger_balance: eur(0),
        difference: eur(0),
        open_items: eur(0),
        open_item_count: 0,
    };
    let eur_c = Currency::new("EUR").unwrap();
    let mut tx = store.begin().await.unwrap();
    account_recs::prepare(&mut tx, IBAN, "2026-10", eur_c, &figures, "U1", Utc::now())
        .await
        .unwrap();
    // The database itself refuses a reviewer who prepared.
    assert!(account_recs::review(&mut tx, IBAN, "2026-10", "U1", Utc::now())
        .await
        .is_err());
    account_recs::review(&mut tx, IBAN, "2026-10", "U2", Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(account_recs::locked(store.reader())
        .await
        .unwrap()
        .contains(&(IBAN.to_string(), "2026-10".to_string())));
    let mut tx = store.begin().await.unwrap();
    let again = account_recs::prepare(&mut tx, IBAN, "2026-10", eur_c, &figures, "U3", Utc::now()).await;
    assert!(again.is_err(), "a locked row was overwritten");
    drop(tx);
    let removed = sqlx::query("DELETE FROM account_recs").execute(store.writer()).await;
    assert!(removed.is_err(), "a locked row was deleted");
}
