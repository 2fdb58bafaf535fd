import type { ExceptionRow, TraceStage } from "../bindings";
import { formatMoney } from "../money";
import { exceptionHref, formatWhen, traceStateView } from "../payments";
import { ExceptionStatusBadge } from "./PaymentStatusBadge";

/** The invoice's way from AP capture to the bank statement, one stage under the other. */
export function TraceStages({ stages }: { stages: TraceStage[] }) {
  return (
    <ol className="trace-stages" aria-label="Stages">
      {stages.map((s, i) => {
        const view = traceStateView(s.state);
        return (
          <li
            key={`${s.stage}-${i}`}
            className={`trace-stage trace-${view.tone}`}
            data-testid="trace-stage"
            data-stage={s.stage}
            data-state={s.state}
          >
            <span className="trace-icon" role="img" aria-label={view.label} title={view.label}>
              {view.icon}
            </span>
            <div className="trace-stage-body">
              <div className="trace-stage-head">
                <span className="strong">{s.label}</span>
                {view.tone === "alert" && <span className="badge badge-danger">{view.label}</span>}
                <span className="spacer" />
                {s.at !== null && (
                  <time className="num muted" dateTime={s.at}>
                    {formatWhen(s.at)}
                  </time>
                )}
              </div>
              <div className="trace-stage-meta muted">
                {s.system}
                {s.reference !== null && (
                  <>
                    {" · "}
                    <span className="mono" data-testid="trace-reference">
                      {s.reference}
                    </span>
                  </>
                )}
              </div>
              <div className="trace-stage-detail">{s.detail}</div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

/** Exceptions raised on the invoice (or on the payment that pays it), each opening in the queue. */
export function TraceExceptions({ exceptions }: { exceptions: ExceptionRow[] }) {
  if (exceptions.length === 0) return <p className="muted">No exceptions raised on this invoice.</p>;
  return (
    <ul className="trace-exceptions">
      {exceptions.map((e) => (
        <li key={e.id} className="trace-exception" data-testid="trace-exception" data-exception-id={e.id}>
          <div className="trace-stage-head">
            <a href={exceptionHref(e.id)} className="strong">
              {e.kindLabel}
            </a>
            <ExceptionStatusBadge status={e.status} />
            {e.breached && <span className="badge badge-danger">SLA breached</span>}
            <span className="spacer" />
            {e.amount !== null && <span className="num">{formatMoney(e.amount)}</span>}
          </div>
          <div className="trace-stage-detail">{e.summary}</div>
          <div className="muted">
            {e.queue} · {e.severity} · since <time dateTime={e.since}>{formatWhen(e.since)}</time>
          </div>
        </li>
      ))}
    </ul>
  );
}
