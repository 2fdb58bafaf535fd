import { useCallback, useMemo, useState, type ReactNode } from "react";
import {
  BULK_MAX,
  checkedRows,
  queuedApproval,
  toggleChecked,
  uncheckableReason,
  type BulkOutcome,
} from "../approvals";
import type { ApprovalRow, PendingAction } from "../bindings";
import type { Notify } from "../errors";
import { BulkApproveDialog } from "./BulkApproveDialog";

export interface BulkSelection {
  /** Approval ids checked, loaded and still checkable. */
  checked: ReadonlySet<string>;
  count: number;
  toggle: (row: ApprovalRow) => void;
  clear: () => void;
  /** Opens the confirm step for the checked rows (Shift+A). */
  open: () => void;
  isOpen: boolean;
  /** The confirm / result dialog while open. */
  dialog: ReactNode;
}

/**
 * The queue's checkboxes (x) and bulk approval (Shift+A). Checks belong to a filter (`scope`):
 * a new filter starts afresh, so nothing out of sight gets approved; after a reload only rows
 * still loaded and still checkable count.
 */
export function useBulkSelection(
  rows: readonly ApprovalRow[],
  scope: string,
  recordAction: (approvalId: string, action: PendingAction | null) => void,
  notify: Notify,
): BulkSelection {
  const [checks, setChecks] = useState<{ ids: ReadonlySet<string>; scope: string }>({ ids: new Set(), scope });
  const list = useMemo(
    () => (checks.scope === scope ? checkedRows(rows, checks.ids).filter((r) => uncheckableReason(r) === null) : []),
    [rows, checks, scope],
  );
  const checked = useMemo(() => new Set(list.map((r) => r.approvalId)), [list]);
  /** The rows being approved, fixed when the confirm step opened: exactly what was shown is sent. */
  const [sending, setSending] = useState<ApprovalRow[] | null>(null);

  const toggle = useCallback(
    (row: ApprovalRow) => {
      const reason = checked.has(row.approvalId) ? null : uncheckableReason(row);
      if (reason !== null) {
        notify({ tone: "info", title: "You cannot approve this invoice in bulk", message: reason });
        return;
      }
      const next = toggleChecked(checked, row.approvalId);
      if (next === null) notify({ tone: "info", title: `At most ${BULK_MAX} invoices can be approved at once` });
      else setChecks({ ids: next, scope });
    },
    [checked, notify, scope],
  );

  const clear = useCallback(() => setChecks({ ids: new Set(), scope }), [scope]);

  const open = () => {
    if (list.length === 0) {
      notify({ tone: "info", title: "Nothing checked", message: "Check invoices with x, then press Shift+A." });
      return;
    }
    setSending(list);
  };

  const onDone = (outcome: BulkOutcome) => {
    const queuedAt = new Date().toISOString();
    for (const { approvalId, actionId } of outcome.queued) {
      recordAction(approvalId, queuedApproval(actionId, queuedAt));
    }
    // Everything sent is unchecked: queued ones are on their way, refused ones would be refused again.
    const sent = new Set((sending ?? []).map((r) => r.approvalId));
    setChecks({ ids: new Set([...checked].filter((id) => !sent.has(id))), scope });
  };

  return {
    checked,
    count: list.length,
    toggle,
    clear,
    open,
    isOpen: sending !== null,
    dialog: sending && <BulkApproveDialog rows={sending} onDone={onDone} onClose={() => setSending(null)} />,
  };
}
