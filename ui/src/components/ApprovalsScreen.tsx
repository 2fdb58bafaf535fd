import { useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { unwrap } from "../api";
import { delegateCandidates, isInFlight, queuedApproval } from "../approvals";
import {
  commands,
  type AgingBucket,
  type ApprovalRow,
  type Decision,
  type EntityInfo,
  type PendingAction,
  type QueueFilter,
  type QueueSort,
  type SortKey,
  type User,
} from "../bindings";
import { useNotify, useReportError } from "../errors";
import { useAgingSummary } from "../hooks/useAgingSummary";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { useEntities } from "../hooks/useEntities";
import { useKeyboard, type QueueCommand } from "../hooks/useKeyboard";
import { useNow } from "../hooks/useNow";
import {
  fetchQueuePage,
  parseQueueViewFilters,
  queueSortOf,
  useQueue,
  viewSortOf,
  type QueueViewFilters,
} from "../hooks/useQueue";
import { useTableViews } from "../hooks/useTableViews";
import { moveSelection, reconcileSelection, selectionAfterAction } from "../keyboard";
import { formatMoney } from "../money";
import { exportFieldsOf, fetchAllPages, type ExportRequest } from "../tableExport";
import type { ViewSort } from "../tableViews";
import { todayIn } from "../time";
import { ActionBar } from "./ActionBar";
import { AgingSummaryPanel } from "./AgingSummaryPanel";
import { useBulkSelection } from "./BulkSelection";
import { DelegateDialog } from "./DelegateDialog";
import { FiltersBar } from "./FiltersBar";
import { QUEUE_COLUMNS, type CellContext } from "./queueColumns";
import { QueueTable } from "./QueueTable";
import { ReasonDialog } from "./ReasonDialog";
import { RunApprovalsPanel } from "./RunApprovalsPanel";
import { TableToolbar } from "./TableToolbar";
import { useTraceKey } from "./TraceKey";

export const SEARCH_DEBOUNCE_MS = 250;
/**
 * After a decision moves the selection on, approve/reject keys are ignored this
 * long (and until the move is on screen), so a double press cannot decide the
 * next invoice too.
 */
export const ACTION_COOLDOWN_MS = 400;

/** Without the session's users (a bare screen) nobody is offered as a delegate. */
const NO_USERS: User[] = [];

const DEFAULT_SORT: QueueSort = { key: "dueDate", dir: "asc" };
/** Direction a column sorts in on its first click. */
const FIRST_DIR: Record<SortKey, QueueSort["dir"]> = {
  dueDate: "asc",
  amount: "desc",
  age: "desc",
  supplier: "asc",
  invoiceNumber: "asc",
};

interface Selection {
  id: string | null;
  /** Position of the selected row, to land nearby if it disappears. */
  index: number;
  /** The filter the selection was made under. */
  filterKey: string;
}

interface ActionGuard {
  /** performance.now() before which action keys are ignored. */
  until: number;
  /** Set while a decision is out: the selection it will move away from once it lands. */
  movingFrom: Selection | null;
}

export function ApprovalsScreen({
  mirrorVersion,
  onOpenTrace,
  user = null,
  users = NO_USERS,
}: {
  mirrorVersion: number;
  onOpenTrace: (invoiceId: string) => void;
  /** The signed-in user, never offered as their own delegate. */
  user?: User | null;
  /** Everyone in the session: the approvers among them can take a delegated step. */
  users?: User[];
}) {
  const report = useReportError();
  const notify = useNotify();
  const entities = useEntities(report);

  const [entity, setEntity] = useState<string | null>(null);
  const [bucket, setBucket] = useState<AgingBucket | null>(null);
  const [searchText, setSearchText] = useState("");
  const search = useDebouncedValue(searchText.trim(), SEARCH_DEBOUNCE_MS);
  const [sort, setSort] = useState<QueueSort>(DEFAULT_SORT);

  const filter = useMemo<QueueFilter>(
    () => ({ entity, bucket, search: search === "" ? null : search }),
    [entity, bucket, search],
  );
  // The chart always shows every bucket, so the bucket filter is not applied to it.
  const summaryFilter = useMemo<QueueFilter>(() => ({ ...filter, bucket: null }), [filter]);
  const summary = useAgingSummary(summaryFilter, mirrorVersion, report);
  const queue = useQueue(filter, sort, mirrorVersion, report);

  // ----- columns, saved views, export -----
  const viewFilters = useMemo<QueueViewFilters>(
    () => ({ entity, bucket, search: searchText.trim() }),
    [entity, bucket, searchText],
  );
  const viewSort = useMemo<ViewSort>(() => viewSortOf(sort), [sort]);
  const applyView = useCallback((saved: QueueViewFilters | null, savedSort: ViewSort | null) => {
    if (saved !== null) {
      setEntity(saved.entity);
      setBucket(saved.bucket);
      setSearchText(saved.search);
    }
    const backendSort = queueSortOf(savedSort);
    if (backendSort !== null) setSort(backendSort);
  }, []);
  const views = useTableViews({
    tableId: "approvals",
    // A bare screen (no session) keeps its views under one shared name.
    userId: user?.id ?? "anonymous",
    columns: QUEUE_COLUMNS,
    filters: viewFilters,
    sort: viewSort,
    parseFilters: parseQueueViewFilters,
    onApply: applyView,
  });
  // Every approval matching the filter and sort, page by page: the list holds only what was scrolled to.
  const exportRequest: ExportRequest<ApprovalRow> = {
    fileBase: "approvals",
    title: "Approvals",
    fields: exportFieldsOf(QUEUE_COLUMNS, views.visible),
    loadRows: (onProgress) =>
      fetchAllPages((after, limit) => fetchQueuePage(filter, sort, after, limit), { onProgress }),
  };
  const { rows, recordAction, refresh } = queue;

  // Selection is derived so it survives reloads: same approval if still there,
  // else whatever sits at its old position.
  const filterKey = `${JSON.stringify(filter)}|${sort.key}|${sort.dir}`;
  const [selection, setSelection] = useState<Selection>({ id: null, index: 0, filterKey });
  const ids = useMemo(() => rows.map((r) => r.approvalId), [rows]);
  const selectedId =
    selection.filterKey === filterKey
      ? reconcileSelection(ids, selection.id, selection.index)
      : (ids[0] ?? null);
  const selectedRow = rows.find((r) => r.approvalId === selectedId) ?? null;

  const select = useCallback(
    (id: string | null) => {
      setSelection({ id, index: id === null ? 0 : Math.max(0, ids.indexOf(id)), filterKey });
    },
    [ids, filterKey],
  );

  const latestSelection = useRef(selection);
  useLayoutEffect(() => {
    latestSelection.current = selection;
  });

  const bulk = useBulkSelection(rows, JSON.stringify(filter), recordAction, notify);

  const [rejecting, setRejecting] = useState<ApprovalRow | null>(null);
  const [delegating, setDelegating] = useState<ApprovalRow | null>(null);
  /** Delegations sent from here: action id → delegate's name (the queue row only has the action). */
  const [delegations, setDelegations] = useState<ReadonlyMap<string, string>>(new Map());
  const dialogOpen = rejecting !== null || delegating !== null || bulk.isOpen;
  const [busyIds, setBusyIds] = useState<ReadonlySet<string>>(new Set());
  const inFlight = useRef(new Set<string>());
  const guard = useRef<ActionGuard>({ until: 0, movingFrom: null });

  /** True while a decision's selection move is pending or just happened. */
  const actionsLocked = useCallback((): boolean => {
    const g = guard.current;
    if (g.movingFrom !== null) {
      // latestSelection is updated in a layout effect: it changes once the move is rendered.
      if (latestSelection.current === g.movingFrom) return true;
      g.movingFrom = null;
    }
    return performance.now() < g.until;
  }, []);

  const decide = useCallback(
    async (row: ApprovalRow, decision: Decision, reason: string | null): Promise<boolean> => {
      const id = row.approvalId;
      if (inFlight.current.has(id)) return false;
      const before = latestSelection.current;
      inFlight.current.add(id);
      setBusyIds(new Set(inFlight.current));
      guard.current = { until: 0, movingFrom: before };
      try {
        const action = await unwrap(commands.decide(id, decision, reason));
        recordAction(id, action);
        // Move on, unless the user already moved elsewhere while we waited.
        setSelection((current) =>
          current === before
            ? { id: selectionAfterAction(ids, id), index: ids.indexOf(id) + 1, filterKey }
            : current,
        );
        guard.current = { until: performance.now() + ACTION_COOLDOWN_MS, movingFrom: before };
        return true;
      } catch (error) {
        guard.current = { until: 0, movingFrom: null };
        report(error);
        return false;
      } finally {
        inFlight.current.delete(id);
        setBusyIds(new Set(inFlight.current));
      }
    },
    [recordAction, ids, filterKey, report],
  );

  const dismiss = useCallback(
    (row: ApprovalRow, action: PendingAction) => {
      unwrap(commands.dismissAction(action.actionId)).then(() => {
        recordAction(row.approvalId, null);
        refresh();
      }, report);
    },
    [recordAction, refresh, report],
  );

  /**
   * Approve or reject (opens the reason dialog) the selected row, unless a
   * decision just moved the selection, or the user may not decide this row.
   */
  const act = (decision: Decision) => {
    if (!selectedRow || actionsLocked()) return;
    if (selectedRow.blockedReason !== null) {
      notify({ tone: "info", title: "You cannot decide this invoice", message: selectedRow.blockedReason });
      return;
    }
    if (decision === "approve") void decide(selectedRow, "approve", null);
    else setRejecting(selectedRow);
  };

  const delegate = () => {
    if (!selectedRow) return;
    if (isInFlight(selectedRow.pendingAction)) {
      notify({
        tone: "info",
        title: "You cannot delegate this invoice",
        message: `Invoice ${selectedRow.invoiceNumber} already has an action on its way.`,
      });
      return;
    }
    setDelegating(selectedRow);
  };

  const onDelegated = (row: ApprovalRow, to: User, actionId: string, reason: string | null) => {
    setDelegations((current) => new Map(current).set(actionId, to.name));
    recordAction(row.approvalId, { ...queuedApproval(actionId, new Date().toISOString()), reason });
    setDelegating(null);
    notify({ tone: "ok", title: `Invoice ${row.invoiceNumber} handed to ${to.name}` });
    // Move on as after a decision (the dialog was modal, so the selection is still this row).
    if (selectedId === row.approvalId) select(selectionAfterAction(ids, row.approvalId));
  };

  const searchRef = useRef<HTMLInputElement>(null);
  const onCommand = (command: QueueCommand) => {
    switch (command) {
      case "next":
      case "prev":
        select(moveSelection(ids, selectedId, command === "next" ? 1 : -1));
        break;
      case "approve":
        act("approve");
        break;
      case "reject":
        act("reject");
        break;
      case "focusSearch":
        searchRef.current?.focus();
        searchRef.current?.select();
        break;
      case "delegate":
        delegate();
        break;
      case "toggleCheck":
        if (selectedRow) bulk.toggle(selectedRow);
        break;
      case "bulkApprove":
        bulk.open();
        break;
    }
  };
  useKeyboard(onCommand, !dialogOpen);
  // t is not in the shared decision keymap (keyboard.ts), so it has its own listener.
  useTraceKey(() => {
    if (selectedRow) onOpenTrace(selectedRow.invoiceId);
  }, !dialogOpen);

  const entitiesByCode = useMemo(
    () => new Map<string, EntityInfo>(entities.map((e) => [e.code, e])),
    [entities],
  );
  const now = useNow(60_000);
  const cellContext = useMemo<CellContext>(() => {
    const today = new Map<string, string>();
    return {
      todayFor: (code) => {
        let value = today.get(code);
        if (value === undefined) {
          value = todayIn(entitiesByCode.get(code)?.timeZone, now);
          today.set(code, value);
        }
        return value;
      },
      onDismiss: dismiss,
      onOpenTrace,
      checked: bulk.checked,
      onToggleCheck: bulk.toggle,
      delegations,
    };
  }, [entitiesByCode, now, dismiss, onOpenTrace, bulk.checked, bulk.toggle, delegations]);

  const onSort = useCallback((key: SortKey) => {
    setSort((current) =>
      current.key === key
        ? { key, dir: current.dir === "asc" ? "desc" : "asc" }
        : { key, dir: FIRST_DIR[key] },
    );
  }, []);

  const toggleBucket = (b: AgingBucket) => setBucket((current) => (current === b ? null : b));

  return (
    <div className="approvals-screen">
      <AgingSummaryPanel
        summary={summary}
        selectedBucket={bucket}
        selectedEntity={entity}
        onBucketClick={toggleBucket}
        onCellClick={(code, b) => {
          setEntity(code);
          setBucket(b);
        }}
      />

      <section className="panel queue-panel" aria-label="Approval queue">
        <FiltersBar
          entities={entities}
          entity={entity}
          bucket={bucket}
          searchText={searchText}
          total={queue.total}
          loading={queue.loading}
          searchRef={searchRef}
          onEntityChange={setEntity}
          onBucketChange={setBucket}
          onSearchChange={setSearchText}
          onClear={() => {
            setEntity(null);
            setBucket(null);
            setSearchText("");
          }}
        />
        <TableToolbar id="approvals" views={views} exportRequest={exportRequest} />
        <QueueTable
          columnIds={views.visible}
          rows={rows}
          total={queue.total}
          loading={queue.loading}
          loadingMore={queue.loadingMore}
          hasMore={queue.hasMore}
          sort={sort}
          selectedId={selectedId}
          cellContext={cellContext}
          onSort={onSort}
          onSelect={select}
          onLoadMore={queue.loadMore}
        />
        <ActionBar
          selected={selectedRow}
          busy={selectedRow !== null && busyIds.has(selectedRow.approvalId)}
          checkedCount={bulk.count}
          onApprove={() => act("approve")}
          onReject={() => act("reject")}
          onDelegate={delegate}
          onBulkApprove={bulk.open}
          onClearChecks={bulk.clear}
        />
      </section>

      <RunApprovalsPanel mirrorVersion={mirrorVersion} users={users} />

      {rejecting && (
        <ReasonDialog
          name="reject"
          title={`Reject invoice ${rejecting.invoiceNumber}`}
          subject={
            <>
              {rejecting.supplierName} · {rejecting.entityCode} ·{" "}
              <span className="num">{formatMoney(rejecting.amount)}</span>
            </>
          }
          fieldLabel="Reason (sent to the source system)"
          fieldNoun="reason"
          confirmLabel="Reject"
          submittingLabel="Rejecting…"
          submitting={busyIds.has(rejecting.approvalId)}
          onCancel={() => setRejecting(null)}
          onSubmit={(reason) => {
            void decide(rejecting, "reject", reason).then((ok) => {
              if (ok) setRejecting(null);
            });
          }}
        />
      )}
      {delegating && (
        <DelegateDialog
          row={delegating}
          candidates={user === null ? [] : delegateCandidates(users, user)}
          onDelegated={(to, actionId, reason) => onDelegated(delegating, to, actionId, reason)}
          onCancel={() => setDelegating(null)}
        />
      )}
      {bulk.dialog}
    </div>
  );
}
