/**
 * Column layout and saved views of a table (no React): which columns show and in
 * what order, and named views of layout + sort + filters, kept in localStorage
 * per table and per user (two people sharing a desktop keep their own views).
 */

/** What the column chooser and the views need to know of a column. */
export interface ColumnMeta {
  id: string;
  /** The name in the chooser (and the export header), also for columns whose header cell is blank. */
  label: string;
  /** Extra columns a person can switch on; off until they do. */
  defaultHidden?: boolean;
}

/** Every column in display order, and which of them are switched off. */
export interface ColumnLayout {
  order: string[];
  hidden: string[];
}

export interface ViewSort {
  key: string;
  descending: boolean;
}

export interface SavedView {
  name: string;
  layout: ColumnLayout;
  sort: ViewSort | null;
  /** As the screen gave them; checked by the screen's parser again when applied (storage outlives versions). */
  filters: unknown;
}

export interface StoredTableViews {
  /** The working layout from the column chooser, kept between sessions even when no view is saved. */
  layout: ColumnLayout | null;
  views: SavedView[];
}

export const MAX_VIEW_NAME = 60;

export function defaultLayout(columns: readonly ColumnMeta[]): ColumnLayout {
  return { order: columns.map((c) => c.id), hidden: columns.filter((c) => c.defaultHidden).map((c) => c.id) };
}

/**
 * A stored layout fitted to today's columns: ids that no longer exist are
 * dropped, new columns are added at the end (shown unless hidden by default),
 * and at least one column stays visible.
 */
export function normalizeLayout(layout: ColumnLayout | null, columns: readonly ColumnMeta[]): ColumnLayout {
  if (layout === null) return defaultLayout(columns);
  const known = new Set(columns.map((c) => c.id));
  const order = [...new Set(layout.order.filter((id) => known.has(id)))];
  const hidden = new Set(layout.hidden.filter((id) => known.has(id)));
  for (const c of columns) {
    if (order.includes(c.id)) continue;
    order.push(c.id);
    if (c.defaultHidden) hidden.add(c.id);
  }
  if (order.length > 0 && order.every((id) => hidden.has(id))) hidden.delete(order[0]!);
  return { order, hidden: order.filter((id) => hidden.has(id)) };
}

export function visibleIds(layout: ColumnLayout): string[] {
  return layout.order.filter((id) => !layout.hidden.includes(id));
}

/** Shows or hides a column; hiding the last visible one is refused (the layout comes back unchanged). */
export function toggleColumn(layout: ColumnLayout, id: string): ColumnLayout {
  if (!layout.order.includes(id)) return layout;
  if (layout.hidden.includes(id)) return { ...layout, hidden: layout.hidden.filter((h) => h !== id) };
  if (visibleIds(layout).length <= 1) return layout;
  return { ...layout, hidden: [...layout.hidden, id] };
}

/** Moves a column one place up (-1) or down (+1) in the order; at either end nothing moves. */
export function moveColumn(layout: ColumnLayout, id: string, delta: -1 | 1): ColumnLayout {
  const from = layout.order.indexOf(id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= layout.order.length) return layout;
  const order = [...layout.order];
  order.splice(from, 1);
  order.splice(to, 0, id);
  return { ...layout, order };
}

/** The column definitions to render, in the layout's order, visible ones only. */
export function pickColumns<C extends { id: string }>(columns: readonly C[], ids: readonly string[]): C[] {
  return ids.flatMap((id) => columns.find((c) => c.id === id) ?? []);
}

// ----- saved views -----

/** Saving under an existing name replaces that view (names compare without case and outer spaces). */
export function upsertView(views: readonly SavedView[], view: SavedView): SavedView[] {
  const key = view.name.trim().toLowerCase();
  const at = views.findIndex((v) => v.name.trim().toLowerCase() === key);
  if (at < 0) return [...views, view];
  return views.map((v, i) => (i === at ? view : v));
}

export function removeView(views: readonly SavedView[], name: string): SavedView[] {
  return views.filter((v) => v.name !== name);
}

/** JSON with sorted keys, so two equal filter objects compare equal whatever order they were built in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The saved view the table currently shows exactly, if any (so the toolbar can name it). */
export function matchingView(
  views: readonly SavedView[],
  layout: ColumnLayout,
  sort: ViewSort | null,
  filters: unknown,
): SavedView | null {
  const current = stableJson({ order: layout.order, hidden: [...layout.hidden].sort(), sort, filters });
  return (
    views.find(
      (v) =>
        stableJson({ order: v.layout.order, hidden: [...v.layout.hidden].sort(), sort: v.sort, filters: v.filters }) ===
        current,
    ) ?? null
  );
}

// ----- storage -----

export type StorageLike = Pick<Storage, "getItem" | "setItem">;

export function viewsKey(tableId: string, userId: string): string {
  return `ctower.tableViews.${tableId}.${userId}`;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

function parseLayout(raw: unknown): ColumnLayout | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { order, hidden } = raw as Record<string, unknown>;
  return isStringArray(order) && isStringArray(hidden) ? { order, hidden } : null;
}

function parseSort(raw: unknown): ViewSort | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { key, descending } = raw as Record<string, unknown>;
  return typeof key === "string" && typeof descending === "boolean" ? { key, descending } : null;
}

function parseView(raw: unknown): SavedView | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { name, layout, sort, filters } = raw as Record<string, unknown>;
  const parsedLayout = parseLayout(layout);
  if (typeof name !== "string" || name.trim() === "" || parsedLayout === null) return null;
  return { name, layout: parsedLayout, sort: parseSort(sort), filters: filters ?? null };
}

/** What was stored for this table and person; anything unreadable counts as nothing stored. */
export function readTableViews(storage: StorageLike | null, tableId: string, userId: string): StoredTableViews {
  try {
    const text = storage?.getItem(viewsKey(tableId, userId)) ?? null;
    if (text === null) return { layout: null, views: [] };
    const raw = JSON.parse(text) as unknown;
    if (typeof raw !== "object" || raw === null) return { layout: null, views: [] };
    const { layout, views } = raw as Record<string, unknown>;
    return {
      layout: parseLayout(layout),
      views: Array.isArray(views) ? views.flatMap((v) => parseView(v) ?? []) : [],
    };
  } catch {
    // Disabled storage or a hand-edited value: views are a convenience, never a reason to fail.
    return { layout: null, views: [] };
  }
}

export function writeTableViews(
  storage: StorageLike | null,
  tableId: string,
  userId: string,
  data: StoredTableViews,
): boolean {
  try {
    storage?.setItem(viewsKey(tableId, userId), JSON.stringify(data));
    return storage !== null;
  } catch {
    // Full or disabled storage: the change still holds until the app closes.
    return false;
  }
}
