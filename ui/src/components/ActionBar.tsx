import type { ApprovalRow } from "../bindings";
import { formatMoney } from "../money";

interface Props {
  selected: ApprovalRow | null;
  busy: boolean;
  onApprove: () => void;
  onReject: () => void;
}

/** Keyboard help plus mouse buttons for the selected row. */
export function ActionBar({ selected, busy, onApprove, onReject }: Props) {
  return (
    <div className="action-bar">
      <span className="keyboard-help" data-testid="keyboard-help">
        <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>/</kbd> search
      </span>
      <span className="spacer" />
      {selected && (
        <>
          <span className="selected-summary truncate">
            <span className="mono">{selected.invoiceNumber}</span> · {selected.supplierName} ·{" "}
            <span className="num">{formatMoney(selected.amount)}</span>
          </span>
          <button type="button" className="button" disabled={busy} onClick={onReject}>
            Reject
          </button>
          <button type="button" className="button primary" disabled={busy} onClick={onApprove}>
            Approve
          </button>
        </>
      )}
    </div>
  );
}
