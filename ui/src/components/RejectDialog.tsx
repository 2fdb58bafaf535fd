import { useEffect, useRef, useState } from "react";
import type { ApprovalRow } from "../bindings";
import { formatMoney } from "../money";

interface Props {
  row: ApprovalRow;
  submitting: boolean;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}

export function RejectDialog({ row, submitting, onSubmit, onCancel }: Props) {
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const trimmed = reason.trim();

  useEffect(() => {
    textRef.current?.focus();
  }, []);

  const submit = () => {
    setTouched(true);
    if (trimmed === "" || submitting) return;
    onSubmit(trimmed);
  };

  return (
    <div className="dialog-backdrop" onMouseDown={onCancel}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="reject-title"
        className="dialog"
        data-testid="reject-dialog"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          }
        }}
      >
        <h2 id="reject-title">Reject invoice {row.invoiceNumber}</h2>
        <p className="muted">
          {row.supplierName} · {row.entityCode} · <span className="num">{formatMoney(row.amount)}</span>
        </p>
        <label htmlFor="reject-reason">Reason (sent to the source system)</label>
        <textarea
          id="reject-reason"
          ref={textRef}
          data-testid="reject-reason"
          rows={3}
          value={reason}
          aria-invalid={touched && trimmed === ""}
          onChange={(e) => setReason(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        {touched && trimmed === "" && <p className="field-error">A reason is required.</p>}
        <div className="dialog-actions">
          <span className="muted hint">Enter to reject · Shift+Enter new line · Esc to cancel</span>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button danger"
            data-testid="reject-submit"
            disabled={trimmed === "" || submitting}
            onClick={submit}
          >
            {submitting ? "Rejecting…" : "Reject"}
          </button>
        </div>
      </div>
    </div>
  );
}
