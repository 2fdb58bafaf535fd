import { useEffect, useRef, useState } from "react";
import type { CloseTaskRow } from "../bindings";

interface Props {
  task: CloseTaskRow;
  /** The key people know the task by (APCLOSE). */
  shortId: string;
  submitting: boolean;
  /** The backend's refusal of the last attempt, shown here so the note can be fixed. */
  refusal: string | null;
  onSubmit: (note: string) => void;
  onCancel: () => void;
}

/**
 * Sending a task back needs a note saying why (the backend refuses without one);
 * the same dialog shape and styles as RejectDialog, which is typed to approvals.
 */
export function CloseSendBackDialog({ task, shortId, submitting, refusal, onSubmit, onCancel }: Props) {
  const [note, setNote] = useState("");
  const [touched, setTouched] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const trimmed = note.trim();

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
        aria-labelledby="send-back-title"
        className="dialog"
        data-testid="send-back-dialog"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          }
        }}
      >
        <h2 id="send-back-title">Send back {shortId}</h2>
        <p className="muted">
          {task.name} · {task.dayLabel} · due {task.due}
        </p>
        <label htmlFor="send-back-note">Note to the owner (why it goes back)</label>
        <textarea
          id="send-back-note"
          ref={textRef}
          data-testid="send-back-note"
          rows={3}
          value={note}
          aria-invalid={touched && trimmed === ""}
          onChange={(e) => setNote(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        {touched && trimmed === "" && <p className="field-error">A note is required.</p>}
        {refusal && (
          <p className="field-error" role="alert" data-testid="send-back-refusal">
            {refusal}
          </p>
        )}
        <div className="dialog-actions">
          <span className="muted hint">Enter to send back · Shift+Enter new line · Esc to cancel</span>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button danger"
            data-testid="send-back-submit"
            disabled={trimmed === "" || submitting}
            onClick={submit}
          >
            {submitting ? "Sending back…" : "Send back"}
          </button>
        </div>
      </div>
    </div>
  );
}
