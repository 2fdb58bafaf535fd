import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, type ReactNode } from "react";
import type { ExceptionRow } from "../bindings";
import { ageSeconds, isBreached, isNewSince, SEVERITY_TONE } from "../exceptions";
import { formatSeconds } from "../format";
import { formatMoney, isNegative } from "../money";
import { formatFromNow, formatRelative, formatTimestamp } from "../time";
import { ROW_HEIGHT } from "./QueueTable";

const HEADER_HEIGHT = 32;
/** Start loading the next page when this close to the end of what is loaded. */
const LOAD_AHEAD_ROWS = 30;

interface CellInput {
  row: ExceptionRow;
  now: number;
  lastVisit: string | null;
  onOpenTrace: (invoiceId: string) => void;
}

interface Column {
  id: string;
  header: string;
  width: string;
  right?: boolean;
  cell: (c: CellInput) => ReactNode;
}

const COLUMNS: readonly Column[] = [
  {
    id: "new",
    header: "",
    width: "18px",
    cell: ({ row, lastVisit }) =>
      isNewSince(row.updatedAt, lastVisit) ? (
        <span className="exc-new-dot" data-testid="new-marker" title="Changed since your last visit">
          <span className="exc-sr-only">New</span>
        </span>
      ) : null,
  },
  {
    id: "severity",
    header: "Severity",
    width: "76px",
    cell: ({ row }) => <span className={`badge badge-${SEVERITY_TONE[row.severity]}`}>{row.severity}</span>,
  },
  {
    id: "kind",
    header: "Kind",
    width: "minmax(120px, 1fr)",
    cell: ({ row }) => <span className="truncate" title={row.kindLabel}>{row.kindLabel}</span>,
  },
  {
    id: "entity",
    header: "Entity",
    width: "60px",
    cell: ({ row }) => <span className="entity-code">{row.entity}</span>,
  },
  {
    id: "summary",
    header: "Summary",
    width: "minmax(180px, 2.4fr)",
    cell: ({ row }) => {
      const text = row.supplier ? `${row.summary} · ${row.supplier}` : row.summary;
      return <span className="truncate" title={text}>{text}</span>;
    },
  },
  {
    id: "amount",
    header: "At risk",
    width: "150px",
    right: true,
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
    header: "Age",
    width: "60px",
    right: true,
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
    header: "SLA due",
    width: "136px",
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
    header: "Invoice",
    width: "112px",
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
];

const TEMPLATE = COLUMNS.map((c) => c.width).join(" ");

interface Props {
  rows: ExceptionRow[];
  total: number;
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
  const { rows, total, loading, loadingMore, hasMore, selectedId, now, lastVisit } = props;
  const { onSelect, onOpen, onOpenTrace, onLoadMore } = props;

  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns non-memoizable functions; it is used as documented (as in QueueTable).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();

  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);

  const lastVisible = items.length > 0 ? (items[items.length - 1]?.index ?? 0) : -1;
  useEffect(() => {
    if (hasMore && !loadingMore && !loading && lastVisible >= rows.length - LOAD_AHEAD_ROWS) onLoadMore();
  }, [hasMore, loadingMore, loading, lastVisible, rows.length, onLoadMore]);

  return (
    <div className="queue-scroll" ref={scrollRef} data-testid="exception-table">
      <div
        role="grid"
        aria-label="Exceptions"
        aria-rowcount={total + 1}
        className="queue-grid exc-grid"
        style={{ height: virtualizer.getTotalSize() + (loadingMore ? ROW_HEIGHT : 0) }}
      >
        <div role="row" aria-rowindex={1} className="queue-header" style={{ gridTemplateColumns: TEMPLATE }}>
          {COLUMNS.map((c) => (
            <div key={c.id} role="columnheader" className={`cell${c.right ? " right" : ""}`}>
              {c.header}
            </div>
          ))}
        </div>

        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const selected = row.id === selectedId;
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected}
              data-testid="exception-row"
              data-exception-id={row.id}
              data-index={item.index}
              className={`queue-row${selected ? " selected" : ""}${item.index % 2 ? " odd" : ""}${
                row.status !== "open" ? " exc-closed" : ""
              }`}
              style={{ gridTemplateColumns: TEMPLATE, transform: `translateY(${item.start}px)` }}
              onMouseDown={() => onSelect(row.id)}
              onDoubleClick={() => onOpen(row.id)}
            >
              {COLUMNS.map((c) => (
                <div key={c.id} role="gridcell" className={`cell${c.right ? " right" : ""}`}>
                  {c.cell({ row, now, lastVisit, onOpenTrace })}
                </div>
              ))}
            </div>
          );
        })}

        {loadingMore && (
          <div className="queue-more" style={{ transform: `translateY(${virtualizer.getTotalSize()}px)` }}>
            Loading more…
          </div>
        )}
      </div>
      {!loading && rows.length === 0 && (
        <div className="queue-empty" data-testid="exceptions-empty">
          No exceptions here. Nothing is waiting on you.
        </div>
      )}
      {loading && rows.length === 0 && <div className="queue-empty">Loading exceptions…</div>}
    </div>
  );
}
