-- The local mirror of the source systems, the outbox of people's actions, and sync bookkeeping.
-- Every mirrored table is keyed by (connection_id, external_id) and carries its provenance:
-- source_version (higher is newer), source_updated_at and fetched_at (UTC, RFC 3339).
-- Money is stored as integer minor units plus the ISO 4217 currency.
-- Mirrored tables are WITHOUT ROWID: their natural key is the clustered key, so an upsert
-- touches one b-tree instead of two, which is most of a full sync's cost.

CREATE TABLE connections (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    base_url    TEXT NOT NULL,
    -- The name of the keyring entry holding the credential; never the credential itself.
    secret_ref  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    connection_id     TEXT NOT NULL REFERENCES connections(id),
    external_id       TEXT NOT NULL,
    name              TEXT NOT NULL,
    email             TEXT NOT NULL,
    roles             TEXT NOT NULL, -- comma-separated role names
    source_version    INTEGER NOT NULL,
    source_updated_at TEXT NOT NULL,
    fetched_at        TEXT NOT NULL,
    PRIMARY KEY (connection_id, external_id)
) WITHOUT ROWID;

CREATE TABLE legal_entities (
    connection_id     TEXT NOT NULL REFERENCES connections(id),
    external_id       TEXT NOT NULL,
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    currency          TEXT NOT NULL,
    time_zone         TEXT NOT NULL,
    calendar          TEXT NOT NULL, -- JSON: weekend days and holidays
    -- Business-day ordinal of the entity's current local date; ages are differences of ordinals.
    today_ordinal     INTEGER NOT NULL DEFAULT 0,
    source_version    INTEGER NOT NULL,
    source_updated_at TEXT NOT NULL,
    fetched_at        TEXT NOT NULL,
    PRIMARY KEY (connection_id, external_id),
    UNIQUE (connection_id, code)
) WITHOUT ROWID;

CREATE TABLE suppliers (
    connection_id     TEXT NOT NULL REFERENCES connections(id),
    external_id       TEXT NOT NULL,
    name              TEXT NOT NULL,
    country           TEXT NOT NULL,
    bank_account      TEXT,
    on_hold           INTEGER NOT NULL,
    source_version    INTEGER NOT NULL,
    source_updated_at TEXT NOT NULL,
    fetched_at        TEXT NOT NULL,
    PRIMARY KEY (connection_id, external_id)
) WITHOUT ROWID;

CREATE TABLE invoices (
    connection_id         TEXT NOT NULL REFERENCES connections(id),
    external_id           TEXT NOT NULL,
    entity_code           TEXT NOT NULL,
    supplier_external_id  TEXT NOT NULL,
    number                TEXT NOT NULL,
    invoice_date          TEXT NOT NULL,
    due_date              TEXT NOT NULL,
    currency              TEXT NOT NULL,
    total_minor           INTEGER NOT NULL,
    status                TEXT NOT NULL,
    po_number             TEXT,
    created_by            TEXT,
    coded_by              TEXT,
    source_version        INTEGER NOT NULL,
    source_updated_at     TEXT NOT NULL,
    fetched_at            TEXT NOT NULL,
    PRIMARY KEY (connection_id, external_id)
) WITHOUT ROWID;

CREATE TABLE invoice_lines (
    connection_id        TEXT NOT NULL,
    invoice_external_id  TEXT NOT NULL,
    line_no              INTEGER NOT NULL,
    description          TEXT NOT NULL,
    quantity             TEXT NOT NULL, -- exact decimal
    unit_price           TEXT NOT NULL, -- exact decimal, may carry more digits than the currency
    amount_minor         INTEGER NOT NULL,
    gl_account           TEXT NOT NULL,
    cost_center          TEXT NOT NULL,
    PRIMARY KEY (connection_id, invoice_external_id, line_no),
    FOREIGN KEY (connection_id, invoice_external_id) REFERENCES invoices(connection_id, external_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE approvals (
    connection_id         TEXT NOT NULL REFERENCES connections(id),
    external_id           TEXT NOT NULL,
    invoice_external_id   TEXT NOT NULL,
    entity_code           TEXT NOT NULL,
    step                  INTEGER NOT NULL,
    step_count            INTEGER NOT NULL,
    step_name             TEXT NOT NULL,
    approver_id           TEXT NOT NULL,
    status                TEXT NOT NULL,
    assigned_at           TEXT NOT NULL,
    assigned_ordinal      INTEGER NOT NULL, -- business-day ordinal of the assigned date, entity calendar
    decided_at            TEXT,
    decided_by            TEXT,
    comment               TEXT,
    source_version        INTEGER NOT NULL,
    source_updated_at     TEXT NOT NULL,
    fetched_at            TEXT NOT NULL,
    PRIMARY KEY (connection_id, external_id)
) WITHOUT ROWID;
CREATE INDEX approvals_by_approver ON approvals (approver_id, status);
CREATE INDEX approvals_by_invoice ON approvals (connection_id, invoice_external_id);

-- Every action a person takes, durable before the UI says "queued", delivered with its
-- idempotency key until the source answers.
CREATE TABLE outbox (
    id                  TEXT PRIMARY KEY NOT NULL,
    idempotency_key     TEXT NOT NULL UNIQUE,
    connection_id       TEXT NOT NULL REFERENCES connections(id),
    kind                TEXT NOT NULL,
    target_external_id  TEXT NOT NULL,
    payload             TEXT NOT NULL, -- JSON body sent to the source
    if_match            INTEGER,       -- the source version the person acted on
    actor_id            TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('queued', 'delivering', 'delivered', 'refused')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TEXT NOT NULL,
    last_error          TEXT,
    source_status       INTEGER,
    source_message      TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    delivered_at        TEXT,
    dismissed_at        TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_target ON outbox (connection_id, target_external_id, created_at);

-- Delta cursors, written in the same transaction as the records they cover.
CREATE TABLE sync_cursors (
    connection_id  TEXT NOT NULL REFERENCES connections(id),
    resource       TEXT NOT NULL,
    cursor         TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (connection_id, resource)
);

CREATE TABLE sync_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    connection_id   TEXT NOT NULL REFERENCES connections(id),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    status          TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),
    records         INTEGER NOT NULL DEFAULT 0,
    bytes           INTEGER NOT NULL DEFAULT 0,
    malformed       INTEGER NOT NULL DEFAULT 0,
    error           TEXT
);

-- Records a sync could not map, with where they came from and the raw payload, for replay.
CREATE TABLE dead_letters (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    connection_id   TEXT NOT NULL REFERENCES connections(id),
    resource        TEXT NOT NULL,
    position        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    raw             TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    replayed_at     TEXT
);
