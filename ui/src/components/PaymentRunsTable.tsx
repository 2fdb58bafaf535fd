import { useEffect, useMemo, useRef, type ReactNode } from "react";
import type { PaymentRunRow } from "../bindings";
import { formatCount } from "../format";
import { formatMoney } from "../money";
import type { ExportField } from "../tableExport";
import { pickColumns, type ColumnMeta } from "../tableViews";

interface CellInput {
  run: PaymentRunRow;
  onOpen: (runId: string) => void;
}

/** One column: its cell, the cell's classes, and what it exports (exact totals, ISO value date). */
export interface RunColumn extends ColumnMeta {
  right?: boolean;
  className?: (run: PaymentRunRow) => string;
  cell: (c: CellInput) => ReactNode;
  export: readonly ExportField<PaymentRunRow>[];
}

/** Settled, rejected, in flight: counts with their own colour. */
const countColumn = (
  id: "settled" | "rejected" | "inFlight",
  label: string,
  className: RunColumn["className"],
): RunColumn => ({
  id,
  label,
  right: true,
  className,
  cell: ({ run }) => formatCount(run[id]),
  export: [{ header: label, type: "integer", value: (r) => r[id] }],
});

export const RUN_COLUMNS: readonly RunColumn[] = [
  {
    id: "id",
    label: "Run",
    className: () => "mono",
    cell: ({ run }) => run.id,
    export: [{ header: "Run", type: "text", value: (r) => r.id }],
  },
  {
    id: "entity",
    label: "Entity",
    className: () => "entity-code",
    cell: ({ run }) => run.entity,
    export: [{ header: "Entity", type: "text", value: (r) => r.entity }],
  },
  {
    id: "account",
    label: "Account",
    className: () => "mono",
    cell: ({ run }) => run.accountId,
    export: [{ header: "Account", type: "text", value: (r) => r.accountId }],
  },
  {
    id: "valueDate",
    label: "Value date",
    className: () => "num",
    cell: ({ run }) => run.valueDate,
    export: [{ header: "Value date", type: "date", value: (r) => r.valueDate }],
  },
  {
    id: "status",
    label: "Status",
    cell: ({ run }) => <span className="chip">{run.status}</span>,
    export: [{ header: "Status", type: "text", value: (r) => r.status }],
  },
  {
    id: "createdBy",
    label: "Created by",
    cell: ({ run }) => run.createdBy,
    export: [{ header: "Created by", type: "text", value: (r) => r.createdBy }],
  },
  {
    id: "total",
    label: "Total",
    right: true,
    className: () => "num",
    cell: ({ run }) => formatMoney(run.total),
    export: [{ header: "Total", type: "money", value: (r) => r.total }],
  },
  {
    id: "instructions",
    label: "Instructions",
    right: true,
    cell: ({ run, onOpen }) => (
      <button
        type="button"
        className="link-button num"
        title="Show this run's instructions"
        data-testid="run-open"
        onClick={(e) => {
          e.stopPropagation();
          onOpen(run.id);
        }}
      >
        {formatCount(run.instructions)}
      </button>
    ),
    export: [{ header: "Instructions", type: "integer", value: (r) => r.instructions }],
  },
  countColumn("settled", "Settled", () => "num tone-ok"),
  countColumn("rejected", "Rejected", (run) => (run.rejected > 0 ? "num tone-error strong" : "num muted")),
  countColumn("inFlight", "In flight", () => "num"),
];

interface Props {
  /** Visible column ids in display order (the column chooser's). */
  columnIds: readonly string[];
  runs: PaymentRunRow[];
  loading: boolean;
  selectedId: string | null;
  /** Shown above the table: export, columns, views. */
  toolbar?: ReactNode;
  /** Selecting a run filters the instructions to it; selecting it again clears that. */
  onSelect: (runId: string | null) => void;
  /** Shows the run's instructions (Enter, double-click, or the count). */
  onOpen: (runId: string) => void;
}

/** Payment runs, newest value date first (a handful per day: no virtualization needed). */
export function PaymentRunsTable({ columnIds, runs, loading, selectedId, toolbar, onSelect, onOpen }: Props) {
  const columns = useMemo(() => pickColumns(RUN_COLUMNS, columnIds), [columnIds]);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    if (selectedId === null) return;
    const rows = bodyRef.current?.querySelectorAll<HTMLElement>("tr[data-run-id]") ?? [];
    const row = [...rows].find((r) => r.dataset.runId === selectedId);
    // Optional call: not every DOM (the tests' happy-dom) implements scrollIntoView.
    row?.scrollIntoView?.({ block: "nearest" });
  }, [selectedId]);

  return (
    <section className="panel table-panel pay-runs" aria-label="Payment runs">
      {toolbar}
      <div className="table-scroll">
        <table className="data-table" data-testid="runs-table" aria-label="Payment runs">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.id} className={c.right ? "right" : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={bodyRef}>
            {runs.map((run) => {
              const selected = run.id === selectedId;
              return (
                <tr
                  key={run.id}
                  aria-selected={selected}
                  className={`pay-run-row${selected ? " selected" : ""}`}
                  data-testid="run-row"
                  data-run-id={run.id}
                  onClick={() => onSelect(selected ? null : run.id)}
                  onDoubleClick={() => onOpen(run.id)}
                >
                  {columns.map((c) => {
                    const classes = [c.right ? "right" : "", c.className?.(run) ?? ""].filter(Boolean).join(" ");
                    return (
                      <td key={c.id} className={classes || undefined}>
                        {c.cell({ run, onOpen })}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
            {runs.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="center muted">
                  {loading ? "Loading payment runs…" : "No payment runs in the mirror yet."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
