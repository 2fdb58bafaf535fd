//! The ERP's payments as the ledger side of bank reconciliation: each payment the ERP records as
//! sent or cleared becomes a ledger cash entry on the house account the treasury says pays for
//! that entity and currency, so the bank's statement lines meet the ledger's own entries.

use std::collections::HashMap;

use chrono::Utc;
use domain::{Document, Money};
use store::ledger_entries::NewLedgerEntry;
use store::Store;

use super::import::{store_ledger, LedgerImport};
use super::locks::Locks;
use super::ReconError;

/// Books every ERP payment not booked yet; one without a house account for its entity and
/// currency waits (the treasury's accounts may not have arrived).
#[tracing::instrument(name = "recon.book_erp_payments", skip_all)]
pub async fn book_erp_payments(store: &Store) -> Result<Option<LedgerImport>, ReconError> {
    let payments = store::source_records::unbooked_payments(store).await?;
    if payments.is_empty() {
        return Ok(None);
    }
    let mut accounts: HashMap<(String, String), String> = HashMap::new();
    for (_, d) in store::source_records::list(store, "house_accounts").await? {
        if let Document::HouseAccount(a) = d {
            accounts.insert((a.entity, a.currency.to_string()), a.iban);
        }
    }
    let mut names: HashMap<String, String> = HashMap::new();
    for (_, d) in store::source_records::list(store, "supplier_masters").await? {
        if let Document::SupplierMaster(m) = d {
            names.insert(m.id, m.name);
        }
    }
    let entries: Vec<NewLedgerEntry> = payments
        .into_iter()
        .filter_map(|(conn, d)| match d {
            Document::Payment(p) if matches!(p.status.as_str(), "sent" | "cleared") => {
                let iban = accounts.get(&(p.company_code.clone(), p.currency.to_string()))?.clone();
                Some(NewLedgerEntry {
                    id: format!("{conn}:{}", p.id),
                    account_iban: iban,
                    booking_date: p.payment_date,
                    // Money out of the bank account.
                    amount: Money::new(-p.amount, p.currency),
                    reference: p.end_to_end_id,
                    counterparty: names.get(&p.supplier_id).cloned().unwrap_or(p.supplier_id),
                    description: format!("Payment of {}", p.invoice_ids.join(", ")),
                })
            }
            _ => None,
        })
        .collect();
    if entries.is_empty() {
        return Ok(None);
    }
    let mut tx = store.begin().await?;
    let locks = Locks::load(&mut tx).await?;
    let out = store_ledger(&mut tx, "system", &locks, "erp payments", entries, Utc::now()).await?;
    tx.commit().await?;
    Ok(Some(out))
}
