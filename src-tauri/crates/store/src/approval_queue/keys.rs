//! The kept sort keys and counts behind the queue (`approval_queue_keys`, `approval_queue_counts`,
//! `invoice_number_pairs`, `invoice_numbers`). The mirror's writes keep them in step once per
//! batch (`Upkeep`); a connection's first pull suspends them instead and they are rebuilt in bulk
//! after it (building six indexes by sorting once costs far less than keeping them row by row).

use sqlx::SqliteConnection;

use crate::{raw, Result, Store};

/// Whether the keys are built (not suspended by a full pull).
pub(super) async fn built(db: &mut SqliteConnection) -> Result<bool> {
    Ok(
        sqlx::query_scalar!(r#"SELECT built AS "built!: i64" FROM approval_queue_state WHERE id = 1"#)
            .fetch_optional(&mut *db)
            .await?
            .is_some_and(|b| b != 0),
    )
}

/// Suspends the queue's keys for a pull that rewrites every step or invoice: until
/// `rebuild_if_suspended`, writes skip the keys and the queue reads the mirror's tables.
pub async fn suspend(tx: &mut SqliteConnection) -> Result<()> {
    sqlx::query!("UPDATE approval_queue_state SET built = 0 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

// Whether the table `$table` holds none of the connection's rows yet.
macro_rules! none_yet {
    ($tx:expr, $table:tt, $connection_id:expr) => {
        !sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM "# + $table + r#" WHERE connection_id = ?1) AS "any!: bool""#,
            $connection_id
        )
        .fetch_one(&mut *$tx)
        .await?
    };
}

/// Suspends the keys when a connection's first pull of invoices or approval steps begins (its
/// table holds none of that connection's yet): the pull writes them all, and the end of the sync
/// run rebuilds the keys at once. Later pulls keep the keys in step as they write.
pub async fn suspend_for_first_pull(tx: &mut SqliteConnection, connection_id: &str, resource: &str) -> Result<()> {
    let first = match resource {
        "invoices" => none_yet!(tx, "invoices", connection_id),
        "approvals" => none_yet!(tx, "approvals", connection_id),
        _ => false,
    };
    if first {
        suspend(tx).await?;
    }
    Ok(())
}

// What a key is, for the bulk rebuild and a batch's upkeep alike: its columns, and a pending
// step `a` (the caller names where steps come from) beside its invoice and supplier.
const KEY_COLUMNS: &str = "connection_id, external_id, approver_id, entity_code, assigned_ordinal,
    invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key";
const KEY_OF_STEP: &str = "SELECT a.connection_id, a.external_id, a.approver_id, a.entity_code, a.assigned_ordinal,
           a.invoice_external_id, i.supplier_external_id, i.number, i.due_date, i.currency, i.total_minor,
           lower(COALESCE(s.name, ''))";
const BESIDE_STEP: &str =
    "CROSS JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
    LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
    WHERE a.status = 'pending'";

/// Adds the invoice numbers in `source` (a table with a `number` column) to `invoice_numbers`
/// and their character pairs to `invoice_number_pairs`; both are only ever added to.
fn add_numbers(conn: &rusqlite::Connection, source: &str) -> rusqlite::Result<()> {
    // (WHERE true: without it, SQLite would read ON CONFLICT as a join's ON.)
    conn.prepare_cached(&format!(
        "INSERT INTO invoice_numbers (number) SELECT DISTINCT number FROM {source} WHERE true
         ON CONFLICT (number) DO NOTHING"
    ))?
    .execute([])?;
    conn.prepare_cached(&format!(
        "INSERT INTO invoice_number_pairs (pair)
         SELECT pair FROM (
             SELECT lower(substr(n.number, p.i, 2)) AS pair
             FROM {source} n JOIN invoice_number_positions p ON p.i < length(n.number)
             UNION
             SELECT '*' FROM {source} WHERE length(number) > (SELECT MAX(i) FROM invoice_number_positions))
         WHERE true
         ON CONFLICT (pair) DO NOTHING"
    ))?
    .execute([])?;
    Ok(())
}

/// Rebuilds suspended keys in bulk, in one transaction on the bulk path: their indexes are
/// dropped, the keys, counts and number pairs recomputed from the mirror (and the keys' numbers
/// added to `invoice_numbers`), and the indexes created again (sorting once is far cheaper than
/// keeping six indexes in step row by row). Returns whether it rebuilt.
pub async fn rebuild_if_suspended(store: &Store) -> Result<bool> {
    let started = std::time::Instant::now();
    let mut tx = store.begin().await?;
    if built(&mut tx).await? {
        return Ok(false);
    }
    raw::with_connection(&mut tx, |conn| {
        let indexes = conn
            .prepare(
                "SELECT name, sql FROM sqlite_master
                 WHERE type = 'index' AND tbl_name = 'approval_queue_keys' AND sql IS NOT NULL",
            )?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (name, _) in &indexes {
            conn.execute(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")), [])?;
        }
        conn.execute_batch(
            "DELETE FROM approval_queue_keys; DELETE FROM approval_queue_counts; DELETE FROM invoice_number_pairs;",
        )?;
        conn.execute(
            &format!(
                "INSERT INTO approval_queue_keys ({KEY_COLUMNS}) {KEY_OF_STEP} FROM approvals a {BESIDE_STEP}
                 ORDER BY a.connection_id, a.external_id"
            ),
            [],
        )?;
        conn.execute(
            "INSERT INTO approval_queue_counts (approver_id, connection_id, entity_code, currency, assigned_ordinal, n,
                 amount_minor)
             SELECT approver_id, connection_id, entity_code, currency, assigned_ordinal, COUNT(*), SUM(total_minor)
             FROM approval_queue_keys
             GROUP BY 1, 2, 3, 4, 5",
            [],
        )?;
        add_numbers(conn, "approval_queue_keys")?;
        for (_, sql) in &indexes {
            conn.execute(sql, [])?;
        }
        conn.execute("UPDATE approval_queue_state SET built = 1 WHERE id = 1", [])?;
        Ok(())
    })
    .await?;
    tx.commit().await?;
    tracing::info!(ms = started.elapsed().as_millis() as u64, "approval queue keys rebuilt");
    Ok(true)
}

/// A batch's upkeep of the keys: the writes name the steps they may have moved (`step`,
/// `invoice`), then `apply` brings those steps' keys, counts, number pairs and numbers in line
/// with the mirror's tables, set-wise. Runs on the bulk path's connection, in the batch's
/// transaction.
pub(crate) struct Upkeep<'c> {
    conn: &'c rusqlite::Connection,
    /// Whether a write named any step: a batch that changed nothing has nothing to bring in line.
    named: bool,
}

// What the counts are kept by: a step whose key differs in any of these leaves its group and joins another.
const COUNTED_DIFFER: &str = "(w.approver_id IS NOT k.approver_id OR w.entity_code IS NOT k.entity_code
    OR w.currency IS NOT k.currency OR w.assigned_ordinal IS NOT k.assigned_ordinal
    OR w.total_minor IS NOT k.total_minor)";

// The key's columns besides its primary key, each updated on its own so that a step whose due
// date moved rewrites only the indexes holding the due date.
const COLUMNS: [&str; 10] = [
    "approver_id",
    "entity_code",
    "assigned_ordinal",
    "invoice_external_id",
    "supplier_external_id",
    "number",
    "due_date",
    "currency",
    "total_minor",
    "supplier_key",
];

impl<'c> Upkeep<'c> {
    /// The upkeep of a batch, or none while the keys are suspended (a first pull is under way).
    pub(crate) fn begin(conn: &'c rusqlite::Connection) -> rusqlite::Result<Option<Self>> {
        let built: i64 = conn
            .prepare_cached("SELECT built FROM approval_queue_state WHERE id = 1")?
            .query_row([], |r| r.get(0))?;
        if built == 0 {
            return Ok(None);
        }
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS queue_steps (
                 connection_id TEXT NOT NULL, external_id TEXT NOT NULL, PRIMARY KEY (connection_id, external_id)
             ) WITHOUT ROWID;
             CREATE TEMP TABLE IF NOT EXISTS queue_wanted (
                 connection_id TEXT NOT NULL, external_id TEXT NOT NULL, approver_id TEXT NOT NULL,
                 entity_code TEXT NOT NULL, assigned_ordinal INTEGER NOT NULL, invoice_external_id TEXT NOT NULL,
                 supplier_external_id TEXT NOT NULL, number TEXT NOT NULL, due_date TEXT NOT NULL,
                 currency TEXT NOT NULL, total_minor INTEGER NOT NULL, supplier_key TEXT NOT NULL,
                 PRIMARY KEY (connection_id, external_id)
             ) WITHOUT ROWID;
             CREATE TEMP TABLE IF NOT EXISTS queue_moves (
                 approver_id TEXT NOT NULL, connection_id TEXT NOT NULL, entity_code TEXT NOT NULL,
                 currency TEXT NOT NULL, assigned_ordinal INTEGER NOT NULL, n INTEGER NOT NULL,
                 amount_minor INTEGER NOT NULL
             );
             CREATE TEMP TABLE IF NOT EXISTS queue_numbers (number TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
             DELETE FROM temp.queue_steps;",
        )?;
        Ok(Some(Upkeep { conn, named: false }))
    }

    /// An approval step that was written.
    pub(crate) fn step(&mut self, connection_id: &str, external_id: &str) -> rusqlite::Result<()> {
        self.named = true;
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO temp.queue_steps (connection_id, external_id) VALUES (?1, ?2)")?
            .execute([connection_id, external_id])?;
        Ok(())
    }

    /// An invoice that was written: its steps. (The index is named: without statistics SQLite
    /// would walk every step of the connection.)
    pub(crate) fn invoice(&mut self, connection_id: &str, external_id: &str) -> rusqlite::Result<()> {
        self.named = true;
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO temp.queue_steps (connection_id, external_id)
                 SELECT connection_id, external_id FROM approvals INDEXED BY approvals_by_invoice
                 WHERE connection_id = ?1 AND invoice_external_id = ?2",
            )?
            .execute([connection_id, external_id])?;
        Ok(())
    }

    /// Brings the named steps' keys in line with the mirror: what the counts lose and gain, new
    /// numbers and their pairs (both only ever added), then the keys deleted, moved column by
    /// column, and inserted.
    pub(crate) fn apply(self) -> rusqlite::Result<()> {
        if !self.named {
            return Ok(());
        }
        let conn = self.conn;
        let run = |sql: &str| conn.prepare_cached(sql)?.execute([]);
        run("DELETE FROM temp.queue_wanted")?;
        run(&format!(
            "INSERT INTO temp.queue_wanted ({KEY_COLUMNS}) {KEY_OF_STEP}
             FROM temp.queue_steps q
             CROSS JOIN approvals a ON a.connection_id = q.connection_id AND a.external_id = q.external_id
             {BESIDE_STEP}"
        ))?;

        run("DELETE FROM temp.queue_moves")?;
        run(&format!(
            "INSERT INTO temp.queue_moves (approver_id, connection_id, entity_code, currency, assigned_ordinal, n,
                 amount_minor)
             SELECT k.approver_id, k.connection_id, k.entity_code, k.currency, k.assigned_ordinal, -1, -k.total_minor
             FROM temp.queue_steps q
             CROSS JOIN approval_queue_keys k ON k.connection_id = q.connection_id AND k.external_id = q.external_id
             LEFT JOIN temp.queue_wanted w ON w.connection_id = k.connection_id AND w.external_id = k.external_id
             WHERE w.external_id IS NULL OR {COUNTED_DIFFER}
             UNION ALL
             SELECT w.approver_id, w.connection_id, w.entity_code, w.currency, w.assigned_ordinal, 1, w.total_minor
             FROM temp.queue_wanted w
             LEFT JOIN approval_queue_keys k ON k.connection_id = w.connection_id AND k.external_id = w.external_id
             WHERE k.external_id IS NULL OR {COUNTED_DIFFER}"
        ))?;
        run(
            "INSERT INTO approval_queue_counts (approver_id, connection_id, entity_code, currency, assigned_ordinal, n,
                 amount_minor)
             SELECT approver_id, connection_id, entity_code, currency, assigned_ordinal, SUM(n), SUM(amount_minor)
             FROM temp.queue_moves GROUP BY 1, 2, 3, 4, 5
             ON CONFLICT (approver_id, connection_id, entity_code, currency, assigned_ordinal)
             DO UPDATE SET n = n + excluded.n, amount_minor = amount_minor + excluded.amount_minor",
        )?;
        run("DELETE FROM approval_queue_counts
             WHERE n = 0 AND (approver_id, connection_id, entity_code, currency, assigned_ordinal) IN (
                 SELECT approver_id, connection_id, entity_code, currency, assigned_ordinal FROM temp.queue_moves)")?;

        run("DELETE FROM temp.queue_numbers")?;
        run("INSERT OR IGNORE INTO temp.queue_numbers (number)
             SELECT w.number FROM temp.queue_wanted w
             LEFT JOIN approval_queue_keys k ON k.connection_id = w.connection_id AND k.external_id = w.external_id
             WHERE k.number IS NOT w.number")?;
        add_numbers(conn, "temp.queue_numbers")?;

        run("DELETE FROM approval_queue_keys WHERE (connection_id, external_id) IN (
                 SELECT q.connection_id, q.external_id FROM temp.queue_steps q
                 WHERE NOT EXISTS (SELECT 1 FROM temp.queue_wanted w
                                   WHERE w.connection_id = q.connection_id AND w.external_id = q.external_id))")?;
        for column in COLUMNS {
            // (Not UPDATE … FROM: SQLite would rather walk the keys than the few wanted rows.)
            run(&format!(
                "UPDATE approval_queue_keys SET {column} = (
                     SELECT w.{column} FROM temp.queue_wanted w
                     WHERE w.connection_id = approval_queue_keys.connection_id
                       AND w.external_id = approval_queue_keys.external_id)
                 WHERE (connection_id, external_id) IN (
                     SELECT w.connection_id, w.external_id FROM temp.queue_wanted w
                     CROSS JOIN approval_queue_keys k ON k.connection_id = w.connection_id
                       AND k.external_id = w.external_id
                     WHERE k.{column} IS NOT w.{column})"
            ))?;
        }
        run(&format!(
            "INSERT INTO approval_queue_keys ({KEY_COLUMNS}) SELECT {KEY_COLUMNS} FROM temp.queue_wanted w
             WHERE NOT EXISTS (SELECT 1 FROM approval_queue_keys k
                               WHERE k.connection_id = w.connection_id AND k.external_id = w.external_id)"
        ))?;
        run("DELETE FROM temp.queue_steps")?;
        Ok(())
    }
}
