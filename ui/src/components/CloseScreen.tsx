import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { errorMessage, unwrap } from "../api";
import { commands, type CloseBoard, type CloseTaskRow } from "../bindings";
import {
  closeKeyCommand,
  moveLabel,
  navigationOrder,
  parseCloseViewFilters,
  shortTaskId,
  sortByDue,
  type CloseMove,
  type CloseViewFilters,
} from "../close";
import { useNotify, useReportError, type ReportError } from "../errors";
import { useTableViews } from "../hooks/useTableViews";
import { moveSelection, reconcileSelection } from "../keyboard";
import type { WorkspaceProps } from "../screenProps";
import { exportFieldsOf, type ExportRequest } from "../tableExport";
import { pickColumns } from "../tableViews";
import { BurndownChart } from "./BurndownChart";
import { CloseBoardView } from "./CloseBoardView";
import { CloseHeaderBar, CloseSummary, type CloseView } from "./CloseHeader";
import { closeListColumns, CloseListView } from "./CloseListView";
import { CloseTaskPanel, type MoveResult } from "./CloseTaskPanel";
import { ReasonDialog } from "./ReasonDialog";
import { TableToolbar } from "./TableToolbar";

export const QUEUED_TEXT = "Queued — sent to the ERP";

/** The entity and period asked for; null lets the backend choose (first entity, period being closed). */
interface Choice {
  entity: string | null;
  period: string | null;
}

interface Loaded {
  key: string;
  board: CloseBoard | null;
  error: string | null;
}

/**
 * The board for a choice, reloaded whenever `version` moves. The previous board
 * stays on screen while the next loads, so live updates do not flicker.
 */
function useCloseBoard(choice: Choice, version: string, report: ReportError) {
  const key = `${choice.entity ?? ""}|${choice.period ?? ""}|${version}`;
  const [loaded, setLoaded] = useState<Loaded>({ key: "", board: null, error: null });
  useEffect(() => {
    let current = true;
    unwrap(commands.closeBoard(choice.entity, choice.period)).then(
      (board) => {
        if (current) setLoaded({ key, board, error: null });
      },
      (error: unknown) => {
        if (!current) return;
        report(error);
        setLoaded((prev) => ({ key, board: prev.board, error: errorMessage(error) }));
      },
    );
    // A newer choice or version supersedes this answer, however late it comes.
    return () => {
      current = false;
    };
  }, [choice.entity, choice.period, key, report]);
  return { board: loaded.board, error: loaded.error, loading: loaded.key !== key };
}

interface Selection {
  id: string | null;
  /** Where the selected task sat, to land nearby if a reload removes it. */
  index: number;
}

interface SendBack {
  taskId: string;
  refusal: string | null;
}

export function CloseScreen({ mirrorVersion, user, users }: WorkspaceProps) {
  const report = useReportError();
  const notify = useNotify();
  const [choice, setChoice] = useState<Choice>({ entity: null, period: null });
  /** Bumped after a move of ours, which the mirror may only report later. */
  const [reloads, setReloads] = useState(0);
  const { board, error, loading } = useCloseBoard(choice, `${mirrorVersion}.${reloads}`, report);
  const tasks = useMemo(() => board?.tasks ?? [], [board]);
  const entity = board?.entity ?? "";
  const period = board?.period ?? "";

  const [view, setView] = useState<CloseView>("board");
  const ids = useMemo(() => navigationOrder(tasks, view), [tasks, view]);
  const [selection, setSelection] = useState<Selection>({ id: null, index: 0 });
  // Derived, so a live reload keeps the same task selected (or its neighbour if it went away).
  const selectedId = selection.id === null ? null : reconcileSelection(ids, selection.id, selection.index);
  const selectedTask = tasks.find((t) => t.id === selectedId) ?? null;
  const [panelOpen, setPanelOpen] = useState(false);

  const select = useCallback(
    (id: string | null) => setSelection({ id, index: id === null ? 0 : Math.max(0, ids.indexOf(id)) }),
    [ids],
  );
  const openTask = useCallback(
    (id: string) => {
      select(id);
      setPanelOpen(true);
    },
    [select],
  );

  const pick = (next: Choice) => {
    setChoice(next);
    // Tasks of another entity or period share no ids with these.
    setSelection({ id: null, index: 0 });
    setPanelOpen(false);
  };

  // ----- list columns, saved views, export -----
  const listColumns = useMemo(() => closeListColumns(entity, period, users), [entity, period, users]);
  const viewFilters = useMemo<CloseViewFilters>(() => ({ entity: entity || null }), [entity]);
  const views = useTableViews<CloseViewFilters>({
    tableId: "close.list",
    userId: user.id,
    columns: listColumns,
    filters: viewFilters,
    sort: null,
    parseFilters: parseCloseViewFilters,
    onApply: (saved) => {
      if (saved?.entity && saved.entity !== entity) pick({ entity: saved.entity, period: null });
    },
  });
  const exportRequest: ExportRequest<CloseTaskRow> = {
    fileBase: `close-${entity}-${period}`,
    title: `Close ${entity} ${period}`,
    fields: exportFieldsOf(listColumns, views.visible),
    loadRows: () => Promise.resolve({ rows: sortByDue(tasks), cappedAt: null }),
  };

  const [busyIds, setBusyIds] = useState<ReadonlySet<string>>(new Set());
  const inFlight = useRef(new Set<string>());
  const [result, setResult] = useState<MoveResult | null>(null);
  const [sendBack, setSendBack] = useState<SendBack | null>(null);

  /** Sends a move; resolves to the refusal text, or null once it is queued. */
  const move = useCallback(
    async (task: CloseTaskRow, to: CloseMove, note: string | null): Promise<string | null> => {
      if (inFlight.current.has(task.id)) return null;
      inFlight.current.add(task.id);
      setBusyIds(new Set(inFlight.current));
      setResult(null);
      try {
        await unwrap(commands.moveCloseTask({ taskId: task.id, to, note }));
        setResult({ taskId: task.id, ok: true, text: `${QUEUED_TEXT} (${moveLabel(to)})` });
        return null;
      } catch (failure) {
        // A refusal (owner, reviewer, segregation of duties, a missing note) is an outcome, shown where the move was made.
        const text = errorMessage(failure);
        setResult({ taskId: task.id, ok: false, text });
        return text;
      } finally {
        inFlight.current.delete(task.id);
        setBusyIds(new Set(inFlight.current));
        setReloads((n) => n + 1);
      }
    },
    [],
  );

  const requestMove = (task: CloseTaskRow, to: CloseMove) => {
    if (!task.moves.includes(to)) {
      notify({
        tone: "info",
        title: `You cannot ${moveLabel(to).toLowerCase()} ${shortTaskId(task.id, entity, period)} now`,
        message: task.moves.length > 0 ? `Allowed now: ${task.moves.map(moveLabel).join(", ")}` : undefined,
      });
      return;
    }
    // The outcome is shown in the panel, so a move made by key opens it.
    setPanelOpen(true);
    if (to === "sent_back") setSendBack({ taskId: task.id, refusal: null });
    else void move(task, to, null);
  };

  const mainRef = useRef<HTMLDivElement>(null);
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || document.querySelector('[aria-modal="true"]')) return;
    const command = closeKeyCommand(event);
    if (command === null) return;
    switch (command.kind) {
      case "next":
      case "prev":
        select(moveSelection(ids, selectedId, command.kind === "next" ? 1 : -1));
        break;
      case "open":
        if (!selectedId) return;
        setPanelOpen(true);
        break;
      case "close":
        if (!panelOpen) return;
        setPanelOpen(false);
        break;
      case "move":
        if (!selectedTask) return;
        requestMove(selectedTask, command.move);
        break;
    }
    event.preventDefault();
  };
  const onKeyRef = useRef(onKey);
  useLayoutEffect(() => {
    onKeyRef.current = onKey;
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKeyRef.current(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  // Keep the task moved to by keys on screen (columns and the list scroll).
  useEffect(() => {
    if (selectedId === null) return;
    const el = [...(mainRef.current?.querySelectorAll<HTMLElement>("[data-task-id]") ?? [])].find(
      (node) => node.dataset.taskId === selectedId,
    );
    el?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }, [selectedId, view]);

  const sendBackTask = sendBack ? (tasks.find((t) => t.id === sendBack.taskId) ?? null) : null;
  const panelTask = panelOpen ? selectedTask : null;

  return (
    <div className="close-screen" data-testid="close-screen">
      <CloseHeaderBar
        board={board}
        entity={choice.entity ?? entity}
        period={choice.period ?? period}
        view={view}
        loading={loading && board !== null}
        onEntity={(e) => pick({ entity: e, period: null })}
        onPeriod={(p) => pick({ entity: choice.entity ?? (entity || null), period: p })}
        onView={setView}
      />

      {board === null &&
        (error ? (
          <div className="close-load-error" role="alert">
            <span className="error">Could not load the close board: {error}</span>
            <button type="button" className="button" onClick={() => setReloads((n) => n + 1)}>
              Retry
            </button>
          </div>
        ) : (
          <p className="muted">Loading…</p>
        ))}

      {board?.planError && (
        <div className="close-plan-error" role="alert" data-testid="plan-error">
          <strong>The close cannot be planned:</strong> {board.planError}. Dates, the critical path and
          projections are missing until the dependencies are fixed; the tasks are listed as they are.
        </div>
      )}

      {board && (
        <div className="close-overview panel">
          <CloseSummary board={board} />
          <BurndownChart points={board.burndown} today={board.today} />
        </div>
      )}

      {board && (
        <div className={`close-body${panelTask ? " with-panel" : ""}`}>
          <section className="panel close-main" ref={mainRef} aria-label={view === "board" ? "Board" : "List"}>
            {view === "board" ? (
              <CloseBoardView
                tasks={tasks}
                entity={entity}
                period={period}
                users={users}
                selectedId={selectedId}
                onSelect={openTask}
              />
            ) : (
              <>
                <TableToolbar id="close" views={views} exportRequest={exportRequest} />
                <CloseListView
                  tasks={tasks}
                  columns={pickColumns(listColumns, views.visible)}
                  selectedId={selectedId}
                  onSelect={openTask}
                />
              </>
            )}
          </section>
          {panelTask && (
            <CloseTaskPanel
              task={panelTask}
              tasks={tasks}
              entity={entity}
              period={period}
              users={users}
              busy={busyIds.has(panelTask.id)}
              result={result?.taskId === panelTask.id ? result : null}
              onSelect={select}
              onMove={(to) => requestMove(panelTask, to)}
              onClose={() => setPanelOpen(false)}
            />
          )}
        </div>
      )}

      <div className="keyboard-help muted close-keys">
        <kbd>j</kbd>/<kbd>k</kbd> task · <kbd>Enter</kbd> details · <kbd>s</kbd> start · <kbd>u</kbd> submit ·{" "}
        <kbd>r</kbd> review · <kbd>b</kbd> send back · <kbd>Esc</kbd> close
      </div>

      {sendBack && sendBackTask && (
        <ReasonDialog
          name="send-back"
          title={`Send back ${shortTaskId(sendBackTask.id, entity, period)}`}
          subject={`${sendBackTask.name} · ${sendBackTask.dayLabel} · due ${sendBackTask.due}`}
          fieldLabel="Note to the owner (why it goes back)"
          fieldNoun="note"
          confirmLabel="Send back"
          submittingLabel="Sending back…"
          submitting={busyIds.has(sendBackTask.id)}
          refusal={sendBack.refusal}
          onCancel={() => setSendBack(null)}
          onSubmit={(note) => {
            void move(sendBackTask, "sent_back", note).then((refusal) => {
              // Kept open on a refusal so the note can be fixed and sent again.
              setSendBack((current) =>
                current?.taskId !== sendBackTask.id ? current : refusal === null ? null : { ...current, refusal },
              );
            });
          }}
        />
      )}
    </div>
  );
}
