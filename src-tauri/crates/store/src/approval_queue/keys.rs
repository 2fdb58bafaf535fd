//! The kept sort keys and counts behind the queue (`approval_queue_keys`, `approval_queue_counts`,
//! `invoice_number_pairs`, `invoice_numbers`): triggers keep them in step with each write (see their migration); a
//! connection's first pull suspends them instead and they are rebuilt in bulk at the end.

use sqlx::SqliteConnection;

use crate::{Result, Store};

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

/// Rebuilds suspended keys in bulk, in one transaction: their indexes are dropped, the keys,
/// counts and number pairs recomputed from the mirror (and the keys' numbers added to
/// `invoice_numbers`), and the indexes created again (sorting once is far cheaper than keeping
/// six indexes in step row by row). Returns whether it rebuilt.
pub async fn rebuild_if_suspended(store: &Store) -> Result<bool> {
    let started = std::time::Instant::now();
    let mut tx = store.begin().await?;
    if built(&mut tx).await? {
        return Ok(false);
    }
    let indexes = sqlx::query!(
        r#"SELECT name AS "name!: String", sql AS "sql!: String" FROM sqlite_master
           WHERE type = 'index' AND tbl_name = 'approval_queue_keys' AND sql IS NOT NULL"#
    )
    .fetch_all(&mut *tx)
    .await?;
    for index in &indexes {
        sqlx::query(&format!("DROP INDEX \"{}\"", index.name.replace('"', "\"\"")))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query!("DELETE FROM approval_queue_keys")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM approval_queue_counts")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM invoice_number_pairs")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
             invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
         SELECT a.connection_id, a.external_id, a.approver_id, a.entity_code, a.assigned_ordinal,
                a.invoice_external_id, i.supplier_external_id, i.number, i.due_date, i.currency, i.total_minor,
                lower(COALESCE(s.name, ''))
         FROM approvals a
         JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
         LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
         WHERE a.status = 'pending'
         ORDER BY a.connection_id, a.external_id"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO approval_queue_counts (approver_id, connection_id, entity_code, currency, assigned_ordinal, n,
             amount_minor)
         SELECT approver_id, connection_id, entity_code, currency, assigned_ordinal, COUNT(*), SUM(total_minor)
         FROM approval_queue_keys
         GROUP BY 1, 2, 3, 4, 5"
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO invoice_number_pairs (pair)
         SELECT DISTINCT lower(substr(k.number, p.i, 2))
         FROM approval_queue_keys k JOIN invoice_number_positions p ON p.i < length(k.number)
         UNION
         SELECT '*' FROM approval_queue_keys WHERE length(number) > (SELECT MAX(i) FROM invoice_number_positions)"
    )
    .execute(&mut *tx)
    .await?;
    // Numbers are only added (see invoice_numbers). (WHERE true: without it, SQLite would read
    // ON CONFLICT as a join's ON.)
    sqlx::query!(
        "INSERT INTO invoice_numbers (number)
         SELECT DISTINCT number FROM approval_queue_keys WHERE true
         ON CONFLICT (number) DO NOTHING"
    )
    .execute(&mut *tx)
    .await?;
    for index in &indexes {
        sqlx::query(&index.sql).execute(&mut *tx).await?;
    }
    sqlx::query!("UPDATE approval_queue_state SET built = 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(ms = started.elapsed().as_millis() as u64, "approval queue keys rebuilt");
    Ok(true)
}
