-- The approval queue's keys, counts, number pairs and numbers are kept by the mirror's writes
-- themselves, once per batch over the steps it changed (store::approval_queue::keys::Upkeep),
-- instead of by triggers row by row: a trigger re-inserted a step's key in all six indexes for
-- any moved column, and every trigger's WHEN cost each row of a first pull even while the keys
-- were suspended. A batch updates only the columns that moved, so only the indexes that hold them.
DROP TRIGGER approval_queue_keys_added;
DROP TRIGGER approval_queue_keys_removed;
DROP TRIGGER invoice_numbers_kept;
DROP TRIGGER approval_queue_step_added;
DROP TRIGGER approval_queue_step_changed;
DROP TRIGGER approval_queue_step_removed;
DROP TRIGGER approval_queue_invoice_added;
DROP TRIGGER approval_queue_invoice_changed;
DROP TRIGGER approval_queue_invoice_removed;
DROP TRIGGER approval_queue_supplier_added;
DROP TRIGGER approval_queue_supplier_renamed;
DROP TRIGGER approval_queue_supplier_removed;
