import type { ReactNode } from "react";
import type { VirtualRowPosition } from "./VirtualTable";

/** One cell of a row: its column's id (the React key), its alignment and what it shows. */
export interface VirtualCell {
  id: string;
  right?: boolean;
  content: ReactNode;
}

/** What identifies a row to tests and tools (`data-…`), and its tooltip. */
export type VirtualRowAttributes = { [name: `data-${string}`]: string | number | undefined } & { title?: string };

interface Props {
  /** Where the row stands, as VirtualTable's `renderRow` gives it. */
  position: VirtualRowPosition;
  testId: string;
  /** The keyboard's row: aria-selected and the "selected" class. */
  selected: boolean;
  /** The row's other states, as classes between "selected" and the odd-row stripe (falsy ones left out). */
  states?: readonly (string | false)[];
  /** Classes after the odd-row stripe (falsy ones left out). */
  variants?: readonly (string | false)[];
  /** Set after data-testid, in this order. */
  attributes?: VirtualRowAttributes;
  cells: readonly VirtualCell[];
  /** Mouse-down (not click) selects, so a drag or a double click starts on the selected row. */
  onSelect: () => void;
  onOpen?: () => void;
}

/**
 * A data row of a VirtualTable grid: numbered after the header (aria-rowindex 1), striped,
 * marked selected, selected on mouse-down, and its cells laid out on the grid's columns.
 */
export function VirtualRow(props: Props) {
  const { position, testId, selected, states = [], variants = [], attributes, cells, onSelect, onOpen } = props;
  const { index, style } = position;
  const className = ["queue-row", selected && "selected", ...states, index % 2 ? "odd" : false, ...variants]
    .filter(Boolean)
    .join(" ");
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid={testId}
      {...attributes}
      className={className}
      style={style}
      onMouseDown={onSelect}
      onDoubleClick={onOpen}
    >
      {cells.map((c) => (
        <div key={c.id} role="gridcell" className={`cell${c.right ? " right" : ""}`}>
          {c.content}
        </div>
      ))}
    </div>
  );
}
