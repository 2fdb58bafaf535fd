-- The audit trail: every action a person takes and every answer a source gives to it, as an
-- append-only hash chain. Each event's hash covers its fields and the previous event's hash, so
-- an edited, removed or reordered event breaks the chain (`ctower audit verify`).
CREATE TABLE audit_events (
    seq          INTEGER PRIMARY KEY,   -- 1, 2, 3 … without gaps
    at           TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    before       TEXT,                  -- JSON, the state the person saw
    after        TEXT,                  -- JSON, what they asked for or what the source answered
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
