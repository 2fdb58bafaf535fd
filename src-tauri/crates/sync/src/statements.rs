//! Bank statements the treasury platform announces: after a sync, each statement not yet in the
//! mirror is fetched as the bank's camt.053 and imported like a dropped file, so it is parsed,
//! balance-checked and deduplicated the same way.

use connect::treasury::TreasuryClient;
use store::connections::Connection;
use tracing::{info, warn};

use crate::{Engine, SyncError};

impl Engine {
    /// Returns how many statements were imported.
    pub(crate) async fn import_announced_statements(
        &self,
        client: &TreasuryClient,
        c: &Connection,
    ) -> Result<usize, SyncError> {
        // The bank's accounts belong to the entities the treasury says own them.
        let mut tx = self.store.begin().await?;
        for (conn, doc) in store::source_records::list(&self.store, "house_accounts").await? {
            if let (true, domain::Document::HouseAccount(a)) = (conn == c.id, doc) {
                let name = format!("{} · {} {}", a.entity, a.bank_name, a.currency);
                store::bank_accounts::claim(&mut tx, &a.iban, &a.entity, a.currency, &name, chrono::Utc::now()).await?;
            }
        }
        tx.commit().await.map_err(store::StoreError::from)?;
        let mut imported = 0;
        for id in store::source_records::unimported_statements(&self.store, &c.id).await? {
            let bytes = client.statement_document(&id).await?;
            let file = format!("{}:{id}.camt053.xml", c.id);
            let outcome = crate::reconcile::import_bank_file(&self.store, "system", &file, &bytes)
                .await
                .map_err(Box::new)?;
            if let Some(why) = outcome.statements.iter().find_map(|s| s.refused.clone()) {
                warn!(statement = %id, %why, "statement from the bank refused");
            }
            imported += 1;
        }
        if imported > 0 {
            info!(connection = %c.id, imported, "bank statements imported");
        }
        Ok(imported)
    }
}
