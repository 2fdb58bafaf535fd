//! What a search of the queue reads: the matching suppliers' steps by name when no invoice number
//! can match; when few numbers can (found in the trigram index `invoice_number_text`), the steps of
//! those numbers and names; otherwise every step.

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
    /// Few invoice numbers may match (the trigram index says which): the steps of those numbers and
    /// of the matching suppliers' lowered names (JSON arrays), each matched again by the LIKE
    /// pattern, which decides (the index folds case beyond ASCII, LIKE does not).
    Matched {
        numbers: String,
        names: String,
        pattern: String,
    },
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
        // Numbers may match: those few the trigram index finds, or every step.
        let numbers = if known as usize >= pairs.len() {
            let Some(numbers) = few_numbers(conn, &text).await? else {
                return Ok(Search::Scan(pattern));
            };
            Some(serde_json::to_string(&numbers).map_err(|e| StoreError::corrupt("invoices", "number", e))?)
        } else {
            None
        };
        let names = sqlx::query_scalar!(
            r#"SELECT DISTINCT lower(name) AS "name!: String" FROM suppliers INDEXED BY suppliers_by_name
               WHERE name LIKE ?1 ESCAPE '\'"#,
            pattern
        )
        .fetch_all(&mut *conn)
        .await?;
        let names = serde_json::to_string(&names).map_err(|e| StoreError::corrupt("suppliers", "name", e))?;
        Ok(match numbers {
            Some(numbers) => Search::Matched {
                numbers,
                names,
                pattern,
            },
            None => Search::Suppliers(names),
        })
    }
}

/// Up to this many invoice numbers matching a search are looked up one by one; more, and every
/// step is read.
const FEW_NUMBERS: i64 = 5_000;

/// The invoice numbers the trigram index finds for `text` taken as one phrase (three characters or
/// more: a trigram index cannot answer shorter text), when there are few.
async fn few_numbers(conn: &mut SqliteConnection, text: &[char]) -> Result<Option<Vec<String>>> {
    if text.len() < 3 {
        return Ok(None);
    }
    let (text, cap) = (text.iter().collect::<String>(), FEW_NUMBERS + 1);
    let numbers = sqlx::query_scalar!(
        r#"SELECT number AS "number!: String" FROM invoice_number_text
           WHERE invoice_number_text MATCH '"' || replace(?1, '"', '""') || '"' LIMIT ?2"#,
        text,
        cap
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok((numbers.len() as i64 <= FEW_NUMBERS).then_some(numbers))
}
