//! The log is copied back into the database in the background, not by the commit that grows it.

use std::time::Duration;

use store::Store;

#[tokio::test]
async fn a_background_checkpointer_copies_the_log_back_into_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mirror.db");
    let store = Store::open(&path).await.unwrap();
    // Wait for the checkpoint of the migrations, so what follows is the only thing in the log.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let before = std::fs::metadata(&path).unwrap().len();
    // About 3,000 pages (12 MB): past SQLite's default of 1,000, at which the commit would copy
    // the log back itself, and below the writer's own threshold of 10,000.
    sqlx::query(
        "CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT NOT NULL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO filler (n, text) SELECT i, printf('%.500c', 'x') FROM n;",
    )
    .execute(store.writer())
    .await
    .unwrap();
    let committed = std::fs::metadata(&path).unwrap().len();
    assert!(committed < before + 100_000, "the commit itself copied the log back");
    let mut copied = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if std::fs::metadata(&path).unwrap().len() > before + 10_000_000 {
            copied = true;
            break;
        }
    }
    assert!(copied, "nothing copied the log back into the database within 4 s");
    store.close().await;
}
