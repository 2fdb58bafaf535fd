import { useMemo, type ReactNode } from "react";
import { pickColumns, type ColumnMeta } from "../tableViews";
import { VirtualRow, type VirtualRowAttributes } from "./VirtualRow";
import { VirtualTable, type VirtualTableProps } from "./VirtualTable";

/** What a ColumnTable reads of a column: its grid width, alignment and header. */
export interface TableColumn extends ColumnMeta {
  /** The header cell's text when it differs from the chooser label (a marker column has none). */
  header?: string;
  width: string;
  align?: "right";
}

type Props<T extends { id: string }, C extends TableColumn> = Omit<
  VirtualTableProps<T>,
  "rowKey" | "renderRow" | "selectedIndex" | "gridTemplateColumns" | "header"
> & {
  /** Every column, and the visible ones' ids in display order (the column chooser's). */
  columns: readonly C[];
  columnIds: readonly string[];
  renderCell: (column: C, row: T) => ReactNode;
  /** Each header cell's tooltip is its column's label (for headers that show less than it). */
  headerTitles?: boolean;
  /** The selected row's id: marked, and kept in view. */
  selectedId: string | null;
  rowTestId: string;
  /** The row's `data-…` attributes after its test id. */
  rowAttributes: (row: T, index: number) => VirtualRowAttributes;
  /** Classes after the odd-row stripe. */
  rowVariants?: (row: T) => readonly (string | false)[];
  onSelect: (id: string) => void;
  /** On double click. */
  onOpen?: (id: string) => void;
};

/**
 * A VirtualTable of rows keyed by `id` under plain columns (not TanStack's): the columns the
 * chooser shows, a header row of their labels, and a VirtualRow for each row, selected by id.
 */
export function ColumnTable<T extends { id: string }, C extends TableColumn>(props: Props<T, C>) {
  // What is not ColumnTable's own goes to VirtualTable as it is.
  const { columns, columnIds, renderCell, headerTitles, selectedId, ...rest } = props;
  const { rowTestId, rowAttributes, rowVariants, onSelect, onOpen, ...table } = rest;
  const { rows } = table;
  const visible = useMemo(() => pickColumns(columns, columnIds), [columns, columnIds]);
  const template = visible.map((c) => c.width).join(" ");
  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId);

  return (
    <VirtualTable
      {...table}
      rows={rows}
      rowKey={(r) => r.id}
      selectedIndex={selectedIndex}
      gridTemplateColumns={template}
      header={
        <div role="row" aria-rowindex={1} className="queue-header" style={{ gridTemplateColumns: template }}>
          {visible.map((c) => (
            <div
              key={c.id}
              role="columnheader"
              className={`cell${c.align === "right" ? " right" : ""}`}
              title={headerTitles ? c.label : undefined}
            >
              {c.header ?? c.label}
            </div>
          ))}
        </div>
      }
      renderRow={(row, position) => (
        <VirtualRow
          position={position}
          testId={rowTestId}
          selected={row.id === selectedId}
          variants={rowVariants?.(row)}
          attributes={rowAttributes(row, position.index)}
          cells={visible.map((c) => ({ id: c.id, right: c.align === "right", content: renderCell(c, row) }))}
          onSelect={() => onSelect(row.id)}
          onOpen={onOpen && (() => onOpen(row.id))}
        />
      )}
    />
  );
}
