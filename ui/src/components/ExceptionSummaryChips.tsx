import type { ExceptionKindCount, Kind } from "../bindings";
import { queueLabel, totals } from "../exceptions";
import { formatCount } from "../format";
import { formatMoney } from "../money";

interface Props {
  summary: readonly ExceptionKindCount[] | null;
  queue: string | null;
  selectedKind: Kind | null;
  onKindClick: (kind: Kind | null) => void;
}

/** Open and breached counts per kind; a click filters the list to that kind (again: all kinds). */
export function ExceptionSummaryChips({ summary, queue, selectedKind, onKindClick }: Props) {
  const all = totals(summary);
  const kinds = (summary ?? []).filter((k) => k.open > 0 || k.breached > 0 || k.kind === selectedKind);
  return (
    <aside className="panel exc-summary" aria-label="Exceptions by kind" data-testid="exception-summary">
      <header className="panel-title">
        <h2>{queue === null ? "All queues" : queueLabel(queue)}</h2>
      </header>
      <button
        type="button"
        className={`exc-chip${selectedKind === null ? " active" : ""}`}
        aria-pressed={selectedKind === null}
        data-testid="exc-chip-all"
        onClick={() => onKindClick(null)}
      >
        <span className="exc-chip-label">All kinds</span>
        <span className="exc-chip-counts">
          <span className="num" title="Open">{formatCount(all.open)}</span>
          {all.breached > 0 && (
            <span className="badge badge-danger" title="Past SLA">{formatCount(all.breached)} breached</span>
          )}
        </span>
      </button>
      {summary === null && <p className="muted pad">Loading…</p>}
      {summary !== null && kinds.length === 0 && <p className="muted pad">No open exceptions.</p>}
      {kinds.map((k) => {
        const active = k.kind === selectedKind;
        return (
          <button
            key={k.kind}
            type="button"
            className={`exc-chip${active ? " active" : ""}`}
            aria-pressed={active}
            data-testid="exc-chip"
            data-kind={k.kind}
            onClick={() => onKindClick(active ? null : k.kind)}
          >
            <span className="exc-chip-label truncate" title={k.label}>
              {k.label}
            </span>
            <span className="exc-chip-counts">
              <span className="num" title="Open" data-testid="exc-chip-open">
                {formatCount(k.open)}
              </span>
              {k.breached > 0 && (
                <span className="badge badge-danger" title="Past SLA" data-testid="exc-chip-breached">
                  {formatCount(k.breached)} breached
                </span>
              )}
            </span>
            {k.amounts.length > 0 && (
              <span className="exc-chip-amounts">
                {k.amounts.map((m) => (
                  <span key={m.currency} className="num">
                    {formatMoney(m)}
                  </span>
                ))}
              </span>
            )}
          </button>
        );
      })}
    </aside>
  );
}
