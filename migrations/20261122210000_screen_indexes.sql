-- The close board's period list (each period of an entity, and whether all its tasks are
-- reviewed) from this index, without reading each task.
CREATE INDEX source_records_close_status ON source_records (
    json_extract(payload, '$.company_code'), json_extract(payload, '$.period'), json_extract(payload, '$.status')
) WHERE resource = 'close_tasks';

-- Payment instructions, newest first, paged from a cursor: all of them, by status, or one run's.
-- The connection and id are named as columns so the order (newest, connection, id) is the
-- index's own and a first page reads no more than it shows.
DROP INDEX source_records_instructions_recent;
CREATE INDEX source_records_instructions_recent ON source_records (
    json_extract(payload, '$.modified_at'), connection_id, external_id
) WHERE resource = 'payment_instructions';
DROP INDEX source_records_instructions_by_status;
CREATE INDEX source_records_instructions_by_status ON source_records (
    json_extract(payload, '$.status'), json_extract(payload, '$.modified_at'), connection_id, external_id
) WHERE resource = 'payment_instructions';
CREATE INDEX source_records_instructions_by_run_recent ON source_records (
    json_extract(payload, '$.run_id'), json_extract(payload, '$.modified_at'), connection_id, external_id
) WHERE resource = 'payment_instructions';

-- Each run's instructions per ISO status, kept as the mirror changes: the runs list reads its
-- settled / rejected / in-flight counts from here instead of counting every instruction.
CREATE TABLE payment_run_counts (
    run_id  TEXT NOT NULL,
    status  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (run_id, status)
) WITHOUT ROWID;

INSERT INTO payment_run_counts (run_id, status, n)
SELECT json_extract(payload, '$.run_id'), json_extract(payload, '$.status'), COUNT(*)
FROM source_records WHERE resource = 'payment_instructions' GROUP BY 1, 2;

CREATE TRIGGER payment_run_counts_added AFTER INSERT ON source_records
WHEN new.resource = 'payment_instructions' BEGIN
    INSERT INTO payment_run_counts (run_id, status, n)
    VALUES (json_extract(new.payload, '$.run_id'), json_extract(new.payload, '$.status'), 1)
    ON CONFLICT (run_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER payment_run_counts_changed AFTER UPDATE OF payload ON source_records
WHEN new.resource = 'payment_instructions' BEGIN
    UPDATE payment_run_counts SET n = n - 1
    WHERE run_id = json_extract(old.payload, '$.run_id') AND status = json_extract(old.payload, '$.status');
    INSERT INTO payment_run_counts (run_id, status, n)
    VALUES (json_extract(new.payload, '$.run_id'), json_extract(new.payload, '$.status'), 1)
    ON CONFLICT (run_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER payment_run_counts_removed AFTER DELETE ON source_records
WHEN old.resource = 'payment_instructions' BEGIN
    UPDATE payment_run_counts SET n = n - 1
    WHERE run_id = json_extract(old.payload, '$.run_id') AND status = json_extract(old.payload, '$.status');
END;
