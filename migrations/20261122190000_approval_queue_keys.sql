-- The approval queue walks an index in the order asked for and stops after a page, instead of
-- joining and sorting an approver's whole queue.
--
-- approval_queue_keys holds one row per pending approval step whose invoice is mirrored (the
-- steps the queue's joins keep), with the invoice's and supplier's fields it sorts and searches
-- on. Triggers keep it in step with approvals, invoices and suppliers, whichever arrives first
-- and whatever writes them. Steps that are not pending but whose last action was refused are
-- few and read from the outbox, not from here.
--
-- A full pull rewrites every step and invoice: keeping six indexes in step row by row would cost
-- several times the pull itself. So a full pull suspends the keys (approval_queue_state.built = 0:
-- the triggers do nothing, the queue reads the mirror's tables as it used to) and the end of the
-- sync run rebuilds them in bulk (store::approval_queue::rebuild_if_suspended).
CREATE TABLE approval_queue_state (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    built  INTEGER NOT NULL
);
INSERT INTO approval_queue_state (id, built) VALUES (1, 1);

CREATE TABLE approval_queue_keys (
    connection_id         TEXT NOT NULL,
    external_id           TEXT NOT NULL,    -- the approval step
    approver_id           TEXT NOT NULL,
    entity_code           TEXT NOT NULL,
    assigned_ordinal      INTEGER NOT NULL,
    invoice_external_id   TEXT NOT NULL,
    supplier_external_id  TEXT NOT NULL,
    number                TEXT NOT NULL,
    due_date              TEXT NOT NULL,
    currency              TEXT NOT NULL,
    total_minor           INTEGER NOT NULL,
    supplier_key          TEXT NOT NULL,    -- lower(supplier name), '' while the supplier is not mirrored
    PRIMARY KEY (connection_id, external_id)
) WITHOUT ROWID;

INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
    invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
SELECT a.connection_id, a.external_id, a.approver_id, a.entity_code, a.assigned_ordinal,
       a.invoice_external_id, i.supplier_external_id, i.number, i.due_date, i.currency, i.total_minor,
       lower(COALESCE(s.name, ''))
FROM approvals a
JOIN invoices i ON i.connection_id = a.connection_id AND i.external_id = a.invoice_external_id
LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
WHERE a.status = 'pending'
ORDER BY a.connection_id, a.external_id;

-- One index per sort, each an approver's queue per entity in that order (an entity's ages are
-- its "today" minus the assigned ordinal, so ascending age is descending ordinal). Each carries the
-- assigned ordinal, so an aging filter is checked in the index. The supplier index carries every
-- other sort key, the currency and the amount too: a search reads the steps it matches from it
-- alone, then sorts those. (A rebuild drops and re-creates every index of the table as found here.)
CREATE INDEX approval_queue_due ON approval_queue_keys (
    approver_id, connection_id, entity_code, due_date, external_id, assigned_ordinal);
CREATE INDEX approval_queue_amount ON approval_queue_keys (
    approver_id, connection_id, entity_code, total_minor, external_id, assigned_ordinal);
CREATE INDEX approval_queue_age ON approval_queue_keys (
    approver_id, connection_id, entity_code, assigned_ordinal DESC, external_id);
CREATE INDEX approval_queue_supplier ON approval_queue_keys (
    approver_id, connection_id, entity_code, supplier_key, external_id,
    assigned_ordinal, number, due_date, total_minor, currency);
CREATE INDEX approval_queue_number ON approval_queue_keys (
    approver_id, connection_id, entity_code, number, external_id, assigned_ordinal);
-- A supplier's rename finds its steps.
CREATE INDEX approval_queue_by_supplier ON approval_queue_keys (connection_id, supplier_external_id);
-- A search finds the matching supplier names without reading the suppliers' other columns.
CREATE INDEX suppliers_by_name ON suppliers (name);

-- Pending steps and their amounts per approver, entity, currency and assigned day: the queue's
-- total and the aging summary add up a few rows of this instead of counting the queue.
CREATE TABLE approval_queue_counts (
    approver_id       TEXT NOT NULL,
    connection_id     TEXT NOT NULL,
    entity_code       TEXT NOT NULL,
    currency          TEXT NOT NULL,
    assigned_ordinal  INTEGER NOT NULL,
    n                 INTEGER NOT NULL,
    amount_minor      INTEGER NOT NULL,
    PRIMARY KEY (approver_id, connection_id, entity_code, currency, assigned_ordinal)
) WITHOUT ROWID;

INSERT INTO approval_queue_counts (approver_id, connection_id, entity_code, currency, assigned_ordinal, n, amount_minor)
SELECT approver_id, connection_id, entity_code, currency, assigned_ordinal, COUNT(*), SUM(total_minor)
FROM approval_queue_keys
GROUP BY 1, 2, 3, 4, 5;

-- Every pair of adjacent characters (ASCII lowered, as LIKE compares) of the invoice numbers of
-- the keys, '*' if a number is longer than the positions below. A search with a pair no number
-- has can only match supplier names, which the queue then reads supplier by supplier instead of
-- step by step. Pairs are only ever added (until a rebuild): a stale one costs a search a scan.
CREATE TABLE invoice_number_pairs (
    pair  TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TABLE invoice_number_positions (
    i  INTEGER PRIMARY KEY NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 128)
INSERT INTO invoice_number_positions (i) SELECT i FROM n;

INSERT INTO invoice_number_pairs (pair)
SELECT DISTINCT lower(substr(k.number, p.i, 2))
FROM approval_queue_keys k JOIN invoice_number_positions p ON p.i < length(k.number);
INSERT OR IGNORE INTO invoice_number_pairs (pair)
SELECT '*' FROM approval_queue_keys WHERE length(number) > 128 LIMIT 1;

-- The counts and the pairs follow the keys, which are only ever inserted and deleted (but for
-- supplier_key). (Upserts, not INSERT OR IGNORE: an outer upsert would override an OR IGNORE.)
CREATE TRIGGER approval_queue_keys_added AFTER INSERT ON approval_queue_keys
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    INSERT INTO approval_queue_counts (
        approver_id, connection_id, entity_code, currency, assigned_ordinal, n, amount_minor)
    VALUES (new.approver_id, new.connection_id, new.entity_code, new.currency, new.assigned_ordinal, 1, new.total_minor)
    ON CONFLICT (approver_id, connection_id, entity_code, currency, assigned_ordinal)
    DO UPDATE SET n = n + 1, amount_minor = amount_minor + excluded.amount_minor;
    INSERT INTO invoice_number_pairs (pair)
    SELECT lower(substr(new.number, p.i, 2)) FROM invoice_number_positions p WHERE p.i < length(new.number)
    ON CONFLICT (pair) DO NOTHING;
    INSERT INTO invoice_number_pairs (pair) SELECT '*' WHERE length(new.number) > 128 ON CONFLICT (pair) DO NOTHING;
END;

CREATE TRIGGER approval_queue_keys_removed AFTER DELETE ON approval_queue_keys
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    UPDATE approval_queue_counts SET n = n - 1, amount_minor = amount_minor - old.total_minor
    WHERE approver_id = old.approver_id AND connection_id = old.connection_id AND entity_code = old.entity_code
      AND currency = old.currency AND assigned_ordinal = old.assigned_ordinal;
    DELETE FROM approval_queue_counts
    WHERE approver_id = old.approver_id AND connection_id = old.connection_id AND entity_code = old.entity_code
      AND currency = old.currency AND assigned_ordinal = old.assigned_ordinal AND n = 0;
END;

-- An approval step enters the keys while it is pending and its invoice is mirrored. (Upserts
-- that change a stored step fire the UPDATE triggers.) Keys are deleted before they are inserted
-- again, never replaced: a REPLACE would skip the counts' delete trigger.
CREATE TRIGGER approval_queue_step_added AFTER INSERT ON approvals
WHEN new.status = 'pending' AND (SELECT built FROM approval_queue_state) = 1
BEGIN
    INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
        invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
    SELECT new.connection_id, new.external_id, new.approver_id, new.entity_code, new.assigned_ordinal,
           new.invoice_external_id, i.supplier_external_id, i.number, i.due_date, i.currency, i.total_minor,
           lower(COALESCE(s.name, ''))
    FROM invoices i
    LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
    WHERE i.connection_id = new.connection_id AND i.external_id = new.invoice_external_id;
END;

CREATE TRIGGER approval_queue_step_changed AFTER UPDATE ON approvals
WHEN (old.status IS NOT new.status OR old.approver_id IS NOT new.approver_id
      OR old.entity_code IS NOT new.entity_code OR old.assigned_ordinal IS NOT new.assigned_ordinal
      OR old.invoice_external_id IS NOT new.invoice_external_id
      OR old.connection_id IS NOT new.connection_id OR old.external_id IS NOT new.external_id)
  AND (SELECT built FROM approval_queue_state) = 1
BEGIN
    DELETE FROM approval_queue_keys WHERE connection_id = old.connection_id AND external_id = old.external_id;
    INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
        invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
    SELECT new.connection_id, new.external_id, new.approver_id, new.entity_code, new.assigned_ordinal,
           new.invoice_external_id, i.supplier_external_id, i.number, i.due_date, i.currency, i.total_minor,
           lower(COALESCE(s.name, ''))
    FROM invoices i
    LEFT JOIN suppliers s ON s.connection_id = i.connection_id AND s.external_id = i.supplier_external_id
    WHERE new.status = 'pending' AND i.connection_id = new.connection_id AND i.external_id = new.invoice_external_id;
END;

CREATE TRIGGER approval_queue_step_removed AFTER DELETE ON approvals
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    DELETE FROM approval_queue_keys WHERE connection_id = old.connection_id AND external_id = old.external_id;
END;

-- An invoice arriving after its steps brings them in; a change to what the queue sorts or
-- searches on moves them.
CREATE TRIGGER approval_queue_invoice_added AFTER INSERT ON invoices
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
        invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
    SELECT a.connection_id, a.external_id, a.approver_id, a.entity_code, a.assigned_ordinal,
           a.invoice_external_id, new.supplier_external_id, new.number, new.due_date, new.currency, new.total_minor,
           lower(COALESCE((SELECT s.name FROM suppliers s
                           WHERE s.connection_id = new.connection_id AND s.external_id = new.supplier_external_id), ''))
    FROM approvals a
    WHERE a.connection_id = new.connection_id AND a.invoice_external_id = new.external_id AND a.status = 'pending';
END;

CREATE TRIGGER approval_queue_invoice_changed AFTER UPDATE ON invoices
WHEN (old.supplier_external_id IS NOT new.supplier_external_id OR old.number IS NOT new.number
      OR old.due_date IS NOT new.due_date OR old.currency IS NOT new.currency
      OR old.total_minor IS NOT new.total_minor
      OR old.connection_id IS NOT new.connection_id OR old.external_id IS NOT new.external_id)
  AND (SELECT built FROM approval_queue_state) = 1
BEGIN
    DELETE FROM approval_queue_keys
    WHERE connection_id = old.connection_id AND external_id IN (
        SELECT a.external_id FROM approvals a
        WHERE a.connection_id = old.connection_id AND a.invoice_external_id = old.external_id);
    INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
        invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
    SELECT a.connection_id, a.external_id, a.approver_id, a.entity_code, a.assigned_ordinal,
           a.invoice_external_id, new.supplier_external_id, new.number, new.due_date, new.currency, new.total_minor,
           lower(COALESCE((SELECT s.name FROM suppliers s
                           WHERE s.connection_id = new.connection_id AND s.external_id = new.supplier_external_id), ''))
    FROM approvals a
    WHERE a.connection_id = new.connection_id AND a.invoice_external_id = new.external_id AND a.status = 'pending';
END;

CREATE TRIGGER approval_queue_invoice_removed AFTER DELETE ON invoices
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    DELETE FROM approval_queue_keys
    WHERE connection_id = old.connection_id AND external_id IN (
        SELECT a.external_id FROM approvals a
        WHERE a.connection_id = old.connection_id AND a.invoice_external_id = old.external_id);
END;

-- A supplier's name is the supplier sort key of its invoices' steps.
CREATE TRIGGER approval_queue_supplier_added AFTER INSERT ON suppliers
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    UPDATE approval_queue_keys SET supplier_key = lower(new.name)
    WHERE connection_id = new.connection_id AND supplier_external_id = new.external_id;
END;

CREATE TRIGGER approval_queue_supplier_renamed AFTER UPDATE OF name ON suppliers
WHEN old.name IS NOT new.name AND (SELECT built FROM approval_queue_state) = 1
BEGIN
    UPDATE approval_queue_keys SET supplier_key = lower(new.name)
    WHERE connection_id = new.connection_id AND supplier_external_id = new.external_id;
END;

CREATE TRIGGER approval_queue_supplier_removed AFTER DELETE ON suppliers
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    UPDATE approval_queue_keys SET supplier_key = ''
    WHERE connection_id = old.connection_id AND supplier_external_id = old.external_id;
END;
