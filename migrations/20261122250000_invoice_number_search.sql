-- A queue search whose text may be part of an invoice number reads the steps of the few numbers
-- a trigram index finds (looked up in approval_queue_number) instead of every pending step.
-- approval_queue_keys is WITHOUT ROWID, so the index sits on a table of its own:
--
-- invoice_numbers holds the distinct invoice numbers of the keys. Numbers are only ever added
-- (like invoice_number_pairs): a stale one costs a search one more candidate, nothing else; the
-- search's LIKE still decides which steps match.
CREATE TABLE invoice_numbers (
    number  TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE invoice_number_text USING fts5(
    number, content = 'invoice_numbers', content_rowid = 'rowid', tokenize = 'trigram'
);

INSERT INTO invoice_numbers (number) SELECT DISTINCT number FROM approval_queue_keys ORDER BY number;
INSERT INTO invoice_number_text (invoice_number_text) VALUES ('rebuild');

CREATE TRIGGER invoice_numbers_added AFTER INSERT ON invoice_numbers BEGIN
    INSERT INTO invoice_number_text (rowid, number) VALUES (new.rowid, new.number);
END;

CREATE TRIGGER invoice_numbers_removed AFTER DELETE ON invoice_numbers BEGIN
    INSERT INTO invoice_number_text (invoice_number_text, rowid, number) VALUES ('delete', old.rowid, old.number);
END;

-- A key's number joins them as the key is inserted (while the keys are built; their bulk rebuild
-- adds the numbers of all it inserts). An upsert, not INSERT OR IGNORE: an outer upsert would
-- override an OR IGNORE.
CREATE TRIGGER invoice_numbers_kept AFTER INSERT ON approval_queue_keys
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    INSERT INTO invoice_numbers (number) VALUES (new.number) ON CONFLICT (number) DO NOTHING;
END;
