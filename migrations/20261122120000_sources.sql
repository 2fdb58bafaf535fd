-- ERP and treasury records, mirrored in their canonical JSON form per (connection, resource),
-- and what a connection needs beyond its URL and keyring entry.
ALTER TABLE connections ADD COLUMN client_id TEXT;
-- Seconds between scheduled syncs of the connection; 0 means the app's default.
ALTER TABLE connections ADD COLUMN sync_every_secs INTEGER NOT NULL DEFAULT 0;

CREATE TABLE source_records (
    connection_id TEXT NOT NULL REFERENCES connections (id),
    resource TEXT NOT NULL,
    external_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    payload TEXT NOT NULL,
    synced_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, resource, external_id)
) WITHOUT ROWID;
