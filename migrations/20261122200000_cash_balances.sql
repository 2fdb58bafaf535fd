-- Cash by account over time reads the treasury's daily balances from this covering index alone:
-- the latest date first, then the window before it, without parsing a record.
CREATE INDEX source_records_balances ON source_records (
    json_extract(payload, '$.date'), json_extract(payload, '$.account_id'),
    json_extract(payload, '$.currency'), json_extract(payload, '$.closing_booked')
) WHERE resource = 'balances';
