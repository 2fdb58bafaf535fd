import { useCallback, useMemo, useRef, useState } from "react";
import { errorCode, errorMessage, unwrap } from "../api";
import { commands, type ActionKind, type CommandErrorCode, type ExceptionRow } from "../bindings";
import { useNotify, useReportError } from "../errors";
import {
  ACTION_INFO,
  actionInFlight,
  defaultFilter,
  exceptionIdFromHash,
  exceptionSortOf,
  needsDialog,
  outcomeMessage,
  pageRequest,
  parseExceptionViewFilters,
  queueLabel,
  totals,
  type ExceptionFilter,
  type ExceptionKeyCommand,
  type ExceptionViewFilters,
} from "../exceptions";
import { plural } from "../format";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { useEntities } from "../hooks/useEntities";
import {
  useBreachNotification,
  useExceptionDetail,
  useExceptionKeys,
  useExceptionList,
  useExceptionSummary,
  useLastVisit,
} from "../hooks/useExceptions";
import { useNow } from "../hooks/useNow";
import { useTableViews } from "../hooks/useTableViews";
import { moveSelection, reconcileSelection } from "../keyboard";
import { queueOfRoles } from "../navigation";
import type { WorkspaceProps } from "../screenProps";
import { exportFieldsOf, fetchAllPages, type ExportRequest } from "../tableExport";
import type { ViewSort } from "../tableViews";
import { ExceptionActionDialog } from "./ExceptionActionDialog";
import { ExceptionDetailPanel, type ActionResult } from "./ExceptionDetailPanel";
import { ExceptionFilters } from "./ExceptionFilters";
import { ExceptionSummaryChips } from "./ExceptionSummaryChips";
import { EXCEPTION_COLUMNS, ExceptionTable } from "./ExceptionTable";
import { TableToolbar } from "./TableToolbar";

export const SEARCH_DEBOUNCE_MS = 250;
/** Ages and SLA countdowns move on their own; the summary is re-read as often for breach alerts. */
const CLOCK_MS = 30_000;

/** The backend said no (a rule, a role, a state): the person reads why in the panel. */
const REFUSALS: readonly CommandErrorCode[] = ["forbidden", "segregationOfDuties", "invalidInput", "conflict", "notFound"];

type BaseFilter = Omit<ExceptionFilter, "search">;

interface Selection {
  id: string | null;
  /** Position of the selected row, to land nearby if it disappears. */
  index: number;
  /** The filter the selection was made under. */
  filterKey: string;
}

/** The exception queue of the signed-in person's role (or any queue): triage, evidence, resolution. */
export function ExceptionsScreen({ mirrorVersion, user, users, onOpenTrace }: WorkspaceProps) {
  const report = useReportError();
  const notify = useNotify();
  const entities = useEntities(report);
  const ownQueue = queueOfRoles(user.roles);
  const lastVisit = useLastVisit(user.id);
  const now = useNow(CLOCK_MS);

  // Opened from a link to one exception: show it, whoever's queue it is in.
  const [linked] = useState(() => exceptionIdFromHash(window.location.hash));
  const [base, setBase] = useState<BaseFilter>(() => {
    const { search: _search, ...rest } = defaultFilter(linked ? null : ownQueue);
    return rest;
  });
  const [searchText, setSearchText] = useState("");
  const search = useDebouncedValue(searchText.trim(), SEARCH_DEBOUNCE_MS);
  const filter = useMemo<ExceptionFilter>(() => ({ ...base, search }), [base, search]);
  const onFilterChange = useCallback((patch: Partial<ExceptionFilter>) => {
    const { search: text, ...rest } = patch;
    if (text !== undefined) setSearchText(text);
    if (Object.keys(rest).length > 0) setBase((b) => ({ ...b, ...rest }));
  }, []);

  // ----- columns, saved views, export -----
  const viewFilters = useMemo<ExceptionViewFilters>(() => {
    const { sort: _sort, descending: _descending, ...rest } = base;
    return { ...rest, search: searchText.trim() };
  }, [base, searchText]);
  const viewSort = useMemo<ViewSort>(() => ({ key: base.sort, descending: base.descending }), [base]);
  const applyView = useCallback((saved: ExceptionViewFilters | null, sort: ViewSort | null) => {
    const backendSort = exceptionSortOf(sort);
    if (saved !== null) setSearchText(saved.search);
    setBase((b) => {
      const { search: _search, ...rest } = saved ?? {};
      return { ...b, ...rest, ...backendSort };
    });
  }, []);
  const views = useTableViews({
    tableId: "exceptions",
    userId: user.id,
    columns: EXCEPTION_COLUMNS,
    filters: viewFilters,
    sort: viewSort,
    parseFilters: parseExceptionViewFilters,
    onApply: applyView,
  });
  // Every row matching the filter, page by page: the list holds only what was scrolled to.
  const exportRequest: ExportRequest<ExceptionRow> = {
    fileBase: "exceptions",
    title: "Exceptions",
    fields: exportFieldsOf(EXCEPTION_COLUMNS, views.visible),
    loadRows: (onProgress) =>
      fetchAllPages((after, limit) => unwrap(commands.exceptionQueue(pageRequest(filter, after, limit))), {
        onProgress,
      }),
  };

  // Live: a landed sync and our own actions both reload list, counts and detail.
  const [ownVersion, setOwnVersion] = useState(0);
  const version = mirrorVersion + ownVersion;
  const summaryKey = `${version}:${Math.floor(now / CLOCK_MS)}`;
  const list = useExceptionList(filter, version, report);
  const summary = useExceptionSummary(base.queue, summaryKey, report);
  // The person's own queue is watched for breaches whatever the list shows.
  const ownSummary = useExceptionSummary(ownQueue, summaryKey, report, ownQueue !== null);
  const ownBreached = ownSummary === null ? null : totals(ownSummary).breached;
  const describeBreach = useCallback(
    (increase: number) =>
      `${plural(increase, "more exception", "more exceptions")} in the ${queueLabel(ownQueue ?? "")} queue passed the SLA.`,
    [ownQueue],
  );
  useBreachNotification(ownBreached, describeBreach);

  // Selection is derived so it survives reloads: same exception if still listed, else its old position.
  const { rows } = list;
  const filterKey = JSON.stringify(filter);
  const [selection, setSelection] = useState<Selection>({ id: null, index: 0, filterKey });
  const ids = useMemo(() => rows.map((r) => r.id), [rows]);
  const selectedId =
    selection.filterKey === filterKey ? reconcileSelection(ids, selection.id, selection.index) : (ids[0] ?? null);
  const selectedRow: ExceptionRow | null = rows.find((r) => r.id === selectedId) ?? null;

  // The open detail is pinned to its exception (not to a list position), so an
  // exception that leaves the list after an action still shows what happened to it.
  const [openId, setOpenId] = useState<string | null>(linked);
  const select = useCallback(
    (id: string | null) => {
      setSelection({ id, index: id === null ? 0 : Math.max(0, ids.indexOf(id)), filterKey });
      setOpenId((current) => (current === null ? null : id));
    },
    [ids, filterKey],
  );
  const open = useCallback(
    (id: string) => {
      select(id);
      setOpenId(id);
    },
    [select],
  );
  const { detail, loading: detailLoading } = useExceptionDetail(openId, version, report);

  // ----- actions -----
  const [dialog, setDialog] = useState<{ action: ActionKind; row: ExceptionRow } | null>(null);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const inFlight = useRef(false);

  const resolve = useCallback(
    async (id: string, action: ActionKind, reason: string | null, correctedIban: string | null) => {
      if (inFlight.current) return false;
      inFlight.current = true;
      setBusyId(id);
      setResult(null);
      try {
        const outcome = await unwrap(commands.resolveException({ id, action, reason, correctedIban }));
        setResult({ exceptionId: id, tone: "ok", text: outcomeMessage(outcome) });
        return true;
      } catch (error) {
        setResult({ exceptionId: id, tone: "error", text: errorMessage(error) });
        // A refusal is answered in the panel; an outage or a bug also goes to the error toasts.
        const code = errorCode(error);
        if (code === null || !REFUSALS.includes(code)) report(error);
        return false;
      } finally {
        inFlight.current = false;
        setBusyId(null);
        setOwnVersion((v) => v + 1);
      }
    },
    [report],
  );

  const runAction = (action: ActionKind) => {
    if (detail === null || busyId !== null) return;
    if (!detail.actions.includes(action)) {
      notify({ tone: "info", title: `${ACTION_INFO[action].label.replace(/…$/, "")} is not possible here` });
      return;
    }
    if (actionInFlight(detail.sent)) {
      notify({ tone: "info", title: "An action on this exception is already on its way" });
      return;
    }
    if (needsDialog(action)) {
      setResult(null);
      setDialog({ action, row: detail.row });
    } else {
      void resolve(detail.row.id, action, null, null);
    }
  };

  // ----- keyboard -----
  const searchRef = useRef<HTMLInputElement>(null);
  const onKey = (command: ExceptionKeyCommand) => {
    switch (command) {
      case "next":
      case "prev":
        select(moveSelection(ids, selectedId, command === "next" ? 1 : -1));
        return;
      case "open":
        if (selectedId !== null) open(selectedId);
        return;
      case "close":
        setOpenId(null);
        return;
      case "trace":
        if (selectedRow?.invoice) onOpenTrace(selectedRow.invoice);
        else if (selectedRow) notify({ tone: "info", title: "This exception names no invoice to trace" });
        return;
      case "focusSearch":
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      default:
        // Action keys only mean something with the detail open: it lists what may be done.
        if (openId !== null) runAction(command);
    }
  };
  useExceptionKeys(onKey, dialog === null);

  const dialogError =
    dialog !== null && result?.tone === "error" && result.exceptionId === dialog.row.id ? result.text : null;

  return (
    <div className={`exceptions-screen${openId !== null ? " with-detail" : ""}`} data-testid="exceptions-screen">
      <ExceptionSummaryChips
        summary={summary}
        queue={base.queue}
        selectedKind={base.kind}
        onKindClick={(kind) => onFilterChange({ kind })}
      />

      <section className="panel queue-panel exc-list" aria-label="Exception queue">
        <ExceptionFilters
          filter={{ ...base, search: searchText }}
          ownQueue={ownQueue}
          entities={entities}
          summary={summary}
          total={list.total}
          totalCapped={list.totalCapped}
          loading={list.loading}
          searchRef={searchRef}
          onChange={onFilterChange}
        />
        <TableToolbar id="exceptions" views={views} exportRequest={exportRequest} />
        <ExceptionTable
          columnIds={views.visible}
          rows={rows}
          total={list.totalCapped ? null : list.total}
          loading={list.loading}
          loadingMore={list.loadingMore}
          hasMore={list.hasMore}
          selectedId={selectedId}
          now={now}
          lastVisit={lastVisit}
          onSelect={select}
          onOpen={open}
          onOpenTrace={onOpenTrace}
          onLoadMore={list.loadMore}
        />
        <div className="action-bar">
          <span className="keyboard-help" data-testid="exceptions-keyboard-help">
            <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> details · <kbd>t</kbd> trace · <kbd>/</kbd> search ·{" "}
            <kbd>Esc</kbd> close
          </span>
          <span className="spacer" />
          {lastVisit !== null && (
            <span className="muted exc-new-legend">
              <span className="exc-new-dot" aria-hidden="true" /> changed since your last visit
            </span>
          )}
        </div>
      </section>

      {openId !== null && (
        <ExceptionDetailPanel
          detail={detail}
          loading={detailLoading}
          users={users}
          result={result}
          busy={busyId !== null}
          now={now}
          onAction={runAction}
          onClose={() => setOpenId(null)}
          onOpenTrace={onOpenTrace}
        />
      )}

      {dialog && (
        <ExceptionActionDialog
          action={dialog.action}
          row={dialog.row}
          submitting={busyId === dialog.row.id}
          error={dialogError}
          onCancel={() => setDialog(null)}
          onSubmit={(reason, iban) => {
            const { action, row } = dialog;
            void resolve(row.id, action, reason, iban).then((ok) => {
              if (ok) setDialog(null);
            });
          }}
        />
      )}
    </div>
  );
}
