import type { SyncStatus } from "../bindings";
import { plural } from "../format";
import { useNow } from "../hooks/useNow";
import { formatRelative, formatTimestamp } from "../time";

interface Props {
  status: SyncStatus | null;
  syncing: boolean;
  onSyncNow: () => void;
}

export function StatusBar({ status, syncing, onSyncNow }: Props) {
  const now = useNow(1000);

  return (
    <footer className="status-bar" data-testid="status-bar">
      {status === null ? (
        <span className="muted">Connecting…</span>
      ) : (
        <>
          <span className={`status-dot ${status.lastSyncOk ? "ok" : "error"}`} aria-hidden="true" />
          <span className="status-item connection-name">{status.connectionName}</span>
          <span className="status-item muted" data-testid="connection-endpoint">
            {status.endpoint}
          </span>
          <span className="status-sep" />
          {!status.lastSyncOk && status.lastError ? (
            <span className="status-item error truncate" data-testid="sync-error" title={status.lastError}>
              Sync failed: {status.lastError}
            </span>
          ) : (
            <span
              className="status-item"
              data-testid="last-sync"
              title={status.lastSyncAt ? formatTimestamp(status.lastSyncAt) : undefined}
            >
              {status.lastSyncAt ? `synced ${formatRelative(status.lastSyncAt, now)}` : "never synced"}
              {status.lastSyncAt && ` · ${plural(status.recordsLastRun, "record", "records")}`}
            </span>
          )}
          <span className="status-sep" />
          <span className="status-item" data-testid="pending-actions">
            {plural(status.pendingActions, "pending action", "pending actions")}
          </span>
          <span
            className={`status-item${status.failedActions > 0 ? " error" : " muted"}`}
            data-testid="failed-actions"
          >
            {plural(status.failedActions, "failed action", "failed actions")}
          </span>
          {status.malformedRecords > 0 && (
            <span className="status-item warning" data-testid="malformed-records">
              {plural(status.malformedRecords, "malformed record", "malformed records")}
            </span>
          )}
        </>
      )}
      <span className="spacer" />
      <button
        type="button"
        className="button small"
        data-testid="sync-now"
        disabled={syncing}
        onClick={onSyncNow}
      >
        {syncing ? "Syncing…" : "Sync now"}
      </button>
    </footer>
  );
}
