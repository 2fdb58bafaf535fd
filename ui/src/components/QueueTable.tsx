import { flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useMemo } from "react";
import type { ApprovalRow, QueueSort, SortKey } from "../bindings";
import { buildColumns, CHECK_COLUMN_ID, columnMeta, QUEUE_COLUMNS, type CellContext } from "./queueColumns";
import { VirtualRow } from "./VirtualRow";
import { VirtualTable } from "./VirtualTable";

export const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 32;

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

  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.approvalId === selectedId);
  const headerGroup = table.getHeaderGroups()[0];

  return (
    <VirtualTable
      rows={tableRows}
      rowHeight={ROW_HEIGHT}
      headerHeight={HEADER_HEIGHT}
      rowKey={(r) => r.id}
      selectedIndex={selectedIndex}
      paging={{ loading, loadingMore, hasMore, onLoadMore }}
      gridTemplateColumns={gridTemplateColumns}
      className="queue-scroll"
      testId="queue-table"
      gridClassName="queue-grid"
      label="Approvals waiting for you"
      rowCount={total}
      header={
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
      }
      renderRow={(row, position) => {
        const checked = cellContext.checked.has(row.id);
        const blocked = row.original.blockedReason;
        return (
          <VirtualRow
            position={position}
            testId="approval-row"
            selected={row.id === selectedId}
            states={[checked && "checked", blocked !== null && "blocked"]}
            attributes={{
              "data-approval-id": row.original.approvalId,
              "data-invoice-number": row.original.invoiceNumber,
              "data-index": position.index,
              "data-blocked": blocked !== null ? "true" : undefined,
              "data-checked": checked ? "true" : undefined,
              title: blocked ?? undefined,
            }}
            cells={row.getVisibleCells().map((cell) => ({
              id: cell.id,
              right: columnMeta(cell.column.columnDef).align === "right",
              content: flexRender(cell.column.columnDef.cell, cell.getContext()),
            }))}
            onSelect={() => onSelect(row.original.approvalId)}
          />
        );
      }}
    >
      {!loading && rows.length === 0 && (
        <div className="queue-empty" data-testid="queue-empty">
          Nothing waiting for your approval here.
        </div>
      )}
      {loading && rows.length === 0 && <div className="queue-empty">Loading approvals…</div>}
    </VirtualTable>
  );
}
