import { useCallback, useEffect, useLayoutEffect, useRef } from "react";
import { unwrap } from "../api";
import { commands } from "../bindings";
import { useReportError } from "../errors";
import { useNow } from "../hooks/useNow";
import { formatMoney } from "../money";
import { formatWhen } from "../payments";
import { formatRelative } from "../time";
import { useFetched } from "./PaymentData";
import { TraceExceptions, TraceStages } from "./TraceStages";

interface Props {
  invoiceId: string;
  mirrorVersion: number;
  onClose: () => void;
}

/**
 * One invoice from AP capture to the bank statement, over the right edge of any screen.
 * Not modal: the screen behind keeps its keys, so j/k then t re-points the drawer at the
 * next row's invoice. Escape closes it (unless a modal dialog is open and takes Escape).
 */
export function InvoiceTraceDrawer({ invoiceId, mirrorVersion, onClose }: Props) {
  const report = useReportError();
  const load = useCallback(() => unwrap(commands.invoiceTrace(invoiceId)), [invoiceId]);
  const { data, failed } = useFetched(load, mirrorVersion, report);
  // While another invoice's trace is loading, the previous one must not be shown under this id.
  const trace = data !== null && data.invoiceId === invoiceId ? data : null;
  const now = useNow(60_000);

  useCloseOnEscape(onClose);

  // Focus moves into the drawer for screen readers, and back where it was on close.
  const panelRef = useRef<HTMLElement>(null);
  useEffect(() => {
    const before = document.activeElement;
    panelRef.current?.focus();
    return () => {
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, []);

  return (
    <aside
      ref={panelRef}
      className="trace-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="trace-title"
      tabIndex={-1}
      data-testid="trace-drawer"
      data-invoice-id={invoiceId}
    >
      <header className="trace-head">
        <div className="trace-title-block">
          <h2 id="trace-title">
            Invoice trace <span className="mono">{trace?.number ?? invoiceId}</span>
          </h2>
          {trace && (
            <div className="muted">
              {trace.supplier} · <span className="entity-code">{trace.entity}</span> ·{" "}
              <span className="num">{formatMoney(trace.amount)}</span>
            </div>
          )}
        </div>
        <button
          type="button"
          className="toast-close"
          aria-label="Close the trace (Esc)"
          title="Close (Esc)"
          data-testid="trace-close"
          onClick={onClose}
        >
          ×
        </button>
      </header>

      <div className="trace-body">
        {trace === null ? (
          <p className={failed ? "error" : "muted"}>
            {failed ? "Could not load the trace; it is retried on the next sync." : "Loading the trace…"}
          </p>
        ) : (
          <>
            {trace.stuck !== null ? (
              <div className="trace-banner" role="status" data-testid="stuck-banner">
                <strong>Stuck:</strong> {trace.stuck}
                {trace.stuckSince !== null && (
                  <>
                    {" since "}
                    <time dateTime={trace.stuckSince}>{formatWhen(trace.stuckSince)}</time>
                    <span className="muted"> ({formatRelative(trace.stuckSince, now)})</span>
                  </>
                )}
              </div>
            ) : (
              <div className="trace-banner trace-banner-ok" role="status" data-testid="paid-banner">
                Paid: the bank statement shows it.
              </div>
            )}
            <TraceStages stages={trace.stages} />
            <h3 className="pay-section-title">Exceptions</h3>
            <TraceExceptions exceptions={trace.exceptions} />
          </>
        )}
      </div>
    </aside>
  );
}

function useCloseOnEscape(onClose: () => void) {
  const handler = useRef(onClose);
  useLayoutEffect(() => {
    handler.current = onClose;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      handler.current();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
