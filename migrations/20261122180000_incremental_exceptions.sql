-- Incremental exception derivation: after a sync, only the records that changed (and those
-- derived together with them) are looked at again.

-- The mirror records each exception was derived from ("connection/resource/external_id"), so a
-- change to one finds the exceptions that may have cleared. Rows are only ever added: an
-- exception's id names its records, so its anchors never change.
CREATE TABLE exception_anchors (
    anchor        TEXT NOT NULL,
    exception_id  TEXT NOT NULL REFERENCES exceptions (id),
    PRIMARY KEY (anchor, exception_id)
) WITHOUT ROWID;

-- When a run began (wall clock): records synced after it are re-derived by the next run.
ALTER TABLE exception_runs ADD COLUMN watermark TEXT;
ALTER TABLE exception_runs ADD COLUMN full_pass INTEGER NOT NULL DEFAULT 1;

-- What duplicate detection blocks on, per posted invoice, so a changed invoice finds the
-- few it could duplicate without reading every invoice.
CREATE TABLE duplicate_keys (
    connection_id  TEXT NOT NULL,
    external_id    TEXT NOT NULL,
    currency       TEXT NOT NULL,
    supplier       TEXT NOT NULL,
    number         TEXT NOT NULL,    -- normalized invoice number
    amount_minor   INTEGER NOT NULL, -- rounded to the currency
    PRIMARY KEY (connection_id, external_id)
) WITHOUT ROWID;
CREATE INDEX duplicate_keys_supplier ON duplicate_keys (currency, supplier, amount_minor);
CREATE INDEX duplicate_keys_number ON duplicate_keys (currency, number, amount_minor);
CREATE INDEX duplicate_keys_amount ON duplicate_keys (currency, amount_minor);

-- From a changed record to the records derived together with it.
CREATE INDEX source_records_posted_by_po ON source_records (json_extract(payload, '$.purchase_order_id'))
    WHERE resource = 'posted_invoices';
CREATE INDEX source_records_receipts_by_po ON source_records (json_extract(payload, '$.purchase_order_id'))
    WHERE resource = 'goods_receipts';
CREATE INDEX source_records_posted_by_ap ON source_records (json_extract(payload, '$.ap_reference'))
    WHERE resource = 'posted_invoices';
CREATE INDEX source_records_errors_by_ap ON source_records (json_extract(payload, '$.ap_reference'))
    WHERE resource = 'posting_errors';
CREATE INDEX source_records_instructions_by_supplier ON source_records (json_extract(payload, '$.supplier_id'))
    WHERE resource = 'payment_instructions';
CREATE INDEX source_records_bank_changes_by_supplier ON source_records (json_extract(payload, '$.supplier_id'))
    WHERE resource = 'bank_account_changes';

-- AP records synced since the last run.
CREATE INDEX invoices_fetched ON invoices (fetched_at);
CREATE INDEX approvals_fetched ON approvals (fetched_at);
CREATE INDEX suppliers_fetched ON suppliers (fetched_at);
