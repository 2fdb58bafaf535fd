-- The invoice triggers of the approval queue's keys read an invoice's steps through
-- `approvals_by_invoice`, named: without statistics SQLite would rather walk the primary key's
-- connection prefix, every step of the connection, for each invoice that changes (a delta of a
-- thousand invoices took minutes on a large mirror).
DROP TRIGGER approval_queue_invoice_added;
CREATE TRIGGER approval_queue_invoice_added AFTER INSERT ON invoices
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
        invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
    SELECT a.connection_id, a.external_id, a.approver_id, a.entity_code, a.assigned_ordinal,
           a.invoice_external_id, new.supplier_external_id, new.number, new.due_date, new.currency, new.total_minor,
           lower(COALESCE((SELECT s.name FROM suppliers s
                           WHERE s.connection_id = new.connection_id AND s.external_id = new.supplier_external_id), ''))
    FROM approvals a INDEXED BY approvals_by_invoice
    WHERE a.connection_id = new.connection_id AND a.invoice_external_id = new.external_id AND a.status = 'pending';
END;

DROP TRIGGER approval_queue_invoice_changed;
CREATE TRIGGER approval_queue_invoice_changed AFTER UPDATE ON invoices
WHEN (old.supplier_external_id IS NOT new.supplier_external_id OR old.number IS NOT new.number
      OR old.due_date IS NOT new.due_date OR old.currency IS NOT new.currency
      OR old.total_minor IS NOT new.total_minor
      OR old.connection_id IS NOT new.connection_id OR old.external_id IS NOT new.external_id)
  AND (SELECT built FROM approval_queue_state) = 1
BEGIN
    DELETE FROM approval_queue_keys
    WHERE connection_id = old.connection_id AND external_id IN (
        SELECT a.external_id FROM approvals a INDEXED BY approvals_by_invoice
        WHERE a.connection_id = old.connection_id AND a.invoice_external_id = old.external_id);
    INSERT INTO approval_queue_keys (connection_id, external_id, approver_id, entity_code, assigned_ordinal,
        invoice_external_id, supplier_external_id, number, due_date, currency, total_minor, supplier_key)
    SELECT a.connection_id, a.external_id, a.approver_id, a.entity_code, a.assigned_ordinal,
           a.invoice_external_id, new.supplier_external_id, new.number, new.due_date, new.currency, new.total_minor,
           lower(COALESCE((SELECT s.name FROM suppliers s
                           WHERE s.connection_id = new.connection_id AND s.external_id = new.supplier_external_id), ''))
    FROM approvals a INDEXED BY approvals_by_invoice
    WHERE a.connection_id = new.connection_id AND a.invoice_external_id = new.external_id AND a.status = 'pending';
END;

DROP TRIGGER approval_queue_invoice_removed;
CREATE TRIGGER approval_queue_invoice_removed AFTER DELETE ON invoices
WHEN (SELECT built FROM approval_queue_state) = 1
BEGIN
    DELETE FROM approval_queue_keys
    WHERE connection_id = old.connection_id AND external_id IN (
        SELECT a.external_id FROM approvals a INDEXED BY approvals_by_invoice
        WHERE a.connection_id = old.connection_id AND a.invoice_external_id = old.external_id);
END;
