-- The per-queue counts follow each exception row as it changes, instead of being recounted per
-- kind after every apply: an incremental pass that touches one overdue approval no longer
-- counts the half million others of its kind. They are kept per entity as well, so the queue's
-- total under an entity filter is a sum of a few rows too.
DROP TABLE exception_counts;
CREATE TABLE exception_counts (
    queue         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL,
    entity        TEXT NOT NULL,
    currency      TEXT NOT NULL,  -- '' for exceptions without an amount
    n             INTEGER NOT NULL,
    amount_minor  INTEGER NOT NULL,
    PRIMARY KEY (queue, kind, status, entity, currency)
) WITHOUT ROWID;

CREATE TRIGGER exception_counts_added AFTER INSERT ON exceptions BEGIN
    INSERT INTO exception_counts (queue, kind, status, entity, currency, n, amount_minor)
    VALUES (new.queue, new.kind, new.status, new.entity, COALESCE(new.currency, ''), 1, COALESCE(new.amount_minor, 0))
    ON CONFLICT (queue, kind, status, entity, currency)
    DO UPDATE SET n = n + 1, amount_minor = amount_minor + excluded.amount_minor;
END;

CREATE TRIGGER exception_counts_changed AFTER UPDATE OF queue, kind, status, entity, currency, amount_minor ON exceptions BEGIN
    UPDATE exception_counts SET n = n - 1, amount_minor = amount_minor - COALESCE(old.amount_minor, 0)
    WHERE queue = old.queue AND kind = old.kind AND status = old.status AND entity = old.entity
      AND currency = COALESCE(old.currency, '');
    INSERT INTO exception_counts (queue, kind, status, entity, currency, n, amount_minor)
    VALUES (new.queue, new.kind, new.status, new.entity, COALESCE(new.currency, ''), 1, COALESCE(new.amount_minor, 0))
    ON CONFLICT (queue, kind, status, entity, currency)
    DO UPDATE SET n = n + 1, amount_minor = amount_minor + excluded.amount_minor;
END;

CREATE TRIGGER exception_counts_removed AFTER DELETE ON exceptions BEGIN
    UPDATE exception_counts SET n = n - 1, amount_minor = amount_minor - COALESCE(old.amount_minor, 0)
    WHERE queue = old.queue AND kind = old.kind AND status = old.status AND entity = old.entity
      AND currency = COALESCE(old.currency, '');
END;

INSERT INTO exception_counts (queue, kind, status, entity, currency, n, amount_minor)
SELECT queue, kind, status, entity, COALESCE(currency, ''), COUNT(*), COALESCE(SUM(amount_minor), 0)
FROM exceptions GROUP BY 1, 2, 3, 4, 5;

-- What is not past its SLA yet under any filter of the queue, from the index alone: the total
-- of an "SLA breached" list is the kept count less this range.
DROP INDEX exceptions_open_sla;
CREATE INDEX exceptions_sla_scope ON exceptions (status, sla_due, queue, kind, entity);
