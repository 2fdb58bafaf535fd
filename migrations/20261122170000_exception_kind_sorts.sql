-- With a kind filter, each sort of the exception queue walks the kind's own slice of an index.
CREATE INDEX exceptions_kind_sla ON exceptions (status, kind, sla_due);
CREATE INDEX exceptions_kind_amount ON exceptions (status, kind, amount_minor);
CREATE INDEX exceptions_kind_severity ON exceptions (status, kind, severity, since);
