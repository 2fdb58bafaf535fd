import { useCallback, useRef, useState, type ReactNode } from "react";
import { errorCode, errorMessage } from "../api";
import type { CommandErrorCode } from "../bindings";
import { ReportErrorContext } from "../errors";

const TITLES: Record<CommandErrorCode | "unknown", string> = {
  notFound: "Not found",
  forbidden: "Not allowed",
  segregationOfDuties: "Segregation of duties",
  invalidInput: "Invalid input",
  conflict: "Conflict",
  unavailable: "Source unavailable",
  internal: "Something went wrong",
  unknown: "Something went wrong",
};

const MAX_TOASTS = 4;

interface Toast {
  id: number;
  title: string;
  message: string;
  repeats: number;
}

/** Shows every reported error until the user dismisses it; repeats are merged. */
export function ErrorToasts({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const report = useCallback((error: unknown) => {
    console.error(error);
    const title = TITLES[errorCode(error) ?? "unknown"];
    const message = errorMessage(error);
    setToasts((list) => {
      const same = list.find((t) => t.title === title && t.message === message);
      if (same) return list.map((t) => (t === same ? { ...t, repeats: t.repeats + 1 } : t));
      const toast = { id: nextId.current++, title, message, repeats: 1 };
      return [...list, toast].slice(-MAX_TOASTS);
    });
  }, []);

  const dismiss = (id: number) => setToasts((list) => list.filter((t) => t.id !== id));

  return (
    <ReportErrorContext.Provider value={report}>
      {children}
      <div className="toasts" aria-live="assertive">
        {toasts.map((toast) => (
          <div key={toast.id} className="toast" role="alert" data-testid="error-toast">
            <div className="toast-body">
              <strong>{toast.title}</strong>
              <span data-testid="error-message">{toast.message}</span>
            </div>
            {toast.repeats > 1 && <span className="toast-repeats">×{toast.repeats}</span>}
            <button
              type="button"
              className="toast-close"
              aria-label="Dismiss error"
              onClick={() => dismiss(toast.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ReportErrorContext.Provider>
  );
}
