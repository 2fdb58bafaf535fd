-- Text search over an exception's summary, invoice and supplier: a trigram index finds any
-- text of three characters or more without reading every row. It indexes the rows of
-- `exceptions` (external content) and follows them by trigger.
CREATE VIRTUAL TABLE exception_text USING fts5(
    summary, invoice_ref, supplier_ref,
    content = 'exceptions', content_rowid = 'rowid', tokenize = 'trigram'
);

CREATE TRIGGER exception_text_added AFTER INSERT ON exceptions BEGIN
    INSERT INTO exception_text (rowid, summary, invoice_ref, supplier_ref)
    VALUES (new.rowid, new.summary, new.invoice_ref, new.supplier_ref);
END;

-- The rules rewrite a summary on every update; only a real change touches the index.
CREATE TRIGGER exception_text_changed AFTER UPDATE OF summary, invoice_ref, supplier_ref ON exceptions
WHEN old.summary IS NOT new.summary OR old.invoice_ref IS NOT new.invoice_ref
  OR old.supplier_ref IS NOT new.supplier_ref BEGIN
    INSERT INTO exception_text (exception_text, rowid, summary, invoice_ref, supplier_ref)
    VALUES ('delete', old.rowid, old.summary, old.invoice_ref, old.supplier_ref);
    INSERT INTO exception_text (rowid, summary, invoice_ref, supplier_ref)
    VALUES (new.rowid, new.summary, new.invoice_ref, new.supplier_ref);
END;

CREATE TRIGGER exception_text_removed AFTER DELETE ON exceptions BEGIN
    INSERT INTO exception_text (exception_text, rowid, summary, invoice_ref, supplier_ref)
    VALUES ('delete', old.rowid, old.summary, old.invoice_ref, old.supplier_ref);
END;

INSERT INTO exception_text (exception_text) VALUES ('rebuild');
