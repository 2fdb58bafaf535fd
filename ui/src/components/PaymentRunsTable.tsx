import { useEffect, useRef } from "react";
import type { PaymentRunRow } from "../bindings";
import { formatCount } from "../format";
import { formatMoney } from "../money";

interface Props {
  runs: PaymentRunRow[];
  loading: boolean;
  selectedId: string | null;
  /** Selecting a run filters the instructions to it; selecting it again clears that. */
  onSelect: (runId: string | null) => void;
  /** Shows the run's instructions (Enter, double-click, or the count). */
  onOpen: (runId: string) => void;
}

/** Payment runs, newest value date first (a handful per day: no virtualization needed). */
export function PaymentRunsTable({ runs, loading, selectedId, onSelect, onOpen }: Props) {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    if (selectedId === null) return;
    const rows = bodyRef.current?.querySelectorAll<HTMLElement>("tr[data-run-id]") ?? [];
    const row = [...rows].find((r) => r.dataset.runId === selectedId);
    // Optional call: not every DOM (the tests' happy-dom) implements scrollIntoView.
    row?.scrollIntoView?.({ block: "nearest" });
  }, [selectedId]);

  return (
    <section className="panel table-panel pay-runs" aria-label="Payment runs">
      <div className="table-scroll">
        <table className="data-table" data-testid="runs-table" aria-label="Payment runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Entity</th>
              <th>Account</th>
              <th>Value date</th>
              <th>Status</th>
              <th>Created by</th>
              <th className="right">Total</th>
              <th className="right">Instructions</th>
              <th className="right">Settled</th>
              <th className="right">Rejected</th>
              <th className="right">In flight</th>
            </tr>
          </thead>
          <tbody ref={bodyRef}>
            {runs.map((run) => {
              const selected = run.id === selectedId;
              return (
                <tr
                  key={run.id}
                  aria-selected={selected}
                  className={`pay-run-row${selected ? " selected" : ""}`}
                  data-testid="run-row"
                  data-run-id={run.id}
                  onClick={() => onSelect(selected ? null : run.id)}
                  onDoubleClick={() => onOpen(run.id)}
                >
                  <td className="mono">{run.id}</td>
                  <td className="entity-code">{run.entity}</td>
                  <td className="mono">{run.accountId}</td>
                  <td className="num">{run.valueDate}</td>
                  <td>
                    <span className="chip">{run.status}</span>
                  </td>
                  <td>{run.createdBy}</td>
                  <td className="right num">{formatMoney(run.total)}</td>
                  <td className="right">
                    <button
                      type="button"
                      className="link-button num"
                      title="Show this run's instructions"
                      data-testid="run-open"
                      onClick={(e) => {
                        e.stopPropagation();
                        onOpen(run.id);
                      }}
                    >
                      {formatCount(run.instructions)}
                    </button>
                  </td>
                  <td className="right num tone-ok">{formatCount(run.settled)}</td>
                  <td className={`right num${run.rejected > 0 ? " tone-error strong" : " muted"}`}>
                    {formatCount(run.rejected)}
                  </td>
                  <td className="right num">{formatCount(run.inFlight)}</td>
                </tr>
              );
            })}
            {runs.length === 0 && (
              <tr>
                <td colSpan={11} className="center muted">
                  {loading ? "Loading payment runs…" : "No payment runs in the mirror yet."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
