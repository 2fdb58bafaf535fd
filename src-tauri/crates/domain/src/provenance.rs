use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a mirrored record came from and which version of it we hold. Canonical ids never
/// assume one source: the same external id may exist in two ERPs, so the pair
/// (connection, external id) is the identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub connection_id: String,
    pub external_id: String,
    /// The source's row version; a higher number is newer. Older versions never overwrite newer.
    pub source_version: i64,
    pub source_updated_at: DateTime<Utc>,
    pub fetched_at: DateTime<Utc>,
}
