-- Exceptions the rules raise from the mirror, and each one's history. Rows are never deleted:
-- a cleared condition marks the row resolved, so the history and the audit trail stay whole.
CREATE TABLE exceptions (
    id            TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL,
    queue         TEXT NOT NULL,            -- the owning role
    entity        TEXT NOT NULL,
    severity      INTEGER NOT NULL,         -- 1 low, 2 medium, 3 high
    amount        TEXT,                     -- exact decimal string
    currency      TEXT,
    amount_minor  INTEGER,                  -- for sorting and summing only; `amount` is the figure
    since         TEXT NOT NULL,            -- when the condition started at the source
    sla_due       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'overridden', 'resolved')),
    summary       TEXT NOT NULL,
    evidence      TEXT NOT NULL,            -- JSON: side-by-side records, differences marked
    invoice_ref   TEXT,                     -- AP invoice id, for the invoice trace
    supplier_ref  TEXT,
    subject       TEXT,                     -- JSON: where resolving actions go
    fingerprint   TEXT NOT NULL,
    raised_at     TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    resolved_at   TEXT,
    pending_action TEXT                     -- outbox id of the action sent to resolve it
);
CREATE INDEX exceptions_queue ON exceptions (status, queue, since);
CREATE INDEX exceptions_kind ON exceptions (status, kind, since);
CREATE INDEX exceptions_amount ON exceptions (status, amount_minor);
CREATE INDEX exceptions_sla ON exceptions (status, sla_due);
CREATE INDEX exceptions_invoice ON exceptions (invoice_ref);

CREATE TABLE exception_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    exception_id  TEXT NOT NULL REFERENCES exceptions (id),
    at            TEXT NOT NULL,
    event         TEXT NOT NULL,            -- raised, updated, resolved, reopened, action, override
    actor_id      TEXT,                     -- NULL for the rules themselves
    detail        TEXT NOT NULL
);
CREATE INDEX exception_events_by_exception ON exception_events (exception_id, id);

-- Which rules last ran and when, so the screen can say how fresh the queue is.
CREATE TABLE exception_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  TEXT NOT NULL,
    millis      INTEGER NOT NULL,
    raised      INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    resolved    INTEGER NOT NULL,
    open_total  INTEGER NOT NULL
);

-- The invoice trace follows a payment to its statement line by end-to-end id.
CREATE INDEX bank_entries_by_end_to_end ON bank_entries (end_to_end_id);
