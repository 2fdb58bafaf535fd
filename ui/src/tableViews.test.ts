import { describe, expect, it } from "vitest";
import {
  matchingView,
  moveColumn,
  normalizeLayout,
  readTableViews,
  toggleColumn,
  upsertView,
  viewsKey,
  visibleIds,
  writeTableViews,
  type ColumnMeta,
  type SavedView,
} from "./tableViews";

const COLUMNS: ColumnMeta[] = [
  { id: "a", label: "A" },
  { id: "b", label: "B" },
  { id: "c", label: "C" },
  { id: "x", label: "Extra", defaultHidden: true },
];

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe("column layout", () => {
  it("starts with every column in order, extras hidden", () => {
    const layout = normalizeLayout(null, COLUMNS);
    expect(layout).toEqual({ order: ["a", "b", "c", "x"], hidden: ["x"] });
    expect(visibleIds(layout)).toEqual(["a", "b", "c"]);
  });

  it("fits a stored layout to today's columns", () => {
    const layout = normalizeLayout({ order: ["c", "gone", "a", "c"], hidden: ["a", "gone"] }, COLUMNS);
    expect(layout).toEqual({ order: ["c", "a", "b", "x"], hidden: ["a", "x"] });
  });

  it("never stores a layout with nothing visible", () => {
    expect(visibleIds(normalizeLayout({ order: ["a", "b"], hidden: ["a", "b"] }, COLUMNS.slice(0, 2)))).toEqual(["a"]);
  });

  it("hides and shows columns, but never the last visible one", () => {
    let layout = normalizeLayout(null, COLUMNS);
    layout = toggleColumn(layout, "a");
    layout = toggleColumn(layout, "b");
    expect(visibleIds(layout)).toEqual(["c"]);
    expect(toggleColumn(layout, "c")).toBe(layout);
    expect(visibleIds(toggleColumn(layout, "x"))).toEqual(["c", "x"]);
  });

  it("moves a column up and down, and not past either end", () => {
    const layout = normalizeLayout(null, COLUMNS);
    expect(moveColumn(layout, "b", -1).order).toEqual(["b", "a", "c", "x"]);
    expect(moveColumn(layout, "b", 1).order).toEqual(["a", "c", "b", "x"]);
    expect(moveColumn(layout, "a", -1)).toBe(layout);
    expect(moveColumn(layout, "x", 1)).toBe(layout);
  });
});

describe("saved views", () => {
  const view = (name: string, filters: unknown): SavedView => ({
    name,
    layout: { order: ["b", "a", "c", "x"], hidden: ["c", "x"] },
    sort: { key: "amount", descending: true },
    filters,
  });

  it("replaces a view saved again under the same name", () => {
    const views = upsertView([view("Month end", { q: 1 })], view(" month END ", { q: 2 }));
    expect(views).toHaveLength(1);
    expect(views[0]!.filters).toEqual({ q: 2 });
    expect(upsertView(views, view("Other", {}))).toHaveLength(2);
  });

  it("recognises the view shown now whatever order the filter keys are in", () => {
    const saved = view("Mine", { status: "open", entity: "DE01" });
    const layout = { order: ["b", "a", "c", "x"], hidden: ["x", "c"] };
    expect(matchingView([saved], layout, { key: "amount", descending: true }, { entity: "DE01", status: "open" })).toBe(saved);
    expect(matchingView([saved], layout, { key: "amount", descending: false }, { entity: "DE01", status: "open" })).toBeNull();
  });

  it("persists per table and per user, and survives corrupt storage", () => {
    const storage = memoryStorage();
    writeTableViews(storage, "exceptions", "u-ana", { layout: { order: ["a"], hidden: [] }, views: [view("Mine", { s: 1 })] });
    expect(readTableViews(storage, "exceptions", "u-ana").views.map((v) => v.name)).toEqual(["Mine"]);
    expect(readTableViews(storage, "exceptions", "u-ben")).toEqual({ layout: null, views: [] });
    expect(readTableViews(storage, "payments.runs", "u-ana")).toEqual({ layout: null, views: [] });

    storage.setItem(viewsKey("exceptions", "u-ana"), "{not json");
    expect(readTableViews(storage, "exceptions", "u-ana")).toEqual({ layout: null, views: [] });
    storage.setItem(viewsKey("exceptions", "u-ana"), JSON.stringify({ views: [{ name: "" }, { name: "ok", layout: { order: [], hidden: [] } }] }));
    expect(readTableViews(storage, "exceptions", "u-ana").views.map((v) => v.name)).toEqual(["ok"]);
    expect(readTableViews(null, "exceptions", "u-ana")).toEqual({ layout: null, views: [] });
  });
});
