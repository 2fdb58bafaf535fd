import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { errorCode, errorMessage } from "../api";
import type { CommandErrorCode } from "../bindings";
import { NotifyContext, ReportErrorContext, type Notice } from "../errors";

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
/** How long a notice stays; errors stay until dismissed. */
export const NOTICE_MS: Readonly<Record<Notice["tone"], number>> = {
  info: 5000,
  ok: 5000,
  warn: 12_000,
};

type Tone = Notice["tone"] | "error";

interface Toast {
  id: number;
  tone: Tone;
  title: string;
  message: string;
  repeats: number;
}

/**
 * Shows every reported error until the user dismisses it, and notices
 * (outcomes, "why nothing happened") for a few seconds; repeats are merged.
 */
export function ErrorToasts({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  // Changed only through `commit`, so a toast's id is known where it is shown.
  const list = useRef<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, number>());

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) window.clearTimeout(timer);
      pending.clear();
    };
  }, []);

  const commit = useCallback((next: Toast[]) => {
    list.current = next;
    setToasts(next);
  }, []);

  const dismiss = useCallback(
    (id: number) => {
      const timer = timers.current.get(id);
      if (timer !== undefined) window.clearTimeout(timer);
      timers.current.delete(id);
      commit(list.current.filter((t) => t.id !== id));
    },
    [commit],
  );

  const show = useCallback(
    (tone: Tone, title: string, message: string) => {
      const existing = list.current.find(
        (t) => t.tone === tone && t.title === title && t.message === message,
      );
      let id: number;
      if (existing) {
        id = existing.id;
        commit(list.current.map((t) => (t === existing ? { ...t, repeats: t.repeats + 1 } : t)));
      } else {
        id = nextId.current++;
        const next = [...list.current, { id, tone, title, message, repeats: 1 }];
        for (const dropped of next.slice(0, -MAX_TOASTS)) {
          const timer = timers.current.get(dropped.id);
          if (timer !== undefined) window.clearTimeout(timer);
          timers.current.delete(dropped.id);
        }
        commit(next.slice(-MAX_TOASTS));
      }
      if (tone === "error") return;
      const old = timers.current.get(id);
      if (old !== undefined) window.clearTimeout(old);
      timers.current.set(
        id,
        window.setTimeout(() => dismiss(id), NOTICE_MS[tone]),
      );
    },
    [commit, dismiss],
  );

  const report = useCallback(
    (error: unknown) => {
      console.error(error);
      show("error", TITLES[errorCode(error) ?? "unknown"], errorMessage(error));
    },
    [show],
  );

  const notify = useCallback(
    (notice: Notice) => show(notice.tone, notice.title, notice.message ?? ""),
    [show],
  );

  return (
    <ReportErrorContext.Provider value={report}>
      <NotifyContext.Provider value={notify}>
        {children}
        <div className="toasts">
          {toasts.map((toast) => {
            const error = toast.tone === "error";
            return (
              <div
                key={toast.id}
                className={`toast toast-${toast.tone}`}
                role={error ? "alert" : "status"}
                data-testid={error ? "error-toast" : "notice-toast"}
                data-tone={toast.tone}
              >
                <div className="toast-body">
                  <strong>{toast.title}</strong>
                  {toast.message && (
                    <span data-testid={error ? "error-message" : "notice-message"}>{toast.message}</span>
                  )}
                </div>
                {toast.repeats > 1 && <span className="toast-repeats">×{toast.repeats}</span>}
                <button
                  type="button"
                  className="toast-close"
                  aria-label={error ? "Dismiss error" : "Dismiss message"}
                  onClick={() => dismiss(toast.id)}
                >
                  ×
                </button>
              </div>
            );
          })}
        </div>
      </NotifyContext.Provider>
    </ReportErrorContext.Provider>
  );
}
