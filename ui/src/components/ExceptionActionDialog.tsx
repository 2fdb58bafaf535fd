import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { ActionKind, ExceptionRow } from "../bindings";
import { ACTION_INFO, isValidIban, normalizeIban } from "../exceptions";
import { formatMoney } from "../money";

interface Props {
  action: ActionKind;
  row: ExceptionRow;
  submitting: boolean;
  /** The backend's refusal of the last attempt, shown where the person is looking. */
  error: string | null;
  onSubmit: (reason: string | null, correctedIban: string | null) => void;
  onCancel: () => void;
}

/**
 * The ReasonDialog pattern (required reason, Enter sends, Esc cancels), for
 * exception actions: a reason where the backend owes one, and for a re-send
 * an optional corrected IBAN (empty = the ERP's supplier master).
 */
export function ExceptionActionDialog({ action, row, submitting, error, onSubmit, onCancel }: Props) {
  const info = ACTION_INFO[action];
  const askIban = action === "correct_and_resend";
  const [reason, setReason] = useState("");
  const [iban, setIban] = useState("");
  const [touched, setTouched] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    dialogRef.current?.querySelector<HTMLElement>("input, textarea")?.focus();
  }, []);

  const trimmed = reason.trim();
  const reasonMissing = info.needsReason && trimmed === "";
  const ibanText = normalizeIban(iban);
  const ibanInvalid = askIban && ibanText !== "" && !isValidIban(ibanText);
  const blocked = reasonMissing || ibanInvalid;

  const submit = () => {
    setTouched(true);
    if (blocked || submitting) return;
    onSubmit(info.needsReason ? trimmed : null, askIban && ibanText !== "" ? ibanText : null);
  };
  const onEnter = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  const title = info.label.replace(/…$/, "");

  return (
    <div className="dialog-backdrop" onMouseDown={onCancel}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="exc-action-title"
        ref={dialogRef}
        className="dialog exc-dialog"
        data-testid="exception-action-dialog"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          }
        }}
      >
        <h2 id="exc-action-title">{title}</h2>
        <p className="muted">
          {row.kindLabel} · {row.entity}
          {row.invoice && <> · <span className="mono">{row.invoice}</span></>}
          {row.amount && <> · <span className="num">{formatMoney(row.amount)}</span></>}
        </p>
        <p className="muted">{row.summary}</p>

        {askIban && (
          <>
            <label htmlFor="exc-iban">Corrected IBAN (optional)</label>
            <input
              id="exc-iban"
              type="text"
              className="mono"
              data-testid="exception-iban"
              value={iban}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={ibanInvalid}
              placeholder="Empty: use the supplier master's bank details"
              onChange={(e) => setIban(e.target.value)}
              onKeyDown={onEnter}
            />
            {ibanInvalid && <p className="field-error">This is not a valid IBAN (check digits do not match).</p>}
          </>
        )}

        {info.needsReason && (
          <>
            <label htmlFor="exc-reason">Reason (kept in the exception&apos;s history)</label>
            <textarea
              id="exc-reason"
              data-testid="exception-reason"
              rows={3}
              value={reason}
              aria-invalid={touched && reasonMissing}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={onEnter}
            />
            {touched && reasonMissing && <p className="field-error">A reason is required.</p>}
          </>
        )}

        {error && (
          <p className="field-error" role="alert" data-testid="exception-dialog-error">
            {error}
          </p>
        )}

        <div className="dialog-actions">
          <span className="muted hint">Enter to send · Shift+Enter new line · Esc to cancel</span>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className={action === "override" ? "button danger" : "button primary"}
            data-testid="exception-action-submit"
            disabled={blocked || submitting}
            onClick={submit}
          >
            {submitting ? "Sending…" : title}
          </button>
        </div>
      </div>
    </div>
  );
}
