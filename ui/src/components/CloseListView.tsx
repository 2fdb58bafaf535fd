import { useMemo, type ReactNode } from "react";
import type { CloseTaskRow, User } from "../bindings";
import {
  initials,
  pendingText,
  shortTaskId,
  signalText,
  sortByDue,
  STATE_LABEL,
  statusLabel,
  userName,
} from "../close";
import type { ExportField } from "../tableExport";
import type { ColumnMeta } from "../tableViews";
import { CriticalMark, shortIds, SignalIcon, StateBadge } from "./CloseTaskCard";

/** One column: its cell, the cell's classes, and what it exports (names in full, ISO dates). */
export interface CloseColumn extends ColumnMeta {
  right?: boolean;
  className?: (task: CloseTaskRow) => string | undefined;
  title?: (task: CloseTaskRow) => string | undefined;
  cell: (task: CloseTaskRow) => ReactNode;
  export: readonly ExportField<CloseTaskRow>[];
}

/**
 * The list's columns for one board: ids show as the keys people know (APCLOSE)
 * and people by initials, so the columns depend on the entity, period and directory.
 */
export function closeListColumns(entity: string, period: string, users: readonly User[]): CloseColumn[] {
  const short = (ids: readonly string[]) => shortIds(ids, entity, period);
  const text = (header: string, value: (t: CloseTaskRow) => string | null): ExportField<CloseTaskRow> => ({
    header,
    type: "text",
    value,
  });
  const person = (id: string | null) => (id ? initials(id, users) : "—");
  return [
    {
      id: "task",
      label: "Task",
      cell: (task) => (
        <>
          <span className="mono muted">{shortTaskId(task.id, entity, period)}</span> {task.name}{" "}
          {task.critical && <CriticalMark />}
        </>
      ),
      export: [
        text("Task", (t) => shortTaskId(t.id, entity, period)),
        text("Name", (t) => t.name),
        text("Critical path", (t) => (t.critical ? "yes" : "no")),
      ],
    },
    { id: "category", label: "Category", cell: (t) => t.category, export: [text("Category", (t) => t.category)] },
    {
      id: "status",
      label: "Status",
      cell: (t) => statusLabel(t.status),
      export: [text("Status", (t) => statusLabel(t.status))],
    },
    {
      id: "state",
      label: "State",
      cell: (task) => <StateBadge task={task} />,
      export: [text("State", (t) => STATE_LABEL[t.state])],
    },
    { id: "day", label: "Day", cell: (t) => t.dayLabel, export: [text("Day", (t) => t.dayLabel)] },
    {
      id: "due",
      label: "Due",
      className: () => "num",
      cell: (t) => t.due,
      export: [{ header: "Due", type: "date", value: (t) => t.due }],
    },
    {
      id: "days",
      label: "Days",
      right: true,
      cell: (t) => t.durationDays,
      export: [{ header: "Days", type: "integer", value: (t) => t.durationDays }],
    },
    {
      id: "projectedFinish",
      label: "Projected finish",
      className: () => "num",
      cell: (t) => t.projectedFinish || "—",
      export: [{ header: "Projected finish", type: "date", value: (t) => t.projectedFinish || null }],
    },
    {
      id: "slack",
      label: "Slack",
      right: true,
      className: (t) => (t.slackDays < 0 ? "negative" : undefined),
      cell: (t) => t.slackDays,
      export: [{ header: "Slack", type: "integer", value: (t) => t.slackDays }],
    },
    {
      id: "owner",
      label: "Owner",
      title: (t) => userName(t.owner, users),
      cell: (t) => initials(t.owner, users),
      export: [text("Owner", (t) => userName(t.owner, users))],
    },
    {
      id: "reviewer",
      label: "Reviewer",
      title: (t) => userName(t.reviewer, users),
      cell: (t) => initials(t.reviewer, users),
      export: [text("Reviewer", (t) => userName(t.reviewer, users))],
    },
    {
      id: "dependsOn",
      label: "Depends on",
      cell: (t) => short(t.dependsOn) || "—",
      export: [text("Depends on", (t) => short(t.dependsOn))],
    },
    {
      id: "blockedBy",
      label: "Blocked by",
      className: (t) => (t.blockedBy.length > 0 ? "warning" : undefined),
      cell: (t) => short(t.blockedBy) || "—",
      export: [text("Blocked by", (t) => short(t.blockedBy))],
    },
    {
      id: "signal",
      label: "Signal",
      title: (t) => (t.signal ? signalText(t.signal) : undefined),
      cell: (t) =>
        t.signal ? (
          <>
            <SignalIcon /> {t.signal}
          </>
        ) : (
          "—"
        ),
      export: [text("Signal", (t) => t.signal)],
    },
    {
      id: "people",
      label: "Submitted / reviewed by",
      cell: (t) => `${person(t.submittedBy)} / ${person(t.reviewedBy)}`,
      export: [
        text("Submitted by", (t) => (t.submittedBy ? userName(t.submittedBy, users) : null)),
        text("Reviewed by", (t) => (t.reviewedBy ? userName(t.reviewedBy, users) : null)),
      ],
    },
    {
      id: "note",
      label: "Note",
      className: () => "wrap",
      cell: (t) => t.note ?? "",
      export: [text("Note", (t) => t.note)],
    },
    {
      id: "erp",
      label: "ERP",
      cell: (t) => {
        const pending = t.pending ? pendingText(t.pending) : null;
        return pending && <span className={`badge badge-${pending.tone}`}>{pending.text}</span>;
      },
      export: [text("ERP", (t) => (t.pending ? pendingText(t.pending).text : null))],
    },
  ];
}

interface Props {
  tasks: readonly CloseTaskRow[];
  /** The visible columns in display order (the column chooser's). */
  columns: readonly CloseColumn[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

/** Every field of every task in one table, in due order, for scanning and printing. */
export function CloseListView({ tasks, columns, selectedId, onSelect }: Props) {
  const rows = useMemo(() => sortByDue(tasks), [tasks]);
  return (
    <div className="table-scroll close-list">
      <table className="data-table" data-testid="close-list">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.id} className={c.right ? "right" : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((task) => {
            const selected = task.id === selectedId;
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
                {columns.map((c) => {
                  const cls = [c.right ? "right" : "", c.className?.(task) ?? ""].filter(Boolean).join(" ");
                  return (
                    <td key={c.id} className={cls || undefined} title={c.title?.(task)}>
                      {c.cell(task)}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="center muted">
                No tasks in this period.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
