import type { SyncRunView } from "../bindings";
import { formatBytes, formatCount, formatDuration } from "../format";
import { runTone } from "../health";
import { formatClock, formatRelative, formatTimestamp } from "../time";

interface Props {
  runs: SyncRunView[] | null;
  now: number;
}

/** The connection's recent sync runs, newest first. */
export function RunsTable({ runs, now }: Props) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="runs-table">
        <thead>
          <tr>
            <th>Started</th>
            <th className="right">Duration</th>
            <th>Status</th>
            <th className="right">Records</th>
            <th className="right">Bytes</th>
            <th className="right">Malformed</th>
            <th className="wide">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs === null && (
            <tr>
              <td colSpan={7} className="muted center">
                Loading runs…
              </td>
            </tr>
          )}
          {runs?.length === 0 && (
            <tr>
              <td colSpan={7} className="muted center">
                No sync runs yet.
              </td>
            </tr>
          )}
          {runs?.map((run) => (
            <tr key={run.id} data-testid="run-row" data-status={run.status}>
              <td className="num" title={formatTimestamp(run.startedAt)}>
                {formatClock(run.startedAt)}
                <span className="muted"> · {formatRelative(run.startedAt, now)}</span>
              </td>
              <td className="num right">{run.durationMs === null ? "—" : formatDuration(run.durationMs)}</td>
              <td>
                <span className={`badge badge-tone-${runTone(run.status)}`}>{run.status}</span>
              </td>
              <td className="num right">{formatCount(run.records)}</td>
              <td className="num right">{formatBytes(run.bytes)}</td>
              <td className={`num right${run.malformed > 0 ? " tone-warn" : " muted"}`}>
                {formatCount(run.malformed)}
              </td>
              <td className="wide">
                {run.error ? (
                  <span className="error clamp" title={run.error}>
                    {run.error}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
