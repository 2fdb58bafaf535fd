import type { ActionKind, Evidence, ExceptionDetail, ExceptionEvent, SentAction, User } from "../bindings";
import { ACTION_INFO, actionInFlight, isBreached, SEVERITY_TONE, sentStatusInfo } from "../exceptions";
import { formatMoney } from "../money";
import { formatFromNow, formatRelative, formatTimestamp } from "../time";

export interface ActionResult {
  exceptionId: string;
  tone: "ok" | "error";
  text: string;
}

interface Props {
  detail: ExceptionDetail | null;
  loading: boolean;
  users: readonly User[];
  result: ActionResult | null;
  busy: boolean;
  now: number;
  onAction: (action: ActionKind) => void;
  onClose: () => void;
  onOpenTrace: (invoiceId: string) => void;
}

/** One exception: why it was raised (evidence), what happened to it, and what can be done. */
export function ExceptionDetailPanel(props: Props) {
  const { detail, loading, users, result, busy, now, onAction, onClose, onOpenTrace } = props;

  if (detail === null) {
    return (
      <section className="panel exc-detail" aria-label="Exception detail" data-testid="exception-detail">
        <p className="muted pad">{loading ? "Loading the exception…" : "Select an exception and press Enter."}</p>
      </section>
    );
  }

  const { row, evidence, history, sent, actions } = detail;
  const breached = isBreached(row, now);
  const inFlight = actionInFlight(sent);
  const shownResult = result?.exceptionId === row.id ? result : null;
  const invoice = row.invoice;

  return (
    <section className="panel exc-detail" aria-label="Exception detail" data-testid="exception-detail">
      <header className="exc-detail-head">
        <span className={`badge badge-${SEVERITY_TONE[row.severity]}`}>{row.severity}</span>
        <h2 className="truncate" title={row.kindLabel}>{row.kindLabel}</h2>
        <span className="spacer" />
        <button type="button" className="link-button" data-testid="exception-detail-close" onClick={onClose}>
          Close <kbd>Esc</kbd>
        </button>
      </header>

      <div className="exc-detail-body">
        <p className="exc-detail-summary">{row.summary}</p>
        <dl className="figures exc-facts">
          <dt>Entity</dt>
          <dd>{row.entity}</dd>
          {row.supplier && (
            <>
              <dt>Supplier</dt>
              <dd>{row.supplier}</dd>
            </>
          )}
          <dt>At risk</dt>
          <dd className="num" data-testid="exception-detail-amount">{row.amount ? formatMoney(row.amount) : "—"}</dd>
          <dt>Status</dt>
          <dd>{row.status}</dd>
          <dt>SLA due</dt>
          <dd title={formatTimestamp(row.slaDue)}>
            {breached ? (
              <span className="overdue">breached · {formatRelative(row.slaDue, now)}</span>
            ) : (
              formatFromNow(row.slaDue, now)
            )}
          </dd>
          {invoice && (
            <>
              <dt>Invoice</dt>
              <dd>
                <button type="button" className="link-button mono" onClick={() => onOpenTrace(invoice)}>
                  {invoice}
                </button>{" "}
                <kbd>t</kbd>
              </dd>
            </>
          )}
        </dl>

        {shownResult && (
          <p
            className={shownResult.tone === "ok" ? "exc-result ok-text" : "exc-result error"}
            role={shownResult.tone === "ok" ? "status" : "alert"}
            data-testid="action-result"
            data-tone={shownResult.tone}
          >
            {shownResult.text}
          </p>
        )}

        {actions.length > 0 && (
          <div className="exc-actions" data-testid="exception-actions">
            {actions.map((action) => {
              const info = ACTION_INFO[action];
              return (
                <button
                  key={action}
                  type="button"
                  className={action === "override" ? "button" : "button primary"}
                  data-testid={`action-${action}`}
                  disabled={busy || inFlight}
                  title={inFlight ? "An action on this exception is already on its way" : undefined}
                  onClick={() => onAction(action)}
                >
                  {info.label} <kbd>{info.key}</kbd>
                </button>
              );
            })}
          </div>
        )}

        {sent && <SentStatus sent={sent} />}

        <EvidenceTable evidence={evidence} />

        {evidence.notes.length > 0 && (
          <div className="exc-notes" data-testid="exception-notes">
            <h3>Notes</h3>
            <ul>
              {evidence.notes.map((note, i) => (
                <li key={i}>{note}</li>
              ))}
            </ul>
          </div>
        )}

        <History history={history} users={users} />
      </div>
    </section>
  );
}

function SentStatus({ sent }: { sent: SentAction }) {
  const { label, tone } = sentStatusInfo(sent);
  return (
    <div className="exc-sent" data-testid="sent-action" data-status={sent.status}>
      <span className="muted">Sent action</span> <span className="mono">{sent.kind}</span>{" "}
      <span className={`badge badge-${tone}`}>{label}</span>
      {sent.sourceMessage && (
        <p className="exc-source-message" data-testid="sent-source-message">
          Source: {sent.sourceMessage}
        </p>
      )}
    </div>
  );
}

/** Records side by side, one row per compared field; fields that disagree are highlighted. */
function EvidenceTable({ evidence }: { evidence: Evidence }) {
  if (evidence.rows.length === 0) return null;
  return (
    <div className="exc-evidence-wrap">
      <h3>Evidence</h3>
      <table className="plain-table exc-evidence" data-testid="evidence">
        <thead>
          <tr>
            <th scope="col">Field</th>
            {evidence.columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {evidence.rows.map((r, i) => (
            <tr
              key={i}
              className={r.differs ? "differs" : undefined}
              data-testid="evidence-row"
              data-differs={r.differs ? "true" : "false"}
            >
              <th scope="row">
                {r.differs && (
                  <span className="exc-differs-mark" title="The records disagree here">
                    ≠{" "}
                  </span>
                )}
                {r.label}
              </th>
              {r.values.map((v, j) => (
                <td key={j} title={v}>
                  {v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function History({ history, users }: { history: ExceptionEvent[]; users: readonly User[] }) {
  if (history.length === 0) return null;
  const nameOf = (id: string | null) => (id === null ? "Control Tower" : (users.find((u) => u.id === id)?.name ?? id));
  return (
    <div className="exc-history">
      <h3>History</h3>
      <ol className="exc-timeline" data-testid="exception-history">
        {history.map((e, i) => (
          <li key={i}>
            <span className="muted num" title={e.at}>
              {formatTimestamp(e.at)}
            </span>{" "}
            <strong>{e.event}</strong> · {nameOf(e.actorId)}
            {e.detail && <div className="exc-history-detail">{e.detail}</div>}
          </li>
        ))}
      </ol>
    </div>
  );
}
