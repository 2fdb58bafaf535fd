import { useMemo } from "react";
import type { CloseTaskRow, User } from "../bindings";
import { groupByStatus, STATUS_COLUMNS } from "../close";
import { CloseTaskCard } from "./CloseTaskCard";

interface Props {
  tasks: readonly CloseTaskRow[];
  entity: string;
  period: string;
  users: readonly User[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

/** The kanban: one column per status, tasks by due date within each. */
export function CloseBoardView({ tasks, entity, period, users, selectedId, onSelect }: Props) {
  const groups = useMemo(() => groupByStatus(tasks), [tasks]);
  return (
    <div className="close-columns" data-testid="close-board">
      {STATUS_COLUMNS.map(({ status, label }) => {
        const column = groups[status];
        return (
          <section key={status} className="close-column" data-testid={`column-${status}`} aria-label={label}>
            <header className="close-column-head">
              <h2>{label}</h2>
              <span className="total-count">{column.length}</span>
            </header>
            <div className="close-column-body" role="listbox" aria-label={`${label} tasks`}>
              {column.map((task) => (
                <CloseTaskCard
                  key={task.id}
                  task={task}
                  entity={entity}
                  period={period}
                  users={users}
                  selected={task.id === selectedId}
                  onSelect={onSelect}
                />
              ))}
              {column.length === 0 && <p className="close-column-empty muted">None</p>}
            </div>
          </section>
        );
      })}
    </div>
  );
}
