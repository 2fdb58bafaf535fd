import { useEffect, useRef, useState, type ReactNode } from "react";

interface Props {
  /**
   * Names the dialog's element ids and test ids: `${name}-dialog`, `${name}-title`,
   * `${name}-${fieldNoun}` (the text box), `${name}-submit` and `${name}-refusal`.
   */
  name: string;
  /** The heading ("Reject invoice INV-1"). */
  title: ReactNode;
  /** What the decision applies to, one muted line under the heading. */
  subject: ReactNode;
  /** The text box's label ("Reason (sent to the source system)"). */
  fieldLabel: string;
  /** What the text is called ("reason", "note"): in its id and in "A reason is required." */
  fieldNoun: string;
  placeholder?: string;
  /** The confirm button ("Reject"); the hint says "Enter to reject". */
  confirmLabel: string;
  /** The confirm button while the decision is on its way ("Rejecting…"). */
  submittingLabel: string;
  submitting: boolean;
  /** The backend's refusal of the last attempt, shown here so the text can be fixed. */
  refusal?: string | null;
  onSubmit: (text: string) => void;
  onCancel: () => void;
}

/**
 * A decision that needs a reason (the backend refuses without one): the text box takes
 * focus, Enter confirms, Shift+Enter starts a new line, Esc or a click outside cancels.
 */
export function ReasonDialog(props: Props) {
  const { name, title, subject, fieldLabel, fieldNoun, placeholder, confirmLabel, submittingLabel } = props;
  const { submitting, refusal, onSubmit, onCancel } = props;
  const [text, setText] = useState("");
  const [touched, setTouched] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const trimmed = text.trim();
  const fieldId = `${name}-${fieldNoun}`;

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
        aria-labelledby={`${name}-title`}
        className="dialog"
        data-testid={`${name}-dialog`}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          }
        }}
      >
        <h2 id={`${name}-title`}>{title}</h2>
        <p className="muted">{subject}</p>
        <label htmlFor={fieldId}>{fieldLabel}</label>
        <textarea
          id={fieldId}
          ref={textRef}
          data-testid={fieldId}
          rows={3}
          value={text}
          placeholder={placeholder}
          aria-invalid={touched && trimmed === ""}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        {touched && trimmed === "" && <p className="field-error">{`A ${fieldNoun} is required.`}</p>}
        {refusal && (
          <p className="field-error" role="alert" data-testid={`${name}-refusal`}>
            {refusal}
          </p>
        )}
        <div className="dialog-actions">
          <span className="muted hint">{`Enter to ${confirmLabel.toLowerCase()} · Shift+Enter new line · Esc to cancel`}</span>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button danger"
            data-testid={`${name}-submit`}
            disabled={trimmed === "" || submitting}
            onClick={submit}
          >
            {submitting ? submittingLabel : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
