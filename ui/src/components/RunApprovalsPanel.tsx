import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage, unwrap } from "../api";
import { canApproveRun, runPendingLabel, userName } from "../approvals";
import { commands, type RunApproval, type User } from "../bindings";
import { useNotify, useReportError, type ReportError } from "../errors";
import { formatMoney } from "../money";
import { calendarDate } from "../time";
import { LockIcon } from "./icons";

interface RunsState {
  runs: RunApproval[] | null;
  /** Runs approved from here, with the request id current then: shown as queued until a later load. */
  approved: Readonly<Record<string, number>>;
}

/** Draft payment runs for the signed-in user, reloaded whenever the mirror changes. */
function useRunsToApprove(mirrorVersion: number, report: ReportError) {
  const [state, setState] = useState<RunsState>({ runs: null, approved: {} });
  const seq = useRef(0);

  const load = useCallback(() => {
    const id = ++seq.current;
    unwrap(commands.runsToApprove()).then(
      (runs) => {
        // An older answer must not replace a newer one (or a just-made approval).
        if (id !== seq.current) return;
        setState((s) => ({
          runs,
          approved: Object.fromEntries(Object.entries(s.approved).filter(([, at]) => at >= id)),
        }));
      },
      (error: unknown) => {
        if (id === seq.current) report(error);
      },
    );
  }, [report]);

  useEffect(load, [load, mirrorVersion]);

  const markApproved = useCallback((runId: string) => {
    setState((s) => ({ ...s, approved: { ...s.approved, [runId]: seq.current } }));
  }, []);

  return { ...state, load, markApproved };
}

interface Props {
  mirrorVersion: number;
  users: User[];
}

/**
 * "Payment runs awaiting approval": each draft run with every reason the signed-in user may
 * not approve it, as the backend computed them, so the Approve button is only offered when
 * the backend would accept (it checks again all the same).
 */
export function RunApprovalsPanel({ mirrorVersion, users }: Props) {
  const report = useReportError();
  const notify = useNotify();
  const { runs, approved, load, markApproved } = useRunsToApprove(mirrorVersion, report);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});

  const approve = (run: RunApproval) => {
    if (busy.has(run.id)) return;
    setBusy((b) => new Set(b).add(run.id));
    setErrors(({ [run.id]: _dropped, ...rest }) => rest);
    unwrap(commands.approvePaymentRun(run.id))
      .then(
        () => {
          markApproved(run.id);
          notify({ tone: "ok", title: `Payment run ${run.id} approval queued` });
          load();
        },
        // The backend's refusal (e.g. a control that changed since the list was loaded) stays by the run.
        (error: unknown) => setErrors((e) => ({ ...e, [run.id]: errorMessage(error) })),
      )
      .finally(() =>
        setBusy((b) => {
          const next = new Set(b);
          next.delete(run.id);
          return next;
        }),
      );
  };

  const count = runs?.length ?? 0;
  return (
    <section className="panel table-panel run-approvals-panel" aria-label="Payment runs awaiting approval">
      <header className="panel-title">
        <h2>Payment runs awaiting approval</h2>
        <span className="muted" data-testid="run-approvals-count">
          {runs === null ? "loading…" : count === 0 ? "none" : `${count} draft run${count === 1 ? "" : "s"}`}
        </span>
      </header>
      {count > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="run-approvals" aria-label="Draft payment runs">
            <thead>
              <tr>
                <th>Run</th>
                <th>Entity</th>
                <th>Value date</th>
                <th>Prepared by</th>
                <th className="right">Payments</th>
                <th className="right">Total</th>
                <th className="wide">Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs?.map((run) => {
                const pending = approved[run.id] !== undefined ? "queued" : run.pending;
                const shown = { ...run, pending };
                const allowed = canApproveRun(shown) && !busy.has(run.id);
                const pendingLabel = runPendingLabel(pending);
                const error = errors[run.id];
                return (
                  <tr key={run.id} data-testid="run-approval" data-run-id={run.id}>
                    <td className="mono">{run.id}</td>
                    <td>{run.entity}</td>
                    <td className="num">{calendarDate(run.valueDate)}</td>
                    <td>{userName(users, run.createdBy)}</td>
                    <td className="num right">{run.instructions}</td>
                    <td className="num right">{formatMoney(run.total)}</td>
                    <td className="wide">
                      {pendingLabel !== null && (
                        <span
                          className={`badge ${pending === "refused" ? "badge-danger" : "badge-info"}`}
                          data-testid="run-pending"
                        >
                          {pendingLabel}
                        </span>
                      )}
                      {run.refusals.length > 0 && (
                        <ul className="run-refusals" aria-label="Why you cannot approve this run">
                          {run.refusals.map((why) => (
                            <li key={why} data-testid="run-refusal">
                              <LockIcon />
                              <span>{why}</span>
                            </li>
                          ))}
                        </ul>
                      )}
                      {error !== undefined && (
                        <p className="field-error" role="alert" data-testid="run-error">
                          {error}
                        </p>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button primary small"
                        data-testid="run-approve"
                        disabled={!allowed}
                        title={run.refusals[0] ?? pendingLabel ?? `Approve payment run ${run.id}`}
                        onClick={() => approve(run)}
                      >
                        {busy.has(run.id) ? "Approving…" : "Approve"}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
