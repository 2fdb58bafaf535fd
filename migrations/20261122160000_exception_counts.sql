-- Open, overridden and resolved exceptions per queue, kind and currency, kept by the apply step,
-- so the queue's summary and totals read a few rows instead of counting the whole queue.
CREATE TABLE exception_counts (
    queue         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL,
    currency      TEXT NOT NULL,  -- '' for exceptions without an amount
    n             INTEGER NOT NULL,
    amount_minor  INTEGER NOT NULL,
    PRIMARY KEY (queue, kind, status, currency)
) WITHOUT ROWID;

INSERT INTO exception_counts (queue, kind, status, currency, n, amount_minor)
SELECT queue, kind, status, COALESCE(currency, ''), COUNT(*), COALESCE(SUM(amount_minor), 0)
FROM exceptions GROUP BY 1, 2, 3, 4;

-- What is not past its SLA yet, per queue and kind, from the index alone: breached = open - that.
CREATE INDEX exceptions_open_sla ON exceptions (status, sla_due, queue, kind);
