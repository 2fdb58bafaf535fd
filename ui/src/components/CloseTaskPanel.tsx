import type { CloseTaskRow, User } from "../bindings";
import {
  MOVES,
  pendingText,
  shortTaskId,
  signalText,
  statusLabel,
  userName,
  type CloseMove,
} from "../close";
import { CriticalMark, shortIds, SignalIcon, StateBadge } from "./CloseTaskCard";

/** The outcome of the last move made from this screen. */
export interface MoveResult {
  taskId: string;
  ok: boolean;
  text: string;
}

interface Props {
  task: CloseTaskRow;
  tasks: readonly CloseTaskRow[];
  entity: string;
  period: string;
  users: readonly User[];
  busy: boolean;
  result: MoveResult | null;
  onSelect: (id: string) => void;
  onMove: (move: CloseMove) => void;
  onClose: () => void;
}

function TaskLink({ id, testid, tasks, entity, period, onSelect }: {
  id: string;
  testid: string;
  tasks: readonly CloseTaskRow[];
  entity: string;
  period: string;
  onSelect: (id: string) => void;
}) {
  const other = tasks.find((t) => t.id === id);
  // A dependency outside this board (another period's task) cannot be selected here.
  if (!other) return <li className="mono muted">{shortTaskId(id, entity, period)}</li>;
  return (
    <li>
      <button type="button" className="link-button" data-testid={testid} data-task-id={id} onClick={() => onSelect(id)}>
        <span className="mono">{shortTaskId(id, entity, period)}</span> {other.name}
      </button>{" "}
      <span className="muted">· {statusLabel(other.status)}</span>
    </li>
  );
}

/** Everything about the selected task, and the moves the signed-in user may make on it now. */
export function CloseTaskPanel({ task, tasks, entity, period, users, busy, result, onSelect, onMove, onClose }: Props) {
  const pending = task.pending ? pendingText(task.pending) : null;
  const dependents = tasks.filter((t) => t.dependsOn.includes(task.id)).map((t) => t.id);
  const allowed = MOVES.filter((m) => task.moves.includes(m.move));
  const link = (testid: string) => (id: string) => (
    <TaskLink key={id} id={id} testid={testid} tasks={tasks} entity={entity} period={period} onSelect={onSelect} />
  );

  return (
    <aside className="panel close-panel" data-testid="close-panel" data-task-id={task.id} aria-label={`Task ${task.name}`}>
      <header className="close-panel-head">
        <span className="mono muted">{shortTaskId(task.id, entity, period)}</span>
        <span className="spacer" />
        <button type="button" className="link-button" aria-label="Close task details" onClick={onClose}>
          Close <kbd>Esc</kbd>
        </button>
      </header>
      <h2 className="close-panel-title">{task.name}</h2>
      <div className="close-panel-badges">
        <StateBadge task={task} />
        <span className="chip">{statusLabel(task.status)}</span>
        {task.critical && <CriticalMark />}
      </div>

      <dl className="close-facts">
        <dt>Category</dt>
        <dd>{task.category}</dd>
        <dt>Day</dt>
        <dd>
          {task.dayLabel} · due <span className="num">{task.due}</span> · {task.durationDays} d
        </dd>
        <dt>Projected finish</dt>
        <dd className="num">
          {task.projectedFinish || "—"}{" "}
          <span className={task.slackDays < 0 ? "negative" : "muted"}>({task.slackDays} d slack)</span>
        </dd>
        <dt>Owner</dt>
        <dd>{userName(task.owner, users)}</dd>
        <dt>Reviewer</dt>
        <dd>{userName(task.reviewer, users)}</dd>
        {task.submittedBy && (
          <>
            <dt>Submitted by</dt>
            <dd>{userName(task.submittedBy, users)}</dd>
          </>
        )}
        {task.reviewedBy && (
          <>
            <dt>Reviewed by</dt>
            <dd>{userName(task.reviewedBy, users)}</dd>
          </>
        )}
      </dl>

      {task.signal && (
        <p className="close-panel-line muted" data-testid="panel-signal">
          <SignalIcon /> {signalText(task.signal)} <span className="mono">({task.signal})</span>
        </p>
      )}
      {task.blockedBy.length > 0 && (
        <p className="close-panel-line warning">Blocked by {shortIds(task.blockedBy, entity, period)}</p>
      )}

      <h3 className="close-panel-sub">Depends on</h3>
      {task.dependsOn.length > 0 ? <ul className="close-deps">{task.dependsOn.map(link("dependency"))}</ul> : <p className="muted">Nothing</p>}
      {dependents.length > 0 && (
        <>
          <h3 className="close-panel-sub">Holds up</h3>
          <ul className="close-deps">{dependents.map(link("dependent"))}</ul>
        </>
      )}

      <h3 className="close-panel-sub">Note</h3>
      <p className="close-panel-note" data-testid="task-note">
        {task.note ?? <span className="muted">No note</span>}
      </p>

      {pending && (
        <p className="close-panel-line">
          <span className={`badge badge-${pending.tone}`} data-testid="panel-pending" title={pending.text}>
            {pending.text}
          </span>
        </p>
      )}

      <div className="close-moves" data-testid="close-moves">
        {allowed.map((m) => (
          <button
            key={m.move}
            type="button"
            className={`button small${m.move === "sent_back" ? " danger" : m.move === "reviewed" ? " primary" : ""}`}
            data-testid={`move-${m.move}`}
            disabled={busy}
            onClick={() => onMove(m.move)}
          >
            {m.label} <kbd>{m.key}</kbd>
          </button>
        ))}
        {allowed.length === 0 && <span className="muted">You have no moves on this task now.</span>}
      </div>
      {result && (
        <p
          className={`close-move-result ${result.ok ? "ok-text" : "refused"}`}
          role="status"
          data-testid="move-result"
          data-ok={result.ok}
        >
          {result.text}
        </p>
      )}
    </aside>
  );
}
