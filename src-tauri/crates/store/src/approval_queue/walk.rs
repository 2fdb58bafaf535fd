//! Which steps a page shows, from the kept keys' indexes alone: one walk per approver and entity
//! that stops after a page, or for a search one read of the matching steps, sorted.

use sqlx::SqliteConnection;

use super::page::Cursor;
use super::search::Search;
use super::{QueueRequest, SortKey};
use crate::Result;

/// A legal entity whose steps a page walks.
pub(super) struct EntityRow {
    pub(super) connection_id: String,
    pub(super) code: String,
    pub(super) today_ordinal: i64,
}

/// A step a page may show, with its place in the order (`sort_int`: the amount or the age).
pub(super) struct Key {
    pub(super) connection_id: String,
    pub(super) approval_id: String,
    pub(super) sort_int: i64,
    pub(super) sort_text: String,
}

impl Key {
    pub(super) fn tuple(&self) -> (i64, &str, &str, &str) {
        (self.sort_int, &self.sort_text, &self.connection_id, &self.approval_id)
    }
}

// One entity's pending steps of one approver, walked along `$index` from the cursor (?6 the sort
// key, or the ordinal for age; ?7, ?8 the tie-break) and cut at the limit (?9), from the index
// alone. `$key` is the indexed sort column as compared (`$col` as ordered), walked `$dir` from
// `$floor` on a first page (`$cmp` its strict comparison); the tie-break (connection, id) runs
// `$tie_dir` (`$tie_cmp`).
macro_rules! walk {
    ($db:expr; $index:tt, $sort_int:tt, $sort_text:tt, $key:tt, $col:tt, $floor:tt,
     $cmp:tt, $dir:tt, $tie_cmp:tt, $tie_dir:tt; $($arg:expr),*) => {
        sqlx::query_as!(
            Key,
            r#"SELECT k.connection_id AS "connection_id!: String", k.external_id AS "approval_id!: String",
                      "# + $sort_int + r#" AS "sort_int!: i64", "# + $sort_text + r#" AS "sort_text!: String"
               FROM approval_queue_keys k INDEXED BY "# + $index + r#"
               WHERE k.approver_id = ?1 AND k.connection_id = ?2 AND k.entity_code = ?3
                 AND k.assigned_ordinal BETWEEN ?4 AND ?5
                 AND "# + $key + " " + $cmp + "= COALESCE(?6, " + $floor + ")
                 AND (?6 IS NULL OR " + $key + " " + $cmp + " ?6
                      OR (k.connection_id, k.external_id) " + $tie_cmp + r#" (?7, ?8))
               ORDER BY "# + $col + " " + $dir + ", k.external_id " + $tie_dir + r#"
               LIMIT ?9"#,
            $($arg),*
        )
        .fetch_all(&mut *$db)
        .await?
    };
}

// A sort's walk either way: its column runs `along` the sort or `against` it (the age, walked by
// the assigned ordinal), from `$min` or `$max` on a first page; the tie-break follows the sort.
macro_rules! walk_sorted {
    ($db:expr, $descending:expr; along $index:tt, $int:tt, $text:tt, $key:tt, $col:tt, $min:tt, $max:tt;
     $($arg:expr),*) => {
        if $descending {
            walk!($db; $index, $int, $text, $key, $col, $max, "<", "DESC", "<", "DESC"; $($arg),*)
        } else {
            walk!($db; $index, $int, $text, $key, $col, $min, ">", "ASC", ">", "ASC"; $($arg),*)
        }
    };
    ($db:expr, $descending:expr; against $index:tt, $int:tt, $text:tt, $key:tt, $col:tt, $min:tt, $max:tt;
     $($arg:expr),*) => {
        if $descending {
            walk!($db; $index, $int, $text, $key, $col, $min, ">", "ASC", "<", "DESC"; $($arg),*)
        } else {
            walk!($db; $index, $int, $text, $key, $col, $max, "<", "DESC", ">", "ASC"; $($arg),*)
        }
    };
}

/// The arguments of one entity's walk: approver, entity, ordinal range, cursor, limit.
pub(super) struct Walk<'a> {
    pub(super) approver: &'a str,
    pub(super) entity: &'a EntityRow,
    pub(super) ordinals: (i64, i64),
    pub(super) after: Option<&'a Cursor>,
    pub(super) limit: i64,
}

impl Walk<'_> {
    pub(super) async fn run(&self, db: &mut SqliteConnection, sort: SortKey, descending: bool) -> Result<Vec<Key>> {
        let (conn, code) = (&self.entity.connection_id, &self.entity.code);
        let (mut lo, mut hi) = self.ordinals;
        let tie = self.after.map(|c| (c.2.as_str(), c.3.as_str())).unzip();
        let text = self.after.map(|c| c.1.as_str());
        let int = self.after.map(|c| c.0);
        let (a, limit) = (self.approver, self.limit);
        // Age is walked by the assigned ordinal, which runs the other way; the cursor's bound joins
        // the ordinal range (`+` keeps SQLite from taking the cursor's term for the range instead).
        let ordinal = int.map(|age| self.entity.today_ordinal.saturating_sub(age));
        if let (SortKey::Age, Some(bound)) = (sort, ordinal) {
            if descending {
                lo = lo.max(bound);
            } else {
                hi = hi.min(bound);
            }
        }
        // Every walk binds the same arguments but the cursor's key. A text column runs along the
        // sort from below '' or above x'' (a blob sorts after every text); an integer one is read
        // as the sort key too, from either end of i64.
        macro_rules! text_walk {
            ($index:tt, $col:tt) => {
                walk_sorted! {
                    db, descending; along $index, "0", $col, $col, $col, "''", "x''";
                    a, conn, code, lo, hi, text, tie.0, tie.1, limit
                }
            };
        }
        macro_rules! int_walk {
            ($way:ident $index:tt, $col:tt, $key:tt, $after:expr) => {
                walk_sorted! {
                    db, descending; $way $index, $col, "''", $key, $col, "-9223372036854775807 - 1",
                    "9223372036854775807"; a, conn, code, lo, hi, $after, tie.0, tie.1, limit
                }
            };
        }
        let mut rows = match sort {
            SortKey::DueDate => text_walk!("approval_queue_due", "k.due_date"),
            SortKey::Amount => int_walk!(along "approval_queue_amount", "k.total_minor", "k.total_minor", int),
            SortKey::Age => int_walk!(
                against "approval_queue_age", "k.assigned_ordinal", "+k.assigned_ordinal", ordinal
            ),
            SortKey::Supplier => text_walk!("approval_queue_supplier", "k.supplier_key"),
            SortKey::InvoiceNumber => text_walk!("approval_queue_number", "k.number"),
        };
        if sort == SortKey::Age {
            for key in &mut rows {
                key.sort_int = self.entity.today_ordinal - key.sort_int;
            }
        }
        Ok(rows)
    }
}

// The approvers' (?1, JSON) pending steps that a search matches (`$matches`, on ?6) in the entity
// ?2 (or all) with an age in ?3..?4, read as `$steps` says (see `search_steps`), sorted by the key
// ?5 after the cursor (?7 to ?10, compared by `$cmp`) and cut at the limit (?11).
macro_rules! searched {
    ([$($from:tt)+] $db:expr; $matches:tt; $($arg:expr),*; $cmp:tt, $dir:tt) => {
        sqlx::query_as!(
            Key,
            r#"SELECT connection_id AS "connection_id!: String", external_id AS "approval_id!: String",
                      sort_int AS "sort_int!: i64", sort_text AS "sort_text!: String"
               FROM (
                   SELECT k.connection_id, k.external_id,
                          CASE ?5 WHEN 'amount' THEN k.total_minor
                                  WHEN 'age' THEN e.today_ordinal - k.assigned_ordinal ELSE 0 END AS sort_int,
                          CASE ?5 WHEN 'due_date' THEN k.due_date WHEN 'supplier' THEN k.supplier_key
                                  WHEN 'invoice_number' THEN k.number ELSE '' END AS sort_text
                   "# + $($from)+ + r#"
                     AND (e.today_ordinal - k.assigned_ordinal) BETWEEN ?3 AND ?4 AND "# + $matches + r#")
               WHERE ?7 IS NULL OR (sort_int, sort_text, connection_id, external_id) "# + $cmp + r#" (?7, ?8, ?9, ?10)
               ORDER BY sort_int "# + $dir + ", sort_text " + $dir + ", connection_id " + $dir + ", external_id "
                   + $dir + r#"
               LIMIT ?11"#,
            $($arg),*
        )
        .fetch_all(&mut *$db)
        .await?
    };
    ($db:expr; [$($steps:tt)+]; $($rest:tt)*) => {
        search_steps!($($steps)+; searched!($db; $($rest)*))
    };
}

/// The page of a search: every approver and entity at once, as the matches are sorted anyway.
pub(super) async fn search_keys(
    db: &mut SqliteConnection,
    approvers: &str,
    req: &QueueRequest,
    ages: (i64, i64),
    search: &Search,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<Key>> {
    let (int, text) = (after.map(|c| c.0), after.map(|c| c.1.as_str()));
    let tie = after.map(|c| (c.2.as_str(), c.3.as_str())).unzip();
    let (entity, key, d) = (&req.filter.entity, req.sort.as_str(), req.descending);
    let (lo, hi) = ages;
    Ok(match search {
        Search::Suppliers(names) => either_way!(
            d,
            searched!(
                db; [every]; "k.supplier_key IN (SELECT value FROM json_each(?6))";
                approvers, entity, lo, hi, key, names, int, text, tie.0, tie.1, limit
            )
        ),
        Search::Scan(pattern) => either_way!(
            d,
            searched!(
                db; [every]; r"(k.supplier_key LIKE ?6 ESCAPE '\' OR k.number LIKE ?6 ESCAPE '\')";
                approvers, entity, lo, hi, key, pattern, int, text, tie.0, tie.1, limit
            )
        ),
        Search::Matched {
            numbers,
            names,
            pattern,
        } => either_way!(
            d,
            searched!(
                db; [matched "12", "13"]; r"(k.supplier_key LIKE ?6 ESCAPE '\' OR k.number LIKE ?6 ESCAPE '\')";
                approvers, entity, lo, hi, key, pattern, int, text, tie.0, tie.1, limit, numbers, names
            )
        ),
        Search::Everything | Search::Suspended(_) => Vec::new(),
    })
}
