import { useMemo } from "react";
import type { CloseTaskRow, User } from "../bindings";
import { initials, pendingText, shortTaskId, signalText, sortByDue, statusLabel, userName } from "../close";
import { CriticalMark, shortIds, SignalIcon, StateBadge } from "./CloseTaskCard";

interface Props {
  tasks: readonly CloseTaskRow[];
  entity: string;
  period: string;
  users: readonly User[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

/** Every field of every task in one table, in due order, for scanning and printing. */
export function CloseListView({ tasks, entity, period, users, selectedId, onSelect }: Props) {
  const rows = useMemo(() => sortByDue(tasks), [tasks]);
  return (
    <div className="table-scroll close-list">
      <table className="data-table" data-testid="close-list">
        <thead>
          <tr>
            <th>Task</th>
            <th>Category</th>
            <th>Status</th>
            <th>State</th>
            <th>Day</th>
            <th>Due</th>
            <th className="right">Days</th>
            <th>Projected finish</th>
            <th className="right">Slack</th>
            <th>Owner</th>
            <th>Reviewer</th>
            <th>Depends on</th>
            <th>Blocked by</th>
            <th>Signal</th>
            <th>Submitted / reviewed by</th>
            <th>Note</th>
            <th>ERP</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((task) => {
            const selected = task.id === selectedId;
            const pending = task.pending ? pendingText(task.pending) : null;
            const classes = ["close-list-row"];
            if (task.critical) classes.push("critical");
            if (selected) classes.push("selected");
            return (
              <tr
                key={task.id}
                className={classes.join(" ")}
                aria-selected={selected}
                data-testid="close-row"
                data-task-id={task.id}
                data-critical={task.critical}
                onClick={() => onSelect(task.id)}
              >
                <td>
                  <span className="mono muted">{shortTaskId(task.id, entity, period)}</span> {task.name}{" "}
                  {task.critical && <CriticalMark />}
                </td>
                <td>{task.category}</td>
                <td>{statusLabel(task.status)}</td>
                <td>
                  <StateBadge task={task} />
                </td>
                <td>{task.dayLabel}</td>
                <td className="num">{task.due}</td>
                <td className="right">{task.durationDays}</td>
                <td className="num">{task.projectedFinish || "—"}</td>
                <td className={`right${task.slackDays < 0 ? " negative" : ""}`}>{task.slackDays}</td>
                <td title={userName(task.owner, users)}>{initials(task.owner, users)}</td>
                <td title={userName(task.reviewer, users)}>{initials(task.reviewer, users)}</td>
                <td>{shortIds(task.dependsOn, entity, period) || "—"}</td>
                <td className={task.blockedBy.length > 0 ? "warning" : undefined}>
                  {shortIds(task.blockedBy, entity, period) || "—"}
                </td>
                <td title={task.signal ? signalText(task.signal) : undefined}>
                  {task.signal ? (
                    <>
                      <SignalIcon /> {task.signal}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td>
                  {[task.submittedBy, task.reviewedBy].map((u) => (u ? initials(u, users) : "—")).join(" / ")}
                </td>
                <td className="wrap">{task.note ?? ""}</td>
                <td>{pending && <span className={`badge badge-${pending.tone}`}>{pending.text}</span>}</td>
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr>
              <td colSpan={17} className="center muted">
                No tasks in this period.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
