import type { ReactNode } from "react";
import type { ExceptionRow } from "../bindings";
import { ageSeconds, isBreached, isNewSince, queueLabel, SEVERITY_TONE, STATUSES } from "../exceptions";
import { formatSeconds } from "../format";
import { formatMoney, isNegative } from "../money";
import type { ExportField } from "../tableExport";
import { formatFromNow, formatRelative, formatTimestamp } from "../time";
import { ColumnTable, type TableColumn } from "./ColumnTable";
import { ROW_HEIGHT } from "./QueueTable";

const HEADER_HEIGHT = 32;

interface CellInput {
  row: ExceptionRow;
  now: number;
  lastVisit: string | null;
  onOpenTrace: (invoiceId: string) => void;
}

/** One column: how it renders and what it exports (raw values: ISO times, exact amounts). */
export interface ExceptionColumn extends TableColumn {
  cell: (c: CellInput) => ReactNode;
  export: readonly ExportField<ExceptionRow>[];
}

export const EXCEPTION_COLUMNS: readonly ExceptionColumn[] = [
  {
    id: "new",
    label: "Changed since last visit",
    header: "",
    width: "18px",
    export: [{ header: "Updated at", type: "date", value: (r) => r.updatedAt }],
    cell: ({ row, lastVisit }) =>
      isNewSince(row.updatedAt, lastVisit) ? (
        <span className="exc-new-dot" data-testid="new-marker" title="Changed since your last visit">
          <span className="exc-sr-only">New</span>
        </span>
      ) : null,
  },
  {
    id: "severity",
    label: "Severity",
    width: "76px",
    export: [{ header: "Severity", type: "text", value: (r) => r.severity }],
    cell: ({ row }) => <span className={`badge badge-${SEVERITY_TONE[row.severity]}`}>{row.severity}</span>,
  },
  {
    id: "kind",
    label: "Kind",
    width: "minmax(120px, 1fr)",
    export: [{ header: "Kind", type: "text", value: (r) => r.kindLabel }],
    cell: ({ row }) => <span className="truncate" title={row.kindLabel}>{row.kindLabel}</span>,
  },
  {
    id: "entity",
    label: "Entity",
    width: "60px",
    export: [{ header: "Entity", type: "text", value: (r) => r.entity }],
    cell: ({ row }) => <span className="entity-code">{row.entity}</span>,
  },
  {
    id: "summary",
    label: "Summary",
    width: "minmax(180px, 2.4fr)",
    // The cell shows "summary · supplier"; a spreadsheet wants them apart.
    export: [
      { header: "Summary", type: "text", value: (r) => r.summary },
      { header: "Supplier", type: "text", value: (r) => r.supplier },
    ],
    cell: ({ row }) => {
      const text = row.supplier ? `${row.summary} · ${row.supplier}` : row.summary;
      return <span className="truncate" title={text}>{text}</span>;
    },
  },
  {
    id: "amount",
    label: "At risk",
    width: "150px",
    export: [{ header: "At risk", type: "money", value: (r) => r.amount }],
    align: "right",
    cell: ({ row }) =>
      row.amount === null ? (
        <span className="muted">—</span>
      ) : (
        <span className={isNegative(row.amount.amount) ? "num negative" : "num"} data-testid="exception-amount">
          {formatMoney(row.amount)}
        </span>
      ),
  },
  {
    id: "since",
    label: "Age",
    width: "60px",
    // An age is stale the moment the file is saved; the start time is not.
    export: [{ header: "Since", type: "date", value: (r) => r.since }],
    align: "right",
    cell: ({ row, now }) => {
      const age = ageSeconds(row.since, now);
      return (
        <span className="num" title={`Since ${formatTimestamp(row.since)}`}>
          {age === null ? row.since : formatSeconds(age)}
        </span>
      );
    },
  },
  {
    id: "slaDue",
    label: "SLA due",
    width: "136px",
    export: [
      { header: "SLA due", type: "date", value: (r) => r.slaDue },
      { header: "Breached", type: "text", value: (r) => (r.breached ? "yes" : "no") },
    ],
    cell: ({ row, now }) =>
      isBreached(row, now) ? (
        <span className="exc-sla" title={`Was due ${formatTimestamp(row.slaDue)}`}>
          <span className="badge badge-danger" data-testid="breached">breached</span>
          <span className="num overdue">{formatRelative(row.slaDue, now)}</span>
        </span>
      ) : (
        <span className="num" title={formatTimestamp(row.slaDue)}>{formatFromNow(row.slaDue, now)}</span>
      ),
  },
  {
    id: "invoice",
    label: "Invoice",
    width: "112px",
    export: [{ header: "Invoice", type: "text", value: (r) => r.invoice }],
    cell: ({ row, onOpenTrace }) => {
      const invoice = row.invoice;
      if (invoice === null) return <span className="muted">—</span>;
      return (
        <button
          type="button"
          className="link-button mono truncate"
          data-testid="invoice-link"
          title={`Trace ${invoice} (t)`}
          // Keep the row's own mouse-down (select) from racing the trace drawer.
          onMouseDown={(e) => e.stopPropagation()}
          onClick={() => onOpenTrace(invoice)}
        >
          {invoice}
        </button>
      );
    },
  },
  // Off until chosen: what the detail shows, for people who sort and filter in a spreadsheet.
  {
    id: "status",
    label: "Status",
    defaultHidden: true,
    width: "90px",
    cell: ({ row }) => STATUSES.find((st) => st.id === row.status)?.label ?? row.status,
    export: [{ header: "Status", type: "text", value: (r) => r.status }],
  },
  {
    id: "queue",
    label: "Queue",
    defaultHidden: true,
    width: "120px",
    cell: ({ row }) => <span className="truncate">{queueLabel(row.queue)}</span>,
    export: [{ header: "Queue", type: "text", value: (r) => queueLabel(r.queue) }],
  },
  {
    id: "id",
    label: "Exception ID",
    defaultHidden: true,
    width: "120px",
    cell: ({ row }) => (
      <span className="mono truncate" title={row.id}>
        {row.id}
      </span>
    ),
    export: [{ header: "Exception ID", type: "text", value: (r) => r.id }],
  },
];

interface Props {
  /** Visible column ids in display order (the column chooser's). */
  columnIds: readonly string[];
  rows: ExceptionRow[];
  /** Rows in all; null when not known exactly. */
  total: number | null;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  selectedId: string | null;
  now: number;
  lastVisit: string | null;
  onSelect: (id: string) => void;
  onOpen: (id: string) => void;
  onOpenTrace: (invoiceId: string) => void;
  onLoadMore: () => void;
}

/** The exception list: virtualized (queues run to thousands), paged by cursor near the end. */
export function ExceptionTable(props: Props) {
  const { columnIds, rows, total, loading, loadingMore, hasMore, selectedId, now, lastVisit } = props;
  const { onSelect, onOpen, onOpenTrace, onLoadMore } = props;

  return (
    <ColumnTable
      columns={EXCEPTION_COLUMNS}
      columnIds={columnIds}
      renderCell={(c, row) => c.cell({ row, now, lastVisit, onOpenTrace })}
      headerTitles
      rows={rows}
      rowHeight={ROW_HEIGHT}
      headerHeight={HEADER_HEIGHT}
      selectedId={selectedId}
      paging={{ loading, loadingMore, hasMore, onLoadMore }}
      className="queue-scroll"
      testId="exception-table"
      gridClassName="queue-grid exc-grid"
      label="Exceptions"
      rowCount={total}
      rowTestId="exception-row"
      rowAttributes={(row, index) => ({ "data-exception-id": row.id, "data-index": index })}
      rowVariants={(row) => [row.status !== "open" && "exc-closed"]}
      onSelect={onSelect}
      onOpen={onOpen}
    >
      {!loading && rows.length === 0 && (
        <div className="queue-empty" data-testid="exceptions-empty">
          No exceptions here. Nothing is waiting on you.
        </div>
      )}
      {loading && rows.length === 0 && <div className="queue-empty">Loading exceptions…</div>}
    </ColumnTable>
  );
}
