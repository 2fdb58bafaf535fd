import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { unwrap } from "../api";
import { commands, type InstructionFilter, type InstructionRow, type PaymentRunRow } from "../bindings";
import { useReportError } from "../errors";
import { formatCount } from "../format";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { usePagedList } from "../hooks/usePagedList";
import { useTableViews } from "../hooks/useTableViews";
import { moveSelection, reconcileSelection } from "../keyboard";
import {
  filterCounts,
  parseInstructionViewFilters,
  parseNoViewFilters,
  paymentKey,
  type InstructionViewFilters,
  type NoViewFilters,
  type PaymentKey,
  type PaymentsTab,
} from "../payments";
import type { WorkspaceProps } from "../screenProps";
import { exportFieldsOf, fetchAllPages, type ExportRequest } from "../tableExport";
import { CashPanel } from "./CashPanel";
import { useFetched } from "./PaymentData";
import { PaymentDetail } from "./PaymentDetail";
import { PaymentFilters } from "./PaymentFilters";
import { INSTRUCTION_COLUMNS, PaymentInstructionsTable } from "./PaymentInstructionsTable";
import { PaymentRunsTable, RUN_COLUMNS } from "./PaymentRunsTable";
import { TableToolbar } from "./TableToolbar";

export const PAYMENTS_SEARCH_DEBOUNCE_MS = 250;
/** payment_instructions answers pages of this many rows (newest first); the backend sets it. */
export const INSTRUCTIONS_PAGE_SIZE = 100;

// Module-level so its identity is stable: runs reload only when the mirror changes.
const loadRuns = () => unwrap(commands.paymentRuns());

/** What the instructions list shows: one run or all, a status filter, a search (null = none). */
interface InstructionQuery {
  runId: string | null;
  filter: InstructionFilter;
  search: string | null;
}

/** One page of instructions after the cursor: what the list scrolls through and an export walks to the end. */
function instructionPage({ runId, filter, search }: InstructionQuery, after: string | null) {
  return unwrap(commands.paymentInstructions(runId, filter, search, after));
}

const instructionId = (row: InstructionRow) => row.id;

const TABS: readonly { id: PaymentsTab; label: string }[] = [
  { id: "runs", label: "Runs" },
  { id: "instructions", label: "Instructions" },
  { id: "cash", label: "Cash" },
];

interface Selection {
  id: string | null;
  /** Position of the selected row, to land nearby if it disappears on a reload. */
  index: number;
  /** The run, filter and search the selection was made under. */
  listKey: string;
  /**
   * j was pressed on the last loaded row while more were to come: the row after `id`
   * is selected as soon as the next page brings it.
   */
  advance?: boolean;
}

/** Treasury's workspace: payment runs, what the bank answered per instruction, and cash. */
/** Module-level so the runs table's views see the same (empty) filters on every render. */
const NO_FILTERS: NoViewFilters = {};
const ignoreApply = () => undefined;

export function PaymentsScreen({ mirrorVersion, user, onOpenTrace }: WorkspaceProps) {
  const report = useReportError();
  const [tab, setTab] = useState<PaymentsTab>("runs");
  const [runId, setRunId] = useState<string | null>(null);
  const [filter, setFilter] = useState<InstructionFilter>("all");
  const [searchText, setSearchText] = useState("");
  const search = useDebouncedValue(searchText.trim(), PAYMENTS_SEARCH_DEBOUNCE_MS);

  const runsState = useFetched(loadRuns, mirrorVersion, report);
  const runs = useMemo(() => runsState.data ?? [], [runsState.data]);

  // Paged by the backend's cursor as the table scrolls, as on Exceptions; a landed sync
  // reloads as many rows as are loaded, a new run, filter or search starts over.
  const query = useMemo<InstructionQuery>(
    () => ({ runId, filter, search: search === "" ? null : search }),
    [runId, filter, search],
  );
  const listKey = JSON.stringify(query);
  const instructions = usePagedList<InstructionRow>({
    fetchPage: (after) => instructionPage(query, after),
    filterKey: listKey,
    rowId: instructionId,
    version: mirrorVersion,
    report,
    pageSize: INSTRUCTIONS_PAGE_SIZE,
  });
  const { rows } = instructions;

  // Derived selection (as on Approvals): the same instruction after a reload if it is still
  // listed, else whatever now sits at its old position; the first row under a new query.
  const [selection, setSelection] = useState<Selection>({ id: null, index: 0, listKey });
  const ids = useMemo(() => rows.map((r) => r.id), [rows]);
  const reconciled =
    selection.listKey === listKey ? reconcileSelection(ids, selection.id, selection.index) : (ids[0] ?? null);
  const advanced =
    selection.advance === true && selection.listKey === listKey && reconciled !== null && reconciled === selection.id;
  const selectedId = advanced ? (ids[ids.indexOf(reconciled) + 1] ?? reconciled) : reconciled;
  const selectedRow = rows.find((r) => r.id === selectedId) ?? null;

  const select = useCallback(
    (id: string | null) => setSelection({ id, index: id === null ? 0 : Math.max(0, ids.indexOf(id)), listKey }),
    [ids, listKey],
  );

  const openRun = useCallback((id: string) => {
    setRunId(id);
    setTab("instructions");
  }, []);

  const searchRef = useRef<HTMLInputElement>(null);
  const detailRef = useRef<HTMLElement>(null);
  const runIds = useMemo(() => runs.map((r) => r.id), [runs]);

  const onKey = (key: PaymentKey): boolean => {
    if (tab === "runs") {
      if (key === "next" || key === "prev") setRunId(moveSelection(runIds, runId, key === "next" ? 1 : -1));
      else if (key === "open" && runId !== null) setTab("instructions");
      else return false;
      return true;
    }
    if (tab !== "instructions") return false;
    switch (key) {
      case "next":
      case "prev": {
        const last = ids.length - 1;
        if (key === "next" && selectedId !== null && ids.indexOf(selectedId) === last && instructions.hasMore) {
          // Past the loaded rows: fetch the next page and step onto its first row when it lands.
          instructions.loadMore();
          setSelection({ id: selectedId, index: last, listKey, advance: true });
          return true;
        }
        // At the very end (or the top) the selection stays where it is.
        select(moveSelection(ids, selectedId, key === "next" ? 1 : -1));
        return true;
      }
      case "open":
        detailRef.current?.focus();
        return selectedRow !== null;
      case "trace": {
        const invoiceId = selectedRow?.invoiceIds[0];
        if (invoiceId !== undefined) onOpenTrace(invoiceId);
        return invoiceId !== undefined;
      }
      case "focusSearch":
        searchRef.current?.focus();
        searchRef.current?.select();
        return true;
    }
  };
  usePaymentKeys(onKey);

  const counts = useMemo(() => filterCounts(runs, runId), [runs, runId]);

  // ----- columns, saved views, export -----
  const runViews = useTableViews<NoViewFilters>({
    tableId: "payments.runs",
    userId: user.id,
    columns: RUN_COLUMNS,
    filters: NO_FILTERS,
    sort: null,
    parseFilters: parseNoViewFilters,
    onApply: ignoreApply,
  });
  const instructionFilters = useMemo<InstructionViewFilters>(
    () => ({ filter, search: searchText.trim() }),
    [filter, searchText],
  );
  const applyInstructionView = useCallback((saved: InstructionViewFilters | null) => {
    if (saved === null) return;
    setFilter(saved.filter);
    setSearchText(saved.search);
  }, []);
  const instructionViews = useTableViews<InstructionViewFilters>({
    tableId: "payments.instructions",
    userId: user.id,
    columns: INSTRUCTION_COLUMNS,
    filters: instructionFilters,
    sort: null,
    parseFilters: parseInstructionViewFilters,
    onApply: applyInstructionView,
  });
  // The runs arrive whole, so the loaded rows are their export.
  const runsExport: ExportRequest<PaymentRunRow> = {
    fileBase: "payment-runs",
    title: "Payment runs",
    fields: exportFieldsOf(RUN_COLUMNS, runViews.visible),
    loadRows: () => Promise.resolve({ rows: runs, cappedAt: null }),
  };
  const instructionsExport: ExportRequest<InstructionRow> = {
    fileBase: runId === null ? "payment-instructions" : `payment-instructions-${runId}`,
    title: "Payment instructions",
    fields: exportFieldsOf(INSTRUCTION_COLUMNS, instructionViews.visible),
    // Every instruction of the run, filter and search, page by page: the list holds only what was scrolled to.
    loadRows: (onProgress) => fetchAllPages((after) => instructionPage(query, after), { onProgress }),
  };

  return (
    <div className="payments-screen" data-testid="payments-screen">
      <div className="screen-header">
        <h1>Payments</h1>
        <span className="muted">Runs, the bank's answer per instruction (ISO 20022), and cash by account</span>
      </div>

      <div className="tabs" role="tablist" aria-label="Payments">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`tab${tab === t.id ? " active" : ""}`}
            data-testid={`pay-tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            {t.id === "runs" && runsState.data !== null && <span className="muted"> {formatCount(runs.length)}</span>}
            {t.id === "instructions" && runId !== null && <span className="muted"> · run {runId}</span>}
          </button>
        ))}
      </div>

      {tab === "runs" && (
        <div role="tabpanel" aria-label="Runs" className="pay-tabpanel">
          <PaymentRunsTable
            columnIds={runViews.visible}
            toolbar={<TableToolbar id="runs" views={runViews} exportRequest={runsExport} />}
            runs={runs}
            loading={runsState.loading}
            selectedId={runId}
            onSelect={setRunId}
            onOpen={openRun}
          />
          <KeyHelp
            items={[
              [["j", "k"], "select a run (filters the instructions)"],
              [["Enter"], "its instructions"],
            ]}
          />
        </div>
      )}

      {tab === "instructions" && (
        <section role="tabpanel" aria-label="Instructions" className="panel queue-panel pay-instructions">
          <PaymentFilters
            filter={filter}
            counts={counts}
            runId={runId}
            searchText={searchText}
            shown={rows.length}
            hasMore={instructions.hasMore}
            loading={instructions.loading}
            searchRef={searchRef}
            onFilterChange={setFilter}
            onClearRun={() => setRunId(null)}
            onSearchChange={setSearchText}
          />
          <TableToolbar id="instructions" views={instructionViews} exportRequest={instructionsExport} />
          <div className="pay-body">
            <PaymentInstructionsTable
              columnIds={instructionViews.visible}
              rows={rows}
              loading={instructions.loading}
              loadingMore={instructions.loadingMore}
              hasMore={instructions.hasMore}
              selectedId={selectedId}
              onSelect={select}
              onLoadMore={instructions.loadMore}
            />
            <PaymentDetail row={selectedRow} panelRef={detailRef} onOpenTrace={onOpenTrace} />
          </div>
          <KeyHelp
            items={[
              [["j", "k"], "move"],
              [["Enter"], "to the details"],
              [["t"], "trace the first invoice"],
              [["/"], "search"],
            ]}
          />
        </section>
      )}

      {tab === "cash" && (
        <div role="tabpanel" aria-label="Cash" className="pay-tabpanel pay-cash">
          <CashPanel mirrorVersion={mirrorVersion} />
        </div>
      )}
    </div>
  );
}

function KeyHelp({ items }: { items: [keys: string[], what: string][] }) {
  return (
    <div className="action-bar pay-keys">
      {items.map(([keys, what]) => (
        <span key={what} className="keyboard-help">
          {keys.map((k) => (
            <kbd key={k}>{k}</kbd>
          ))}{" "}
          {what}
        </span>
      ))}
    </div>
  );
}

/**
 * The screen's single-key shortcuts (see paymentKey). `onKey` returns whether it used the
 * key, so an unused Enter or t keeps its default. Ignored while a modal dialog is open.
 */
function usePaymentKeys(onKey: (key: PaymentKey) => boolean) {
  const handler = useRef(onKey);
  useLayoutEffect(() => {
    handler.current = onKey;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector('[aria-modal="true"]')) return;
      const key = paymentKey(event);
      if (key !== null && handler.current(key)) event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
