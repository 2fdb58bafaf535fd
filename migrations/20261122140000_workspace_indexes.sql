-- The close board reads one entity's period and the payments screen pages instructions by run or
-- status; these partial expression indexes let both read only what they show.
CREATE INDEX source_records_close_tasks ON source_records (
    json_extract(payload, '$.company_code'), json_extract(payload, '$.period')
) WHERE resource = 'close_tasks';

CREATE INDEX source_records_instructions_by_run ON source_records (json_extract(payload, '$.run_id'))
    WHERE resource = 'payment_instructions';

CREATE INDEX source_records_instructions_by_status ON source_records (
    json_extract(payload, '$.status'), json_extract(payload, '$.modified_at')
) WHERE resource = 'payment_instructions';

CREATE INDEX source_records_instructions_recent ON source_records (json_extract(payload, '$.modified_at'))
    WHERE resource = 'payment_instructions';

-- Exceptions re-derived for what changed since the last derivation.
CREATE INDEX source_records_synced ON source_records (synced_at);
