import type { CloseTaskRow, User } from "../bindings";
import { initials, pendingText, shortTaskId, signalText, STATE_LABEL, STATE_TONE, userName } from "../close";

/** Lightning bolt: the task completes itself from a system signal. */
export function SignalIcon() {
  return (
    <svg className="icon" width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M9.2 1.5L3.5 9h4l-1 5.5L12.5 7h-4z" fill="currentColor" />
    </svg>
  );
}

export function StateBadge({ task }: { task: CloseTaskRow }) {
  return (
    <span className={`badge ${STATE_TONE[task.state]}`} data-testid="state-badge" data-state={task.state}>
      {STATE_LABEL[task.state]}
    </span>
  );
}

export function CriticalMark() {
  return (
    <span className="close-critical-mark" data-testid="critical-mark" title="On the critical path: any delay moves the close">
      critical path
    </span>
  );
}

/** Ids of other tasks, as the keys people know them by (APCLOSE, not CT-DE01-2026-11-APCLOSE). */
export function shortIds(ids: readonly string[], entity: string, period: string): string {
  return ids.map((id) => shortTaskId(id, entity, period)).join(", ");
}

interface Props {
  task: CloseTaskRow;
  entity: string;
  period: string;
  users: readonly User[];
  selected: boolean;
  onSelect: (id: string) => void;
}

/** One task on the board: what, when, who, and whether it holds up the close. */
export function CloseTaskCard({ task, entity, period, users, selected, onSelect }: Props) {
  const pending = task.pending ? pendingText(task.pending) : null;
  const classes = ["close-card", `state-${task.state}`];
  if (task.critical) classes.push("critical");
  if (selected) classes.push("selected");
  return (
    <div
      role="option"
      aria-selected={selected}
      className={classes.join(" ")}
      data-testid="close-card"
      data-task-id={task.id}
      data-critical={task.critical}
      onClick={() => onSelect(task.id)}
    >
      <div className="close-card-head">
        <span className="mono muted">{shortTaskId(task.id, entity, period)}</span>
        {task.critical && <CriticalMark />}
        <span className="spacer" />
        <StateBadge task={task} />
      </div>
      <div className="close-card-name">{task.name}</div>
      <div className="close-card-meta muted">
        <span className="chip">{task.dayLabel}</span>
        <span className="num">due {task.due}</span>
        <span className="spacer" />
        <span title={`Owner: ${userName(task.owner, users)}`}>{initials(task.owner, users)}</span>
        <span aria-hidden="true">/</span>
        <span title={`Reviewer: ${userName(task.reviewer, users)}`}>{initials(task.reviewer, users)}</span>
      </div>
      {task.blockedBy.length > 0 && (
        <div className="close-card-line warning" data-testid="blocked-by">
          blocked by {shortIds(task.blockedBy, entity, period)}
        </div>
      )}
      {task.signal && (
        <div className="close-card-line muted" data-testid="signal" title={task.signal}>
          <SignalIcon /> {signalText(task.signal)}
        </div>
      )}
      {pending && (
        <div className="close-card-line">
          <span className={`badge badge-${pending.tone}`} data-testid="pending-move" title={pending.text}>
            {pending.text}
          </span>
        </div>
      )}
    </div>
  );
}
