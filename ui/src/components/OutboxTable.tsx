import type { OutboxView, User } from "../bindings";
import { formatCount } from "../format";
import { ACTION_STATUS_LABELS, actionTone, humanize } from "../health";
import { formatFromNow, formatRelative, formatTimestamp } from "../time";

interface Props {
  actions: OutboxView[] | null;
  users: readonly User[];
  now: number;
}

function problem(a: OutboxView): string | null {
  if (a.sourceMessage) return a.sourceStatus === null ? a.sourceMessage : `${a.sourceStatus} · ${a.sourceMessage}`;
  return a.lastError;
}

/** Decisions on their way to the source systems, and refusals not yet dismissed. */
export function OutboxTable({ actions, users, now }: Props) {
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="outbox-table">
        <thead>
          <tr>
            <th>Kind</th>
            <th>Target</th>
            <th>Actor</th>
            <th>Status</th>
            <th className="right">Attempts</th>
            <th>Next attempt</th>
            <th className="wide">Last error / source message</th>
          </tr>
        </thead>
        <tbody>
          {actions === null && (
            <tr>
              <td colSpan={7} className="muted center">
                Loading outbox…
              </td>
            </tr>
          )}
          {actions?.length === 0 && (
            <tr>
              <td colSpan={7} className="muted center" data-testid="outbox-empty">
                Nothing waiting to be sent.
              </td>
            </tr>
          )}
          {actions?.map((a) => {
            const message = problem(a);
            const waiting = a.status === "queued";
            return (
              <tr key={a.actionId} data-testid="outbox-row" data-status={a.status}>
                <td title={`Created ${formatTimestamp(a.createdAt)} (${formatRelative(a.createdAt, now)})`}>
                  {humanize(a.kind)}
                </td>
                <td className="mono">{a.target}</td>
                <td title={a.actorId}>{nameOf(a.actorId)}</td>
                <td>
                  <span className={`badge badge-tone-${actionTone(a.status, a.attempts)}`}>
                    {ACTION_STATUS_LABELS[a.status]}
                  </span>
                </td>
                <td className="num right">{formatCount(a.attempts)}</td>
                <td className="num" title={formatTimestamp(a.nextAttemptAt)}>
                  {waiting ? formatFromNow(a.nextAttemptAt, now) : <span className="muted">—</span>}
                </td>
                <td className="wide">
                  {message ? (
                    <span className={`clamp ${a.status === "refused" ? "error" : "warning"}`} title={message}>
                      {message}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
