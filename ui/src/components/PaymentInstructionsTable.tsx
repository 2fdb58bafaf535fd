import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, type ReactNode } from "react";
import type { InstructionRow } from "../bindings";
import { formatCount } from "../format";
import { formatMoney, isNegative } from "../money";
import { PaymentStatusBadge } from "./PaymentStatusBadge";

const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 32;

interface Column {
  header: string;
  width: string;
  align?: "right";
  cell: (row: InstructionRow) => ReactNode;
}

const COLUMNS: readonly Column[] = [
  {
    header: "Creditor",
    width: "minmax(150px, 2fr)",
    cell: (r) => (
      <span className="truncate" title={`${r.creditorName} · ${r.creditorIban}`}>
        {r.creditorName}
      </span>
    ),
  },
  {
    header: "Entity",
    width: "64px",
    cell: (r) => <span className="entity-code">{r.entity}</span>,
  },
  {
    header: "Amount",
    width: "150px",
    align: "right",
    cell: (r) => (
      <span className={isNegative(r.amount.amount) ? "num negative" : "num"}>{formatMoney(r.amount)}</span>
    ),
  },
  {
    header: "End-to-end ID",
    width: "minmax(120px, 1.2fr)",
    cell: (r) => <span className="mono truncate">{r.endToEndId}</span>,
  },
  {
    header: "Invoices",
    width: "72px",
    align: "right",
    cell: (r) => (
      <span className="num" title={r.invoiceIds.join(", ")}>
        {formatCount(r.invoiceIds.length)}
      </span>
    ),
  },
  {
    header: "Status",
    width: "minmax(170px, 1.4fr)",
    cell: (r) => (
      <>
        <PaymentStatusBadge code={r.status} label={r.statusLabel} />
        <span className="truncate muted" title={r.statusLabel}>
          {r.reason ?? r.statusLabel}
        </span>
      </>
    ),
  },
  {
    header: "Past SLA",
    width: "76px",
    align: "right",
    cell: (r) =>
      r.unconfirmedHours === null ? null : (
        <span className="num overdue" title="No final answer from the bank within the SLA" data-testid="past-sla">
          {formatCount(r.unconfirmedHours)} h
        </span>
      ),
  },
];

const GRID_COLUMNS = COLUMNS.map((c) => c.width).join(" ");

interface Props {
  rows: InstructionRow[];
  loading: boolean;
  selectedId: string | null;
  onSelect: (id: string) => void;
}

/** Payment instructions (up to 2,000 per answer), virtualized like the approval queue. */
export function PaymentInstructionsTable({ rows, loading, selectedId, onSelect }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns non-memoizable functions; it is used as documented.
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

  return (
    <div className="queue-scroll pay-scroll" ref={scrollRef} data-testid="instructions-table">
      <div
        role="grid"
        aria-label="Payment instructions"
        aria-rowcount={rows.length + 1}
        className="queue-grid pay-grid"
        style={{ height: virtualizer.getTotalSize() }}
      >
        <div role="row" aria-rowindex={1} className="queue-header" style={{ gridTemplateColumns: GRID_COLUMNS }}>
          {COLUMNS.map((c) => (
            <div key={c.header} role="columnheader" className={`cell${c.align === "right" ? " right" : ""}`}>
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
              data-testid="instruction-row"
              data-instruction-id={row.id}
              data-status={row.status}
              className={`queue-row${selected ? " selected" : ""}${item.index % 2 ? " odd" : ""}`}
              style={{ gridTemplateColumns: GRID_COLUMNS, transform: `translateY(${item.start}px)` }}
              onMouseDown={() => onSelect(row.id)}
            >
              {COLUMNS.map((c) => (
                <div key={c.header} role="gridcell" className={`cell${c.align === "right" ? " right" : ""}`}>
                  {c.cell(row)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
      {rows.length === 0 && (
        <div className="queue-empty" data-testid="instructions-empty">
          {loading ? "Loading instructions…" : "No payment instructions match."}
        </div>
      )}
    </div>
  );
}
