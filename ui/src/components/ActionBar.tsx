import type { ApprovalRow } from "../bindings";
import { formatMoney } from "../money";
import { LockIcon } from "./icons";

interface Props {
  selected: ApprovalRow | null;
  busy: boolean;
  onApprove: () => void;
  onReject: () => void;
}

/** Keyboard help plus mouse buttons for the selected row. */
export function ActionBar({ selected, busy, onApprove, onReject }: Props) {
  const blocked = selected?.blockedReason ?? null;
  return (
    <div className="action-bar">
      <span className="keyboard-help" data-testid="keyboard-help">
        <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>/</kbd> search
      </span>
      <span className="spacer" />
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
