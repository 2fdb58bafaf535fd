//! Writes mapped source records into the mirror, a page at a time.

use std::collections::HashMap;

use connect::ap::Record;
use domain::LegalEntity;
use sqlx::SqliteConnection;
use store::approvals::ApprovalRecord;

/// Entities by (connection, code): approvals age on their entity's calendar.
pub(crate) type Entities = HashMap<(String, String), LegalEntity>;

/// Applies records inside the caller's transaction, one batch statement per kind. Returns how
/// many records changed the mirror, and the records that cannot be placed with why (they go to
/// the dead letters).
pub(crate) async fn apply_all<'r>(
    tx: &mut SqliteConnection,
    connection_id: &str,
    records: impl IntoIterator<Item = &'r Record>,
    entities: &Entities,
) -> Result<(u64, Vec<(&'r Record, String)>), store::StoreError> {
    let now = chrono::Utc::now();
    let (mut users, mut ents, mut suppliers, mut invoices, mut approvals) = (vec![], vec![], vec![], vec![], vec![]);
    let mut unplaced = Vec::new();
    let mut documents = Vec::new();
    for record in records {
        match record {
            Record::Document(d) => documents.push(d),
            Record::User(p, u) => users.push((p.clone(), u.clone())),
            Record::Entity(e) => ents.push(e.clone()),
            Record::Supplier(s) => suppliers.push(s.clone()),
            Record::Invoice(i) => invoices.push(i.clone()),
            Record::Approval { approval, entity_code } => {
                let key = (approval.provenance.connection_id.clone(), entity_code.clone());
                match entities.get(&key) {
                    // Ages count on the entity's calendar from the local day the step was assigned.
                    Some(entity) => approvals.push(ApprovalRecord {
                        assigned_ordinal: entity.calendar.ordinal(entity.today(approval.assigned_at)),
                        approval: approval.clone(),
                        entity_code: entity_code.clone(),
                    }),
                    None => unplaced.push((
                        record,
                        format!(
                            "approval {} names unknown entity {entity_code}",
                            approval.provenance.external_id
                        ),
                    )),
                }
            }
        }
    }
    let mut changed = 0;
    changed += store::users::upsert_batch(tx, &users).await?;
    changed += store::entities::upsert_batch(tx, &ents, now).await?;
    changed += store::suppliers::upsert_batch(tx, &suppliers).await?;
    changed += store::invoices::upsert_batch(tx, &invoices).await?;
    changed += store::approvals::upsert_batch(tx, &approvals).await?;
    changed += store::source_records::upsert_batch(tx, connection_id, &documents, now).await?;
    Ok((changed, unplaced))
}

pub(crate) async fn entity_map(store: &store::Store) -> Result<Entities, store::StoreError> {
    Ok(store::entities::list(store)
        .await?
        .into_iter()
        .map(|e| ((e.provenance.connection_id.clone(), e.code.clone()), e))
        .collect())
}
