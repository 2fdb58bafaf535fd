import type { Ref } from "react";
import type { InstructionRow } from "../bindings";
import { formatCount } from "../format";
import { formatMoney } from "../money";
import { exceptionHref, formatWhen, isFinalStatus, statusClass } from "../payments";
import { ExceptionStatusBadge, PaymentStatusBadge } from "./PaymentStatusBadge";

interface Props {
  row: InstructionRow | null;
  /** Enter on the table moves focus here, so Tab reaches the exception and invoice links. */
  panelRef: Ref<HTMLElement>;
  onOpenTrace: (invoiceId: string) => void;
}

/** The selected instruction: where it stands, what the bank said at each step, what to do. */
export function PaymentDetail({ row, panelRef, onOpenTrace }: Props) {
  if (row === null) {
    return (
      <aside className="panel pay-detail" ref={panelRef} tabIndex={-1} aria-label="Instruction">
        <p className="muted pad">Select an instruction to see what the bank answered.</p>
      </aside>
    );
  }
  const rejected = row.status === "RJCT";
  const final = isFinalStatus(row.status);

  return (
    <aside
      className="panel pay-detail"
      ref={panelRef}
      tabIndex={-1}
      aria-label={`Instruction ${row.id}`}
      data-testid="instruction-detail"
      data-instruction-id={row.id}
    >
      <header className="pay-detail-head">
        <div className="pay-detail-title">
          <h2 className="truncate">{row.creditorName}</h2>
          <PaymentStatusBadge code={row.status} label={row.statusLabel} />
          <span className="muted">{row.statusLabel}</span>
        </div>
        <div className="pay-amount num">{formatMoney(row.amount)}</div>
        <dl className="pay-facts">
          <dt>IBAN</dt>
          <dd className="mono">{row.creditorIban}</dd>
          <dt>End-to-end</dt>
          <dd className="mono">{row.endToEndId}</dd>
          <dt>Run</dt>
          <dd className="mono">
            {row.runId} · {row.entity}
          </dd>
        </dl>
      </header>

      {row.unconfirmedHours !== null && (
        <p className="pay-alert pay-alert-warn" data-testid="sla-warning">
          No final answer from the bank after {formatCount(row.unconfirmedHours)} h: past the confirmation SLA.
        </p>
      )}

      {rejected && (
        <section className="pay-alert pay-alert-danger" data-testid="rejection" aria-label="Rejection">
          <div>
            <strong>Rejected by the bank</strong>
            {row.reason !== null && (
              <>
                {" · reason "}
                <span className="mono" data-testid="rejection-reason">
                  {row.reason}
                </span>
              </>
            )}
          </div>
          {row.remediation !== null && <p data-testid="remediation">{row.remediation}</p>}
        </section>
      )}

      {row.exceptionId !== null ? (
        <p className="pay-exception">
          <a href={exceptionHref(row.exceptionId)} data-testid="open-exception">
            Open exception
          </a>
          {row.exceptionStatus !== null && <ExceptionStatusBadge status={row.exceptionStatus} />}
        </p>
      ) : (
        rejected && <p className="pay-exception muted">No exception raised for it yet (raised on the next sync).</p>
      )}

      <section aria-label="Status timeline">
        <h3 className="pay-section-title">Status timeline</h3>
        <ol className="pay-timeline" data-testid="status-timeline">
          {row.history.map((step, i) => (
            <li
              key={`${step.status}-${step.at}-${i}`}
              className={`pay-step pay-step-${statusClass(step.status)}`}
              data-testid="timeline-step"
              data-status={step.status}
            >
              <span className="pay-step-dot" aria-hidden="true" />
              <div className="pay-step-body">
                <div className="pay-step-line">
                  <span className="mono strong">{step.status}</span>
                  <span>{step.label}</span>
                  <span className="spacer" />
                  <time className="num muted" dateTime={step.at}>
                    {formatWhen(step.at)}
                  </time>
                </div>
                {step.reason !== null && (
                  <div className="pay-step-reason">
                    Reason <span className="mono">{step.reason}</span>
                  </div>
                )}
              </div>
            </li>
          ))}
          {!final && (
            <li className="pay-step pay-step-awaiting" data-testid="timeline-awaiting">
              <span className="pay-step-dot" aria-hidden="true" />
              <div className="pay-step-body muted">Awaiting the bank's final answer (ACSC or RJCT)</div>
            </li>
          )}
        </ol>
      </section>

      <section aria-label="Invoices paid">
        <h3 className="pay-section-title">
          Pays {row.invoiceIds.length === 1 ? "1 invoice" : `${formatCount(row.invoiceIds.length)} invoices`}
          <span className="muted"> · trace with </span>
          <kbd>t</kbd>
        </h3>
        <ul className="pay-invoices">
          {row.invoiceIds.map((id) => (
            <li key={id}>
              <button
                type="button"
                className="link-button mono"
                data-testid="invoice-trace-link"
                title="Trace this invoice from AP capture to the bank statement"
                onClick={() => onOpenTrace(id)}
              >
                {id}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
