use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};

use crate::Result;

/// The mirror database. All writes go through one connection, so SQLite never returns "busy" to
/// a writer; reads use a pool and see committed data thanks to WAL; a connection of its own
/// copies the log back into the database in the background (`checkpoints`).
#[derive(Clone, Debug)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
    checkpointer: SqlitePool,
}

/// How often the background checkpointer copies the log back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies what the log holds back into the database every `CHECKPOINT_EVERY`, beside the
/// writer (a passive checkpoint never blocks it), until the store is closed. A commit then only
/// writes its own pages: with SQLite's default the commit that took the log past 1,000 pages
/// copied them all itself, inside a sync's or a person's write.
async fn checkpoints(pool: SqlitePool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "background checkpoint failed; the next one tries again");
        }
    }
}

impl Store {
    /// Opens (creating if needed) the mirror at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Store> {
        let base = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // A 64 MiB page cache per connection keeps b-tree interiors in memory during syncs.
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory")
            // Pages beyond the cache are read through a mapping instead of a read call each: a
            // delta's random reads into a large mirror (steps, keys, indexes) cost half as much.
            // (2 GiB - 64 KiB, SQLite's default ceiling.)
            .pragma("mmap_size", "2147418112");
        // The writer checkpoints itself only if the log passes 40 MiB before the background
        // checkpointer gets to it (a bulk load writing faster than it copies).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base.clone().pragma("wal_autocheckpoint", "10000"))
            .await?;
        sqlx::migrate!("../../../migrations").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(base.clone().read_only(true))
            .await?;
        let checkpointer = SqlitePoolOptions::new().max_connections(1).connect_with(base).await?;
        tokio::spawn(checkpoints(checkpointer.clone()));
        Ok(Store {
            writer,
            reader,
            checkpointer,
        })
    }

    /// Starts the single write transaction; callers keep data and cursors in the same one.
    pub async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin().await?)
    }

    pub fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    pub fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    pub async fn close(&self) {
        self.checkpointer.close().await;
        self.reader.close().await;
        self.writer.close().await;
    }
}
