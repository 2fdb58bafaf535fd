//! Writes mapped source records into the mirror.

use std::collections::HashMap;

use connect::ap::Record;
use domain::LegalEntity;
use sqlx::SqliteConnection;
use store::approvals::ApprovalRecord;

/// Applies one record inside the caller's transaction. Returns whether the mirror changed, or
/// why the record cannot be placed (it then goes to the dead letters).
pub(crate) async fn apply(
    tx: &mut SqliteConnection,
    record: &Record,
    entities: &HashMap<(String, String), LegalEntity>,
) -> Result<Result<bool, String>, store::StoreError> {
    let now = chrono::Utc::now();
    Ok(Ok(match record {
        Record::User(p, u) => store::users::upsert(tx, p, u).await?,
        Record::Entity(e) => store::entities::upsert(tx, e, now).await?,
        Record::Supplier(s) => store::suppliers::upsert(tx, s).await?,
        Record::Invoice(i) => store::invoices::upsert(tx, i).await?,
        Record::Approval { approval, entity_code } => {
            let key = (approval.provenance.connection_id.clone(), entity_code.clone());
            let Some(entity) = entities.get(&key) else {
                return Ok(Err(format!(
                    "approval {} names unknown entity {entity_code}",
                    approval.provenance.external_id
                )));
            };
            // Ages count on the entity's calendar from the local day the step was assigned.
            let assigned_ordinal = entity.calendar.ordinal(entity.today(approval.assigned_at));
            let rec = ApprovalRecord {
                approval: approval.clone(),
                entity_code: entity_code.clone(),
                assigned_ordinal,
            };
            store::approvals::upsert(tx, &rec).await?
        }
    }))
}

pub(crate) async fn entity_map(
    store: &store::Store,
) -> Result<HashMap<(String, String), LegalEntity>, store::StoreError> {
    Ok(store::entities::list(store)
        .await?
        .into_iter()
        .map(|e| ((e.provenance.connection_id.clone(), e.code.clone()), e))
        .collect())
}
