import { flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef } from "react";
import type { ApprovalRow, QueueSort, SortKey } from "../bindings";
import { buildColumns, CHECK_COLUMN_ID, columnMeta, QUEUE_COLUMNS, type CellContext } from "./queueColumns";

export const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 32;
/** Start loading the next page when this close to the end of what is loaded. */
const LOAD_AHEAD_ROWS = 30;

interface Props {
  /** Visible data column ids in display order (the column chooser's); the checkbox column always leads. */
  columnIds: readonly string[];
  rows: ApprovalRow[];
  total: number;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  sort: QueueSort;
  selectedId: string | null;
  cellContext: CellContext;
  onSort: (key: SortKey) => void;
  onSelect: (approvalId: string) => void;
  onLoadMore: () => void;
}

export function QueueTable(props: Props) {
  const { columnIds, rows, total, loading, loadingMore, hasMore, sort, selectedId, cellContext } = props;
  const { onSort, onSelect, onLoadMore } = props;

  const columns = useMemo(() => buildColumns(cellContext), [cellContext]);
  // The chooser's layout as TanStack state: chosen columns in its order, the rest hidden.
  const columnOrder = useMemo(() => [CHECK_COLUMN_ID, ...columnIds], [columnIds]);
  const columnVisibility = useMemo(
    () => Object.fromEntries(QUEUE_COLUMNS.map((c) => [c.id, columnIds.includes(c.id)])),
    [columnIds],
  );
  // TanStack Table returns non-memoizable functions; it is used as documented.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.approvalId,
    manualSorting: true,
    state: { columnOrder, columnVisibility },
  });
  const tableRows = table.getRowModel().rows;
  const gridTemplateColumns = table
    .getVisibleLeafColumns()
    .map((c) => columnMeta(c.columnDef).width)
    .join(" ");

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: (index) => tableRows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();

  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.approvalId === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);

  const lastVisible = items.length > 0 ? (items[items.length - 1]?.index ?? 0) : -1;
  useEffect(() => {
    if (hasMore && !loadingMore && !loading && lastVisible >= rows.length - LOAD_AHEAD_ROWS) {
      onLoadMore();
    }
  }, [hasMore, loadingMore, loading, lastVisible, rows.length, onLoadMore]);

  const headerGroup = table.getHeaderGroups()[0];

  return (
    <div className="queue-scroll" ref={scrollRef} data-testid="queue-table">
      <div
        role="grid"
        aria-label="Approvals waiting for you"
        aria-rowcount={total + 1}
        className="queue-grid"
        style={{ height: virtualizer.getTotalSize() + (loadingMore ? ROW_HEIGHT : 0) }}
      >
        <div role="row" aria-rowindex={1} className="queue-header" style={{ gridTemplateColumns }}>
          {headerGroup?.headers.map((header) => {
            const meta = columnMeta(header.column.columnDef);
            const key = meta.sortKey;
            const active = key !== undefined && sort.key === key;
            const label = flexRender(header.column.columnDef.header, header.getContext());
            return (
              <div
                key={header.id}
                role="columnheader"
                data-column-id={header.column.id}
                aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}
                className={`cell${meta.align === "right" ? " right" : ""}`}
              >
                {key === undefined ? (
                  label
                ) : (
                  <button
                    type="button"
                    className={`sort-button${active ? " active" : ""}`}
                    data-testid={`sort-${key}`}
                    onClick={() => onSort(key)}
                  >
                    {label}
                    <span className="sort-arrow" aria-hidden="true">
                      {active ? (sort.dir === "asc" ? "↑" : "↓") : "↕"}
                    </span>
                  </button>
                )}
              </div>
            );
          })}
        </div>

        {items.map((item) => {
          const row = tableRows[item.index];
          if (!row) return null;
          const selected = row.id === selectedId;
          const checked = cellContext.checked.has(row.id);
          const blocked = row.original.blockedReason;
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected}
              data-testid="approval-row"
              data-approval-id={row.original.approvalId}
              data-invoice-number={row.original.invoiceNumber}
              data-index={item.index}
              data-blocked={blocked !== null ? "true" : undefined}
              data-checked={checked ? "true" : undefined}
              title={blocked ?? undefined}
              className={`queue-row${selected ? " selected" : ""}${checked ? " checked" : ""}${blocked !== null ? " blocked" : ""}${item.index % 2 ? " odd" : ""}`}
              style={{ gridTemplateColumns, transform: `translateY(${item.start}px)` }}
              onMouseDown={() => onSelect(row.original.approvalId)}
            >
              {row.getVisibleCells().map((cell) => (
                <div
                  key={cell.id}
                  role="gridcell"
                  className={`cell${columnMeta(cell.column.columnDef).align === "right" ? " right" : ""}`}
                >
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
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
        <div className="queue-empty" data-testid="queue-empty">
          Nothing waiting for your approval here.
        </div>
      )}
      {loading && rows.length === 0 && <div className="queue-empty">Loading approvals…</div>}
    </div>
  );
}
