import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { errorMessage } from "../api";
import { useNotify } from "../errors";
import { formatCount } from "../format";
import type { TableViewsApi } from "../hooks/useTableViews";
import { exportTable, type ExportFormat, type ExportRequest } from "../tableExport";
import { MAX_VIEW_NAME } from "../tableViews";

interface Props<Row> {
  /** Prefix of the controls' test ids ("exceptions" → "exceptions-export-csv"). */
  id: string;
  views: TableViewsApi;
  exportRequest: ExportRequest<Row>;
}

type Menu = "columns" | "views";

/** Export CSV / XLSX, the column chooser and saved views: the same toolbar on every workspace table. */
export function TableToolbar<Row>({ id, views, exportRequest }: Props<Row>) {
  const notify = useNotify();
  const [menu, setMenu] = useState<Menu | null>(null);
  const [busy, setBusy] = useState<{ format: ExportFormat; fetched: number } | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  /** A second click before the first export's re-render must not save the file twice. */
  const inFlight = useRef(false);

  // A click anywhere else closes the open menu, as menus do.
  useEffect(() => {
    if (menu === null) return;
    const onDown = (e: MouseEvent) => {
      if (e.target instanceof Node && !rootRef.current?.contains(e.target)) setMenu(null);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [menu]);

  const onMenuKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== "Escape") return;
    // Handled here, so the screen's own Escape (close the detail) does not fire as well.
    e.preventDefault();
    setMenu(null);
  };

  const runExport = async (format: ExportFormat) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy({ format, fetched: 0 });
    setMenu(null);
    try {
      const result = await exportTable(format, exportRequest, (fetched) => setBusy({ format, fetched }));
      notify({
        tone: result.cappedAt === null ? "ok" : "warn",
        title: `Saved to ${result.path}`,
        message:
          result.cappedAt === null
            ? `${formatCount(result.rows)} ${result.rows === 1 ? "row" : "rows"}`
            : `Only the first ${formatCount(result.cappedAt)} rows were exported; narrow the filters for the rest.`,
      });
    } catch (error) {
      notify({ tone: "warn", title: "Export failed", message: errorMessage(error) });
    } finally {
      inFlight.current = false;
      setBusy(null);
    }
  };

  return (
    // Escape anywhere in the toolbar (its buttons or an open menu) closes the menu.
    <div
      className="table-toolbar"
      ref={rootRef}
      data-testid={`${id}-toolbar`}
      onKeyDown={menu !== null ? onMenuKey : undefined}
    >
      <button
        type="button"
        className="button small"
        data-testid={`${id}-export-csv`}
        disabled={busy !== null}
        onClick={() => void runExport("csv")}
      >
        Export CSV
      </button>
      <button
        type="button"
        className="button small"
        data-testid={`${id}-export-xlsx`}
        disabled={busy !== null}
        onClick={() => void runExport("xlsx")}
      >
        Export XLSX
      </button>
      {busy !== null && (
        <span className="muted table-toolbar-status" role="status">
          Exporting{busy.fetched > 0 ? ` ${formatCount(busy.fetched)} rows` : ""}…
        </span>
      )}
      <span className="table-toolbar-menu">
        <button
          type="button"
          className={`button small${menu === "columns" ? " active" : ""}`}
          aria-expanded={menu === "columns"}
          data-testid={`${id}-columns`}
          onClick={() => setMenu(menu === "columns" ? null : "columns")}
        >
          Columns
        </button>
        {menu === "columns" && <ColumnChooser id={id} views={views} />}
      </span>
      <span className="table-toolbar-menu">
        <button
          type="button"
          className={`button small${menu === "views" ? " active" : ""}`}
          aria-expanded={menu === "views"}
          data-testid={`${id}-views`}
          title={views.activeName ? `Showing the saved view "${views.activeName}"` : undefined}
          onClick={() => setMenu(menu === "views" ? null : "views")}
        >
          Views{views.activeName ? `: ${views.activeName}` : ""}
        </button>
        {menu === "views" && <ViewsMenu id={id} views={views} onDone={() => setMenu(null)} />}
      </span>
    </div>
  );
}

interface MenuProps {
  id: string;
  views: TableViewsApi;
}

/** A checkbox per column, in display order, with up/down to reorder; the last visible one cannot go. */
function ColumnChooser({ id, views }: MenuProps) {
  const { columns, layout, visible } = views;
  return (
    <div className="table-toolbar-popover" role="dialog" aria-label="Columns" data-testid={`${id}-column-chooser`}>
      <ul className="table-toolbar-list">
        {layout.order.map((colId, i) => {
          const column = columns.find((c) => c.id === colId);
          if (!column) return null;
          const shown = visible.includes(colId);
          const last = shown && visible.length === 1;
          return (
            <li key={colId}>
              <label title={last ? "At least one column stays visible" : undefined}>
                <input
                  type="checkbox"
                  data-testid={`column-toggle-${colId}`}
                  checked={shown}
                  disabled={last}
                  onChange={() => views.toggle(colId)}
                />
                {column.label}
              </label>
              <span className="spacer" />
              <button
                type="button"
                className="table-toolbar-icon"
                aria-label={`Move ${column.label} up`}
                disabled={i === 0}
                onClick={() => views.move(colId, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="table-toolbar-icon"
                aria-label={`Move ${column.label} down`}
                disabled={i === layout.order.length - 1}
                onClick={() => views.move(colId, 1)}
              >
                ↓
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="link-button" onClick={views.resetColumns}>
        Reset columns
      </button>
    </div>
  );
}

/** Saved views: apply by name, delete, or save what is shown now under a name. */
function ViewsMenu({ id, views, onDone }: MenuProps & { onDone: () => void }) {
  const [name, setName] = useState(views.activeName ?? "");
  const exists = views.views.some((v) => v.name.trim().toLowerCase() === name.trim().toLowerCase());

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (views.saveAs(name)) onDone();
  };

  return (
    <div className="table-toolbar-popover" role="dialog" aria-label="Saved views" data-testid={`${id}-views-menu`}>
      {views.views.length === 0 ? (
        <p className="muted table-toolbar-empty">No saved views yet. A view keeps the columns, sort and filters.</p>
      ) : (
        <ul className="table-toolbar-list">
          {views.views.map((v) => (
            <li key={v.name}>
              <button
                type="button"
                className={`link-button truncate${v.name === views.activeName ? " strong" : ""}`}
                data-testid="view-apply"
                onClick={() => {
                  views.apply(v.name);
                  onDone();
                }}
              >
                {v.name}
              </button>
              {v.name === views.activeName && <span className="muted"> (shown)</span>}
              <span className="spacer" />
              <button
                type="button"
                className="table-toolbar-icon"
                aria-label={`Delete view ${v.name}`}
                data-testid="view-delete"
                onClick={() => views.remove(v.name)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="table-toolbar-save" onSubmit={submit}>
        <input
          type="text"
          aria-label="View name"
          data-testid={`${id}-view-name`}
          placeholder="View name"
          maxLength={MAX_VIEW_NAME}
          value={name}
          spellCheck={false}
          onChange={(e) => setName(e.target.value)}
        />
        <button
          type="submit"
          className="button small primary"
          data-testid={`${id}-view-save`}
          disabled={name.trim() === ""}
        >
          {exists ? "Replace" : "Save as"}
        </button>
      </form>
    </div>
  );
}
