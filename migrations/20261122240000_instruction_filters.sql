-- Each filter of the payments screen walks an index of just the instructions it shows, newest
-- first, instead of reading every instruction and checking its JSON: a run's instructions with
-- one answer, those still in flight (overall and per run), and those in flight by creation time,
-- which answers "not confirmed within the SLA" as a range.
CREATE INDEX source_records_instructions_by_run_status ON source_records (
    json_extract(payload, '$.run_id'), json_extract(payload, '$.status'),
    json_extract(payload, '$.modified_at'), connection_id, external_id
) WHERE resource = 'payment_instructions';

CREATE INDEX source_records_instructions_in_flight ON source_records (
    json_extract(payload, '$.modified_at'), connection_id, external_id
) WHERE resource = 'payment_instructions' AND json_extract(payload, '$.status') NOT IN ('ACSC', 'RJCT');

CREATE INDEX source_records_instructions_in_flight_by_run ON source_records (
    json_extract(payload, '$.run_id'), json_extract(payload, '$.modified_at'), connection_id, external_id
) WHERE resource = 'payment_instructions' AND json_extract(payload, '$.status') NOT IN ('ACSC', 'RJCT');

CREATE INDEX source_records_instructions_in_flight_created ON source_records (
    COALESCE(json_extract(payload, '$.history[0].at'), json_extract(payload, '$.modified_at'))
) WHERE resource = 'payment_instructions' AND json_extract(payload, '$.status') NOT IN ('ACSC', 'RJCT');
