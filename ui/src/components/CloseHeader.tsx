import type { CloseBoard } from "../bindings";
import { countByState, criticalChainText, daysLateText, STATE_LABEL, STATE_TONE, STATES } from "../close";
import { periodLabel } from "../recon";

export type CloseView = "board" | "list";

interface BarProps {
  board: CloseBoard | null;
  /** What the pickers show: the user's choice while it loads, else what the backend chose. */
  entity: string;
  period: string;
  view: CloseView;
  loading: boolean;
  onEntity: (entity: string) => void;
  onPeriod: (period: string) => void;
  onView: (view: CloseView) => void;
}

/** Title, entity and period pickers, and the Board/List toggle. */
export function CloseHeaderBar({ board, entity, period, view, loading, onEntity, onPeriod, onView }: BarProps) {
  return (
    <header className="screen-header close-header-bar">
      <h1>Close board</h1>
      <select aria-label="Entity" data-testid="close-entity" value={entity} onChange={(e) => onEntity(e.target.value)}>
        {board?.entities.map((code) => (
          <option key={code} value={code}>
            {code}
          </option>
        ))}
      </select>
      <select aria-label="Period" data-testid="close-period" value={period} onChange={(e) => onPeriod(e.target.value)}>
        {/* The backend lists the entity's last 24 periods; keep a chosen one shown while the next loads. */}
        {board && !board.periods.includes(period) && period !== "" && <option value={period}>{periodLabel(period)}</option>}
        {board?.periods.map((p) => (
          <option key={p} value={p}>
            {periodLabel(p)}
          </option>
        ))}
      </select>
      {loading && <span className="muted">Loading…</span>}
      <span className="spacer" />
      <nav className="tabs close-view-toggle" role="tablist" aria-label="Close board view">
        {(["board", "list"] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            data-testid={`view-${v}`}
            className={`tab${view === v ? " active" : ""}`}
            onClick={() => onView(v)}
          >
            {v === "board" ? "Board" : "List"}
          </button>
        ))}
      </nav>
    </header>
  );
}

/** Planned against projected close, how many tasks are in each state, and the chain that sets the date. */
export function CloseSummary({ board }: { board: CloseBoard }) {
  const counts = countByState(board.tasks);
  const chain = criticalChainText(board.criticalPath, board.entity, board.period);
  return (
    <div className="close-summary" data-testid="close-summary">
      <div className="close-dates">
        <span>
          Planned close <strong className="num" data-testid="planned-close">{board.plannedClose || "—"}</strong>
        </span>
        <span>
          Projected close{" "}
          <strong className={`num${board.daysLate > 0 ? " negative" : ""}`} data-testid="projected-close">
            {board.projectedClose || "—"}
          </strong>
        </span>
        {board.daysLate > 0 ? (
          <span className="badge badge-danger close-late" role="status" data-testid="days-late">
            {daysLateText(board.daysLate)}
          </span>
        ) : (
          board.projectedClose !== "" && <span className="badge badge-ok">on time</span>
        )}
        <span className="muted">today {board.today}</span>
      </div>
      <div className="close-counts" data-testid="state-counts">
        <span className="muted">{board.tasks.length} tasks:</span>
        {STATES.map((state) => (
          <span
            key={state}
            className={`badge ${counts[state] > 0 ? STATE_TONE[state] : "badge-muted"}`}
            data-testid={`count-${state}`}
            data-count={counts[state]}
          >
            {counts[state]} {STATE_LABEL[state].toLowerCase()}
          </span>
        ))}
      </div>
      <div className="close-chain" data-testid="critical-chain">
        <span className="muted">Critical path</span>{" "}
        {chain ? <span className="mono">{chain}</span> : <span className="muted">— none (no plan)</span>}
      </div>
    </div>
  );
}
