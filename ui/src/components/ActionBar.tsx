import { isInFlight } from "../approvals";
import type { ApprovalRow } from "../bindings";
import { formatMoney } from "../money";
import { LockIcon } from "./icons";

interface Props {
  selected: ApprovalRow | null;
  busy: boolean;
  /** Rows checked for bulk approval (x). */
  checkedCount: number;
  onApprove: () => void;
  onReject: () => void;
  onDelegate: () => void;
  onBulkApprove: () => void;
  onClearChecks: () => void;
}

/** Keyboard help plus mouse buttons for the selected row and the checked rows. */
export function ActionBar(props: Props) {
  const { selected, busy, checkedCount, onApprove, onReject, onDelegate, onBulkApprove, onClearChecks } = props;
  const blocked = selected?.blockedReason ?? null;
  return (
    <div className="action-bar">
      <span className="keyboard-help" data-testid="keyboard-help">
        <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>d</kbd> delegate ·{" "}
        <kbd>x</kbd> check · <kbd>Shift</kbd>+<kbd>A</kbd> approve checked · <kbd>/</kbd> search
      </span>
      <span className="spacer" />
      {checkedCount > 0 && (
        <span className="bulk-bar" data-testid="bulk-bar">
          <span className="num">{checkedCount} checked</span>
          <button type="button" className="link-button" data-testid="clear-checks" onClick={onClearChecks}>
            Clear
          </button>
          <button type="button" className="button" data-testid="bulk-approve-button" onClick={onBulkApprove}>
            Approve checked…
          </button>
        </span>
      )}
      {selected && (
        <>
          {blocked !== null ? (
            // The row stays highlighted in the table; here the reason takes the room.
            <span className="blocked-reason" title={blocked}>
              <LockIcon />
              <span className="truncate" data-testid="blocked-reason">
                {blocked}
              </span>
            </span>
          ) : (
            <span className="selected-summary truncate">
              <span className="mono">{selected.invoiceNumber}</span> · {selected.supplierName} ·{" "}
              <span className="num">{formatMoney(selected.amount)}</span>
            </span>
          )}
          {/* Delegating stays open on a blocked row: handing it on is how it gets decided. */}
          <button
            type="button"
            className="button"
            data-testid="delegate-button"
            disabled={busy || isInFlight(selected.pendingAction)}
            onClick={onDelegate}
          >
            Delegate…
          </button>
          <button
            type="button"
            className="button"
            data-testid="reject-button"
            disabled={busy || blocked !== null}
            title={blocked ?? undefined}
            onClick={onReject}
          >
            Reject
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="approve-button"
            disabled={busy || blocked !== null}
            title={blocked ?? undefined}
            onClick={onApprove}
          >
            Approve
          </button>
        </>
      )}
    </div>
  );
}
