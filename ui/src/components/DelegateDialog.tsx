import { useEffect, useRef, useState } from "react";
import { errorMessage, unwrap } from "../api";
import { commands, type ApprovalRow, type User } from "../bindings";
import { formatMoney } from "../money";

interface Props {
  row: ApprovalRow;
  /** Approvers who may be chosen (delegateCandidates). */
  candidates: User[];
  /** The backend queued the delegation as outbox action `actionId`. */
  onDelegated: (to: User, actionId: string, reason: string | null) => void;
  onCancel: () => void;
}

/**
 * Hands the selected step to another approver, with an optional reason. The backend decides
 * who may take it (not whoever keyed or coded the invoice); its refusal is shown here, where
 * another approver can be chosen.
 */
export function DelegateDialog({ row, candidates, onDelegated, onCancel }: Props) {
  // No default choice: handing an invoice to someone is a deliberate, audited act.
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);
  const selectRef = useRef<HTMLSelectElement>(null);
  const chosen = candidates.find((u) => u.id === to) ?? null;

  useEffect(() => {
    selectRef.current?.focus();
  }, []);

  const submit = () => {
    if (chosen === null || inFlight.current) return;
    const trimmed = reason.trim();
    const sentReason = trimmed === "" ? null : trimmed;
    inFlight.current = true;
    setSubmitting(true);
    setError(null);
    unwrap(commands.delegateStep(row.approvalId, chosen.id, sentReason)).then(
      (actionId) => {
        inFlight.current = false;
        onDelegated(chosen, actionId, sentReason);
      },
      (failure: unknown) => {
        inFlight.current = false;
        setSubmitting(false);
        setError(errorMessage(failure));
      },
    );
  };

  return (
    <div className="dialog-backdrop" onMouseDown={onCancel}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="delegate-title"
        className="dialog"
        data-testid="delegate-dialog"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          }
        }}
      >
        <h2 id="delegate-title">Delegate invoice {row.invoiceNumber}</h2>
        <p className="muted">
          {row.supplierName} · {row.entityCode} · <span className="num">{formatMoney(row.amount)}</span> · step{" "}
          {row.step} of {row.stepCount} ({row.stepName})
        </p>
        {candidates.length === 0 ? (
          <p className="field-error" data-testid="delegate-none">
            There is no other approver to hand this step to.
          </p>
        ) : (
          <>
            <label htmlFor="delegate-to">Hand this step to</label>
            <select
              id="delegate-to"
              ref={selectRef}
              data-testid="delegate-to"
              value={to}
              onChange={(e) => {
                setTo(e.target.value);
                setError(null);
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  submit();
                }
              }}
            >
              <option value="">Choose an approver…</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
            <label htmlFor="delegate-reason">Reason (optional, sent with the delegation)</label>
            <textarea
              id="delegate-reason"
              data-testid="delegate-reason"
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
                  e.preventDefault();
                  submit();
                }
              }}
            />
          </>
        )}
        {error !== null && (
          // The backend decides who may take the step (e.g. not whoever keyed the invoice).
          <p className="field-error" role="alert" data-testid="delegate-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <span className="muted hint">Enter to delegate · Esc to cancel</span>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="delegate-submit"
            disabled={chosen === null || submitting}
            onClick={submit}
          >
            {submitting ? "Delegating…" : "Delegate"}
          </button>
        </div>
      </div>
    </div>
  );
}
