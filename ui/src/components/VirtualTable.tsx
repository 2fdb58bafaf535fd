import { useVirtualizer } from "@tanstack/react-virtual";
import { Fragment, useEffect, useRef, type CSSProperties, type ReactNode } from "react";

/** Start loading the next page when this close to the end of what is loaded. */
const LOAD_AHEAD_ROWS = 30;

/** Where a row stands: its index among the rows and the style that places it. */
export interface VirtualRowPosition {
  index: number;
  /** The grid template and the row's offset; spread into the row element's style. */
  style: CSSProperties;
}

/** A list loaded page by page: the next page is asked for when the end comes near. */
export interface VirtualTablePaging {
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  onLoadMore: () => void;
}

const NOT_PAGED: VirtualTablePaging = { loading: false, loadingMore: false, hasMore: false, onLoadMore: () => {} };

export interface VirtualTableProps<T> {
  rows: readonly T[];
  rowHeight: number;
  /** The header row's height: rows start below it, and scrolling to a row keeps it clear. */
  headerHeight?: number;
  overscan?: number;
  rowKey: (row: T) => string;
  /** The row element itself (role="row" and its cells), placed by `position.style`. */
  renderRow: (row: T, position: VirtualRowPosition) => ReactNode;
  /** The row the keyboard moved to (-1 for none): scrolled into view when it changes. */
  selectedIndex: number;
  /** The CSS grid columns of every row (the header sets its own). */
  gridTemplateColumns: string;
  /** The header row, above the virtualized rows. */
  header: ReactNode;
  paging?: VirtualTablePaging;
  /** The scroll container's class and test id; `active` sets data-active. */
  className: string;
  testId: string;
  active?: boolean;
  /**
   * The grid's class and accessible name; `rowCount` is the data rows in all (aria-rowcount adds
   * the header), null when not known exactly (aria-rowcount -1).
   */
  gridClassName: string;
  label: string;
  rowCount: number | null;
  multiselectable?: boolean;
  /** Below the grid, inside the scroll container: what an empty or loading list says. */
  children?: ReactNode;
}

/**
 * A grid that renders only the rows in view (queues run to thousands): a scroll container,
 * a header, rows placed by offset, the keyboard's row kept in view and, with `paging`,
 * the next page asked for near the end.
 */
export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { rows, rowHeight, headerHeight = 32, overscan = 12, rowKey, renderRow, selectedIndex } = props;
  const { gridTemplateColumns, header, paging, className, testId, active, gridClassName, label, rowCount } = props;

  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns non-memoizable functions; it is used as documented.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
    paddingStart: headerHeight,
    scrollPaddingStart: headerHeight,
    getItemKey: (index) => {
      const row = rows[index];
      return row === undefined ? index : rowKey(row);
    },
  });
  const items = virtualizer.getVirtualItems();

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedIndex, virtualizer]);

  const { loading, loadingMore, hasMore, onLoadMore } = paging ?? NOT_PAGED;
  const lastVisible = items.length > 0 ? (items[items.length - 1]?.index ?? 0) : -1;
  useEffect(() => {
    if (hasMore && !loadingMore && !loading && lastVisible >= rows.length - LOAD_AHEAD_ROWS) onLoadMore();
  }, [hasMore, loadingMore, loading, lastVisible, rows.length, onLoadMore]);

  return (
    <div className={className} ref={scrollRef} data-testid={testId} data-active={active ? "true" : undefined}>
      <div
        role="grid"
        aria-label={label}
        aria-rowcount={rowCount === null ? -1 : rowCount + 1}
        aria-multiselectable={props.multiselectable ? "true" : undefined}
        className={gridClassName}
        style={{ height: virtualizer.getTotalSize() + (loadingMore ? rowHeight : 0) }}
      >
        {header}
        {items.map((item) => {
          const row = rows[item.index];
          if (row === undefined) return null;
          const style = { gridTemplateColumns, transform: `translateY(${item.start}px)` };
          return <Fragment key={item.key}>{renderRow(row, { index: item.index, style })}</Fragment>;
        })}
        {loadingMore && (
          <div className="queue-more" style={{ transform: `translateY(${virtualizer.getTotalSize()}px)` }}>
            Loading more…
          </div>
        )}
      </div>
      {props.children}
    </div>
  );
}
