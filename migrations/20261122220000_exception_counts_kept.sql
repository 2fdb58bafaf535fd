-- The per-queue counts follow each exception row as it changes, instead of being recounted per
-- kind after every apply: an incremental pass that touches one overdue approval no longer
-- counts the half million others of its kind.
CREATE TRIGGER exception_counts_added AFTER INSERT ON exceptions BEGIN
    INSERT INTO exception_counts (queue, kind, status, currency, n, amount_minor)
    VALUES (new.queue, new.kind, new.status, COALESCE(new.currency, ''), 1, COALESCE(new.amount_minor, 0))
    ON CONFLICT (queue, kind, status, currency) DO UPDATE SET n = n + 1, amount_minor = amount_minor + excluded.amount_minor;
END;

CREATE TRIGGER exception_counts_changed AFTER UPDATE OF queue, kind, status, currency, amount_minor ON exceptions BEGIN
    UPDATE exception_counts SET n = n - 1, amount_minor = amount_minor - COALESCE(old.amount_minor, 0)
    WHERE queue = old.queue AND kind = old.kind AND status = old.status AND currency = COALESCE(old.currency, '');
    INSERT INTO exception_counts (queue, kind, status, currency, n, amount_minor)
    VALUES (new.queue, new.kind, new.status, COALESCE(new.currency, ''), 1, COALESCE(new.amount_minor, 0))
    ON CONFLICT (queue, kind, status, currency) DO UPDATE SET n = n + 1, amount_minor = amount_minor + excluded.amount_minor;
END;

CREATE TRIGGER exception_counts_removed AFTER DELETE ON exceptions BEGIN
    UPDATE exception_counts SET n = n - 1, amount_minor = amount_minor - COALESCE(old.amount_minor, 0)
    WHERE queue = old.queue AND kind = old.kind AND status = old.status AND currency = COALESCE(old.currency, '');
END;

-- Start from the rows as they are.
DELETE FROM exception_counts;
INSERT INTO exception_counts (queue, kind, status, currency, n, amount_minor)
SELECT queue, kind, status, COALESCE(currency, ''), COUNT(*), COALESCE(SUM(amount_minor), 0)
FROM exceptions GROUP BY 1, 2, 3, 4;
