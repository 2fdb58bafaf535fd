import { useMemo, useState } from "react";
import {
  MAX_VIEW_NAME,
  matchingView,
  moveColumn,
  normalizeLayout,
  readTableViews,
  removeView,
  toggleColumn,
  upsertView,
  visibleIds,
  writeTableViews,
  type ColumnLayout,
  type ColumnMeta,
  type SavedView,
  type StoredTableViews,
  type ViewSort,
} from "../tableViews";

/** What the toolbar's Columns and Views menus work with. */
export interface TableViewsApi {
  columns: readonly ColumnMeta[];
  layout: ColumnLayout;
  /** Visible column ids in display order: what the table renders and the export writes. */
  visible: string[];
  toggle: (id: string) => void;
  move: (id: string, delta: -1 | 1) => void;
  resetColumns: () => void;
  views: readonly SavedView[];
  /** The saved view the table shows exactly right now, if any. */
  activeName: string | null;
  apply: (name: string) => void;
  /** Saves the current columns, sort and filters under a name (replacing a view of that name). */
  saveAs: (name: string) => boolean;
  remove: (name: string) => void;
}

export interface TableViewsOptions<F> {
  /** Stable id of the table ("exceptions", "payments.runs"): the storage key's first part. */
  tableId: string;
  userId: string;
  columns: readonly ColumnMeta[];
  /** The screen's current filters and sort, as a saved view records them. */
  filters: F;
  sort: ViewSort | null;
  /** Checks stored filters (written by an older version, or edited by hand); null = unusable. */
  parseFilters: (raw: unknown) => F | null;
  /** Puts a view's filters and sort into the screen's state; null filters are left as they are. */
  onApply: (filters: F | null, sort: ViewSort | null) => void;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

/** Column layout and saved views of one table for the signed-in person, persisted in localStorage. */
export function useTableViews<F>(options: TableViewsOptions<F>): TableViewsApi {
  const { tableId, userId, columns, filters, sort, parseFilters, onApply } = options;
  const key = `${tableId}|${userId}`;
  const [state, setState] = useState<{ key: string; stored: StoredTableViews }>(() => ({
    key,
    stored: readTableViews(storage(), tableId, userId),
  }));
  // Another person (a role switch) or table: read theirs, during render, as React advises for derived state.
  if (state.key !== key) setState({ key, stored: readTableViews(storage(), tableId, userId) });
  const stored = state.key === key ? state.stored : { layout: null, views: [] };

  const layout = useMemo(() => normalizeLayout(stored.layout, columns), [stored.layout, columns]);
  const visible = useMemo(() => visibleIds(layout), [layout]);
  const active = matchingView(stored.views, layout, sort, filters);

  const commit = (next: StoredTableViews) => {
    // Kept in memory even if storage refuses it, so the change holds until the app closes.
    writeTableViews(storage(), tableId, userId, next);
    setState({ key, stored: next });
  };
  const setLayout = (next: ColumnLayout) => {
    if (next !== layout) commit({ ...stored, layout: next });
  };

  return {
    columns,
    layout,
    visible,
    toggle: (id) => setLayout(toggleColumn(layout, id)),
    move: (id, delta) => setLayout(moveColumn(layout, id, delta)),
    resetColumns: () => commit({ ...stored, layout: null }),
    views: stored.views,
    activeName: active?.name ?? null,
    apply: (name) => {
      const view = stored.views.find((v) => v.name === name);
      if (!view) return;
      commit({ ...stored, layout: normalizeLayout(view.layout, columns) });
      onApply(parseFilters(view.filters), view.sort);
    },
    saveAs: (name) => {
      const trimmed = name.trim().slice(0, MAX_VIEW_NAME);
      if (trimmed === "") return false;
      const view: SavedView = { name: trimmed, layout, sort, filters };
      commit({ ...stored, views: upsertView(stored.views, view) });
      return true;
    },
    remove: (name) => commit({ ...stored, views: removeView(stored.views, name) }),
  };
}
