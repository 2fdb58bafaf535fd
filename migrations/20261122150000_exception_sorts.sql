-- Each sort of the exception queue walks an index and stops
-- after a page. Amounts sort by minor units, 0 where an exception has no amount.
UPDATE exceptions SET amount_minor = 0 WHERE amount_minor IS NULL;
CREATE INDEX exceptions_since ON exceptions (status, since);
CREATE INDEX exceptions_severity ON exceptions (status, severity, since);
CREATE INDEX exceptions_queue_sla ON exceptions (status, queue, sla_due);
CREATE INDEX exceptions_queue_amount ON exceptions (status, queue, amount_minor);
CREATE INDEX exceptions_queue_severity ON exceptions (status, queue, severity, since);
