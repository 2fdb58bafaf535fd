//! What a search of the queue reads: the matching suppliers' steps by name when no invoice number
//! can match, otherwise every step.

use sqlx::SqliteConnection;

use super::like_pattern;
use crate::{Result, StoreError};

/// How a search finds its steps.
pub(super) enum Search {
    /// No search: every step.
    Everything,
    /// No invoice number can match (see `invoice_number_pairs`): the steps of the suppliers whose
    /// lowered names (a JSON array) match, read name by name.
    Suppliers(String),
    /// Numbers may match too: every step is read and matched (the LIKE pattern).
    Scan(String),
    /// The keys are suspended: the mirror's tables are read (with the LIKE pattern, if any).
    Suspended(Option<String>),
}

impl Search {
    pub(super) async fn new(conn: &mut SqliteConnection, search: &Option<String>) -> Result<Search> {
        let Some(pattern) = like_pattern(search) else {
            return Ok(Search::Everything);
        };
        // LIKE folds ASCII letters only, as to_ascii_lowercase and SQLite's lower() do.
        let text: Vec<char> = search
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
            .chars()
            .collect();
        let mut pairs: Vec<String> = text.windows(2).map(|w| w.iter().collect()).collect();
        pairs.sort();
        pairs.dedup();
        if pairs.is_empty() {
            return Ok(Search::Scan(pattern));
        }
        let json = serde_json::to_string(&pairs).map_err(|e| StoreError::corrupt("invoices", "number", e))?;
        let known = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM invoice_number_pairs
               WHERE pair IN (SELECT value FROM json_each(?1)) OR pair = '*'"#,
            json
        )
        .fetch_one(&mut *conn)
        .await?;
        if known as usize >= pairs.len() {
            return Ok(Search::Scan(pattern));
        }
        let names = sqlx::query_scalar!(
            r#"SELECT DISTINCT lower(name) AS "name!: String" FROM suppliers INDEXED BY suppliers_by_name
               WHERE name LIKE ?1 ESCAPE '\'"#,
            pattern
        )
        .fetch_all(&mut *conn)
        .await?;
        let json = serde_json::to_string(&names).map_err(|e| StoreError::corrupt("suppliers", "name", e))?;
        Ok(Search::Suppliers(json))
    }
}
