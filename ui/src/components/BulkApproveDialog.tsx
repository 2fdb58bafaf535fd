import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { errorMessage, unwrap } from "../api";
import { bulkOutcome, currencyTotals, type BulkOutcome } from "../approvals";
import { commands, type ApprovalRow } from "../bindings";
import { formatMoney } from "../money";

interface Props {
  /** The checked rows that will be sent, in queue order. */
  rows: ApprovalRow[];
  /** The backend answered: queued items are to be shown as pending. */
  onDone: (outcome: BulkOutcome) => void;
  onClose: () => void;
}

/**
 * Confirm step (count and exact totals per currency), then the result: what was queued and
 * each refused item with the backend's reason. The backend checks every item on its own,
 * so a refusal of one never stops the others.
 */
export function BulkApproveDialog({ rows, onDone, onClose }: Props) {
  const [submitting, setSubmitting] = useState(false);
  /** Why the whole request failed (nothing was queued), if it did. */
  const [error, setError] = useState<string | null>(null);
  /** The backend's answer; null while confirming. */
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null);
  const inFlight = useRef(false);
  const primaryRef = useRef<HTMLButtonElement>(null);
  const phase = outcome === null ? "confirm" : "result";

  const onConfirm = () => {
    if (inFlight.current || outcome !== null || rows.length === 0) return;
    inFlight.current = true;
    setSubmitting(true);
    setError(null);
    unwrap(commands.approveBulk(rows.map((r) => r.approvalId)))
      .then(
        (results) => {
          const out = bulkOutcome(rows, results);
          setOutcome(out);
          onDone(out);
        },
        (failure: unknown) => setError(errorMessage(failure)),
      )
      .finally(() => {
        inFlight.current = false;
        setSubmitting(false);
      });
  };

  useEffect(() => {
    primaryRef.current?.focus();
  }, [phase]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && !submitting) {
      e.preventDefault();
      onClose();
    } else if (e.key === "Enter" && !e.nativeEvent.isComposing) {
      // Handled here (and the default stopped) so a focused button does not click a second time.
      e.preventDefault();
      if (phase === "result") onClose();
      else if (!submitting) onConfirm();
    }
  };

  return (
    <div className="dialog-backdrop" onMouseDown={submitting ? undefined : onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="bulk-title"
        className="dialog bulk-dialog"
        data-testid="bulk-dialog"
        data-phase={phase}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={onKeyDown}
      >
        {outcome === null ? (
          <>
            <h2 id="bulk-title">
              Approve {rows.length} checked invoice{rows.length === 1 ? "" : "s"}
            </h2>
            <table className="bulk-totals" data-testid="bulk-totals">
              <tbody>
                {currencyTotals(rows).map((t) => (
                  <tr key={t.currency} data-testid="bulk-total" data-currency={t.currency}>
                    <td>{t.count} ×</td>
                    <td className="num right">
                      {t.amount === null ? `unknown total ${t.currency}` : formatMoney({ amount: t.amount, currency: t.currency })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ul className="bulk-list" aria-label="Invoices to approve">
              {rows.map((r) => (
                <li key={r.approvalId}>
                  <span className="mono">{r.invoiceNumber}</span>
                  <span className="truncate">{r.supplierName}</span>
                  <span className="num">{formatMoney(r.amount)}</span>
                </li>
              ))}
            </ul>
            <p className="muted hint">
              Each invoice is checked on its own (bulk limit, your approval limit, segregation of duties); refused
              ones are listed afterwards.
            </p>
            {error !== null && (
              <p className="field-error" role="alert" data-testid="bulk-error">
                {error}
              </p>
            )}
            <div className="dialog-actions">
              <span className="muted hint">Enter to approve · Esc to cancel</span>
              <button type="button" className="button" disabled={submitting} onClick={onClose}>
                Cancel
              </button>
              <button
                type="button"
                ref={primaryRef}
                className="button primary"
                data-testid="bulk-confirm"
                disabled={submitting || rows.length === 0}
                onClick={onConfirm}
              >
                {submitting ? "Approving…" : `Approve ${rows.length}`}
              </button>
            </div>
          </>
        ) : (
          <>
            <h2 id="bulk-title" data-testid="bulk-summary">
              {outcome.queued.length} queued · {outcome.refused.length} refused
            </h2>
            {outcome.refused.length > 0 ? (
              <ul className="bulk-list bulk-refusals" aria-label="Refused invoices">
                {outcome.refused.map((item) => (
                  <li key={item.approvalId} data-testid="bulk-refusal" data-approval-id={item.approvalId}>
                    <span className="mono">{item.row?.invoiceNumber ?? item.approvalId}</span>
                    {item.row && <span className="num">{formatMoney(item.row.amount)}</span>}
                    <span className="bulk-reason" data-testid="bulk-refusal-reason">
                      {item.refusal}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">Every checked invoice was queued.</p>
            )}
            <div className="dialog-actions">
              <span className="muted hint">Queued approvals show as pending in the queue.</span>
              <button
                type="button"
                ref={primaryRef}
                className="button primary"
                data-testid="bulk-close"
                onClick={onClose}
              >
                Close
              </button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
