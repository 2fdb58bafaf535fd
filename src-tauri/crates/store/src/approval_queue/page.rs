//! One page of the queue: the steps' keys from the walks (or the search), merged with the refused
//! steps, cut at the limit, then what the screen shows of them; the cursor says where it ended.

use std::collections::HashMap;

use domain::AgingBucket;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::keys::built;
use super::legacy::legacy_page;
use super::rows::{details, refused, to_row, Raw};
use super::search::Search;
use super::walk::{search_keys, EntityRow, Key, Walk};
use super::{approvers_json, QueueFilter, QueuePage, QueueRequest};
use crate::{Result, Store, StoreError};

/// Where the previous page ended: the sort key (an integer and a text, as the sort uses either),
/// then the step's connection and id, which break ties.
#[derive(Serialize, Deserialize)]
pub(super) struct Cursor(pub(super) i64, pub(super) String, pub(super) String, pub(super) String);

fn cursor_after(sort_int: i64, sort_text: &str, connection_id: &str, approval_id: &str) -> Result<String> {
    serde_json::to_string(&Cursor(
        sort_int,
        sort_text.to_string(),
        connection_id.to_string(),
        approval_id.to_string(),
    ))
    .map_err(|e| StoreError::corrupt("approvals", "cursor", e))
}

/// The assigned ordinals whose age on a calendar at `today` falls in `lo..=hi`.
fn ordinal_range(today: i64, (lo, hi): (i64, i64)) -> (i64, i64) {
    (today.saturating_sub(hi), today.saturating_sub(lo))
}

// How many of the approvers' (?1) pending steps in the entity ?2 (or all) with an age in ?3..?4
// a search matches (`$matches`, on ?5), read as `$steps` says (see `search_steps`).
macro_rules! searched_count {
    ([$($from:tt)+] $db:expr; $matches:tt; $($arg:expr),*) => {
        sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" "# + $($from)+ + "
                 AND (e.today_ordinal - k.assigned_ordinal) BETWEEN ?3 AND ?4 AND " + $matches,
            $($arg),*
        )
        .fetch_one(&mut *$db)
        .await?
    };
    ($db:expr; [$($steps:tt)+]; $($rest:tt)*) => {
        search_steps!($($steps)+; searched_count!($db; $($rest)*))
    };
}

/// How many pending steps of the approvers pass the filter (without the refused ones).
async fn pending_total(
    db: &mut SqliteConnection,
    approvers: &str,
    filter: &QueueFilter,
    ages: (i64, i64),
    search: &Search,
) -> Result<i64> {
    let (entity, lo, hi) = (&filter.entity, ages.0, ages.1);
    Ok(match search {
        // The kept counts per assigned day (`page` reads suspended keys' totals elsewhere).
        Search::Everything | Search::Suspended(_) => {
            sqlx::query_scalar!(
                r#"SELECT COALESCE(SUM(c.n), 0) AS "n!: i64"
                   FROM approval_queue_counts c
                   JOIN legal_entities e ON e.connection_id = c.connection_id AND e.code = c.entity_code
                   WHERE c.approver_id IN (SELECT value FROM json_each(?1))
                     AND (?2 IS NULL OR e.code = ?2)
                     AND (e.today_ordinal - c.assigned_ordinal) BETWEEN ?3 AND ?4"#,
                approvers,
                entity,
                lo,
                hi
            )
            .fetch_one(&mut *db)
            .await?
        }
        Search::Suppliers(names) => searched_count!(
            db; [every]; "k.supplier_key IN (SELECT value FROM json_each(?5))"; approvers, entity, lo, hi, names
        ),
        Search::Scan(pattern) => searched_count!(
            db; [every]; r"(k.supplier_key LIKE ?5 ESCAPE '\' OR k.number LIKE ?5 ESCAPE '\')"; approvers, entity, lo, hi, pattern
        ),
        Search::Matched {
            numbers,
            names,
            pattern,
        } => searched_count!(
            db; [matched "6", "7"]; r"(k.supplier_key LIKE ?5 ESCAPE '\' OR k.number LIKE ?5 ESCAPE '\')";
            approvers, entity, lo, hi, pattern, numbers, names
        ),
    })
}

/// The cursor after a page's last row, when the page is full (there may be more).
fn next_cursor<T>(rows: &[T], limit: i64, key: impl Fn(&T) -> (i64, &str, &str, &str)) -> Result<Option<String>> {
    match rows.last() {
        Some(last) if rows.len() as i64 == limit => {
            let (int, text, connection_id, approval_id) = key(last);
            cursor_after(int, text, connection_id, approval_id).map(Some)
        }
        _ => Ok(None),
    }
}

/// One page of the approvers' queue, sorted and filtered as asked, after the cursor if any.
pub async fn page(store: &Store, req: &QueueRequest) -> Result<QueuePage> {
    let ages = req
        .filter
        .bucket
        .map(AgingBucket::range)
        .unwrap_or((i64::MIN, i64::MAX));
    let after = req
        .after
        .as_deref()
        .map(|c| {
            serde_json::from_str::<Cursor>(c).map_err(|e| StoreError::Conflict(format!("invalid page cursor: {e}")))
        })
        .transpose()?;
    let limit = req.limit.clamp(1, 500);
    let mut approvers = req.approvers.clone();
    approvers.sort();
    approvers.dedup();
    let json = approvers_json(&approvers)?;
    // One read transaction: every statement sees the same snapshot of the mirror.
    let mut tx = store.reader().begin().await?;
    let db = &mut *tx;
    if !built(db).await? {
        let (rows, total) = legacy_page(db, req, &json, ages, after.as_ref(), limit).await?;
        tx.commit().await?;
        let next_cursor = next_cursor(&rows, limit, Raw::tuple)?;
        let rows = rows.into_iter().map(to_row).collect::<Result<Vec<_>>>()?;
        return Ok(QueuePage {
            rows,
            next_cursor,
            total,
        });
    }
    let search = Search::new(db, &req.filter.search).await?;

    // The page's steps, from the index alone: each walk or the search stops after a page.
    let mut keys = match search {
        Search::Everything => {
            let entities = sqlx::query_as!(
                EntityRow,
                "SELECT connection_id, code, today_ordinal FROM legal_entities WHERE ?1 IS NULL OR code = ?1
                 ORDER BY connection_id, code",
                req.filter.entity
            )
            .fetch_all(&mut *db)
            .await?;
            let mut keys = Vec::new();
            for approver in &approvers {
                for entity in &entities {
                    let walk = Walk {
                        approver,
                        entity,
                        ordinals: ordinal_range(entity.today_ordinal, ages),
                        after: after.as_ref(),
                        limit,
                    };
                    keys.extend(walk.run(db, req.sort, req.descending).await?);
                }
            }
            keys
        }
        _ => search_keys(db, &json, req, ages, &search, after.as_ref(), limit).await?,
    };
    let refused = refused(db, &json, req.sort, &req.filter, ages).await?;
    let total = pending_total(db, &json, &req.filter, ages, &search).await? + refused.len() as i64;
    let cursor = after
        .as_ref()
        .map(|Cursor(i, t, c, k)| (*i, t.as_str(), c.as_str(), k.as_str()));
    let mut shown: HashMap<(String, String), Raw> = refused
        .into_iter()
        .filter(|r| match cursor {
            None => true,
            Some(c) if req.descending => r.tuple() < c,
            Some(c) => r.tuple() > c,
        })
        .map(|r| ((r.connection_id.clone(), r.approval_id.clone()), r))
        .collect();
    keys.extend(shown.values().map(|r| Key {
        connection_id: r.connection_id.clone(),
        approval_id: r.approval_id.clone(),
        sort_int: r.sort_int,
        sort_text: r.sort_text.clone(),
    }));
    if req.descending {
        keys.sort_by(|a, b| b.tuple().cmp(&a.tuple()));
    } else {
        keys.sort_by(|a, b| a.tuple().cmp(&b.tuple()));
    }
    keys.truncate(usize::try_from(limit).unwrap_or(usize::MAX));

    // Then what the screen shows of those (the refused steps came with theirs).
    let wanted: Vec<(&str, &str, i64, &str)> = keys
        .iter()
        .filter(|k| !shown.contains_key(&(k.connection_id.clone(), k.approval_id.clone())))
        .map(|k| {
            (
                k.connection_id.as_str(),
                k.approval_id.as_str(),
                k.sort_int,
                k.sort_text.as_str(),
            )
        })
        .collect();
    if !wanted.is_empty() {
        let wanted = serde_json::to_string(&wanted).map_err(|e| StoreError::corrupt("approvals", "page", e))?;
        for r in details(db, &wanted).await? {
            shown.insert((r.connection_id.clone(), r.approval_id.clone()), r);
        }
    }
    let next_cursor = next_cursor(&keys, limit, Key::tuple)?;
    tx.commit().await?;
    let rows = keys
        .into_iter()
        .map(|k| {
            shown
                .remove(&(k.connection_id, k.approval_id))
                .ok_or_else(|| StoreError::corrupt("approval_queue_keys", "external_id", "a key without its step"))
        })
        .map(|raw| raw.and_then(to_row))
        .collect::<Result<Vec<_>>>()?;
    Ok(QueuePage {
        rows,
        next_cursor,
        total,
    })
}
