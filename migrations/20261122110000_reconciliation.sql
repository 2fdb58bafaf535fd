-- Reconciliation: bank statements and ledger cash entries side by side, the matches between them,
-- matching runs, account reconciliations with certification, and the period FX rates intercompany
-- amounts are converted at. Money is integer minor units plus the ISO 4217 currency; dates are
-- YYYY-MM-DD text, timestamps RFC 3339 UTC text.

-- The bank accounts being reconciled: who owns them and the book balance they start from.
CREATE TABLE bank_accounts (
    iban                 TEXT PRIMARY KEY NOT NULL, -- the IBAN, or the account number where the bank sends no IBAN
    entity_code          TEXT,                      -- the owning legal entity; NULL for an account only a file named
    currency             TEXT NOT NULL,
    name                 TEXT NOT NULL,
    -- The ledger (book) balance at the start of ledger_opening_date. Without it the earliest
    -- statement's opening balance stands in (the books agreed with the bank when history starts).
    ledger_opening_minor INTEGER,
    ledger_opening_date  TEXT,
    created_at           TEXT NOT NULL,
    CHECK ((ledger_opening_minor IS NULL) = (ledger_opening_date IS NULL))
);

-- One row per statement (camt.053 Stmt, MT940 message, BAI2 account group) imported. A statement
-- whose balances do not add up is kept and flagged, never corrected.
CREATE TABLE bank_statements (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_iban     TEXT NOT NULL REFERENCES bank_accounts(iban),
    -- Format, bank statement id and balance dates: the same statement read again has the same key.
    statement_key    TEXT NOT NULL,
    statement_ref    TEXT NOT NULL,   -- the bank's own statement id
    format           TEXT NOT NULL,   -- camt.053, MT940, …
    version          TEXT NOT NULL,   -- camt.053.001.08, …
    currency         TEXT NOT NULL,
    opening_minor    INTEGER,
    opening_date     TEXT,
    closing_minor    INTEGER,
    closing_date     TEXT,
    -- The last day the statement covers: the closing balance date, else its last entry's date.
    end_date         TEXT NOT NULL,
    balance_check    TEXT NOT NULL CHECK (balance_check IN ('adds_up', 'mismatch', 'not_checkable')),
    balance_note     TEXT,            -- why it does not add up or cannot be checked
    entry_count      INTEGER NOT NULL,
    parser_notes     TEXT,            -- what the parser fixed or noticed, one per line
    source_file      TEXT NOT NULL,
    imported_at      TEXT NOT NULL,
    imported_by      TEXT NOT NULL,
    UNIQUE (account_iban, statement_key)
);

-- Statement entries. UNIQUE(account, entry key) makes importing the same file twice add nothing.
CREATE TABLE bank_entries (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    account_iban      TEXT NOT NULL REFERENCES bank_accounts(iban),
    entry_key         TEXT NOT NULL,  -- bankfile's stable key: AcctSvcrRef, else statement id/sequence
    statement_id      INTEGER NOT NULL REFERENCES bank_statements(id),
    sequence          INTEGER NOT NULL,
    booking_date      TEXT NOT NULL,  -- booking date, else value date, else the statement's date
    value_date        TEXT,
    amount_minor      INTEGER NOT NULL, -- signed: money into the account positive
    currency          TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('booked', 'pending', 'info')),
    reversal          INTEGER NOT NULL,
    end_to_end_id     TEXT NOT NULL,
    reference         TEXT NOT NULL,
    counterparty_name TEXT NOT NULL,
    counterparty_iban TEXT NOT NULL,
    remittance        TEXT NOT NULL,
    bank_tx_code      TEXT,
    -- When the matching run that first found this entry open ran; NULL while it is matched.
    open_since        TEXT,
    UNIQUE (account_iban, entry_key)
);
CREATE INDEX bank_entries_by_date ON bank_entries (account_iban, booking_date);
CREATE INDEX bank_entries_by_statement ON bank_entries (statement_id);

-- Ledger cash entries on the bank GL accounts (LEDGER.csv imports, the demo generator).
CREATE TABLE ledger_entries (
    id            TEXT PRIMARY KEY NOT NULL,
    account_iban  TEXT NOT NULL REFERENCES bank_accounts(iban),
    booking_date  TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,   -- signed: money into the bank account positive
    currency      TEXT NOT NULL,
    reference     TEXT NOT NULL,
    counterparty  TEXT NOT NULL,
    description   TEXT NOT NULL,
    source        TEXT NOT NULL,      -- the file name, or "demo"
    imported_at   TEXT NOT NULL,
    open_since    TEXT                -- as bank_entries.open_since
);
CREATE INDEX ledger_entries_by_date ON ledger_entries (account_iban, booking_date);

-- Matching runs: what ran with which rules, and what it found.
CREATE TABLE recon_runs (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at         TEXT NOT NULL,
    finished_at        TEXT NOT NULL,
    actor_id           TEXT NOT NULL,
    rules              TEXT NOT NULL,   -- JSON of the rule set, so the next run and a simulation start from it
    bank_lines         INTEGER NOT NULL,
    ledger_entries     INTEGER NOT NULL,
    automatic          INTEGER NOT NULL,
    suggested          INTEGER NOT NULL,
    manual             INTEGER NOT NULL,
    added              INTEGER NOT NULL,
    removed            INTEGER NOT NULL,
    changed            INTEGER NOT NULL,
    unchanged          INTEGER NOT NULL,
    open_bank          INTEGER NOT NULL,
    open_ledger        INTEGER NOT NULL,
    -- Break aging against the run before: opened since, still open, closed since.
    breaks_new         INTEGER NOT NULL,
    breaks_persisting  INTEGER NOT NULL,
    breaks_resolved    INTEGER NOT NULL,
    passes             TEXT NOT NULL    -- JSON: per pass, automatic and suggested counts
);

-- Matches: made by the engine (auto, suggested) or a person (manual, or an accepted suggestion).
-- A person's "no" (reject, unmatch) is kept, so later runs do not propose the same group again.
CREATE TABLE recon_matches (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    rule           TEXT NOT NULL,
    confidence_bp  INTEGER NOT NULL CHECK (confidence_bp BETWEEN 0 AND 10000),
    reason         TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('auto', 'suggested', 'manual')),
    status         TEXT NOT NULL CHECK (status IN ('active', 'rejected', 'unmatched')),
    -- Sorted item ids ("b:12,b:40|l:L-7"): the same group across runs, whatever its match id.
    items_key      TEXT NOT NULL,
    run_id         INTEGER REFERENCES recon_runs(id),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,   -- a user id, or "engine"
    decided_at     TEXT,
    decided_by     TEXT,
    note           TEXT
);
CREATE INDEX recon_matches_by_state ON recon_matches (status, kind, confidence_bp);
CREATE INDEX recon_matches_by_items ON recon_matches (items_key);

CREATE TABLE recon_match_items (
    match_id         INTEGER NOT NULL REFERENCES recon_matches(id) ON DELETE CASCADE,
    bank_entry_id    INTEGER REFERENCES bank_entries(id),
    ledger_entry_id  TEXT REFERENCES ledger_entries(id),
    -- Mirrors the match's status = 'active'; with the indexes below an item is in one active match at most.
    active           INTEGER NOT NULL,
    CHECK ((bank_entry_id IS NULL) <> (ledger_entry_id IS NULL))
);
CREATE INDEX recon_match_items_by_match ON recon_match_items (match_id);
CREATE UNIQUE INDEX recon_match_items_one_active_bank ON recon_match_items (bank_entry_id)
    WHERE active = 1 AND bank_entry_id IS NOT NULL;
CREATE UNIQUE INDEX recon_match_items_one_active_ledger ON recon_match_items (ledger_entry_id)
    WHERE active = 1 AND ledger_entry_id IS NOT NULL;

-- Account reconciliations per bank account and period (YYYY-MM): the figures the preparer
-- certified, and the reviewer's certification, which locks the period.
CREATE TABLE account_recs (
    account_iban              TEXT NOT NULL REFERENCES bank_accounts(iban),
    period                    TEXT NOT NULL,
    currency                  TEXT NOT NULL,
    statement_closing_minor   INTEGER NOT NULL,
    ledger_balance_minor      INTEGER NOT NULL,
    difference_minor          INTEGER NOT NULL,
    open_items_minor          INTEGER NOT NULL,
    open_item_count           INTEGER NOT NULL,
    prepared_by               TEXT NOT NULL,
    prepared_at               TEXT NOT NULL,
    reviewed_by               TEXT,
    reviewed_at               TEXT,
    locked                    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_iban, period),
    CHECK (reviewed_by IS NULL OR reviewed_by <> prepared_by)
);

-- A reviewed reconciliation is final: the database refuses to change or remove it, whatever Rust does.
CREATE TRIGGER account_recs_locked_no_update BEFORE UPDATE ON account_recs WHEN OLD.locked = 1
BEGIN
    SELECT RAISE(ABORT, 'the account reconciliation is locked');
END;

CREATE TRIGGER account_recs_locked_no_delete BEFORE DELETE ON account_recs WHEN OLD.locked = 1
BEGIN
    SELECT RAISE(ABORT, 'the account reconciliation is locked');
END;

-- Period rates: one unit of `currency` is `rate` units of `group_currency` (exact decimal text).
CREATE TABLE fx_rates (
    period          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    group_currency  TEXT NOT NULL,
    rate            TEXT NOT NULL,
    PRIMARY KEY (period, currency, group_currency)
) WITHOUT ROWID;
