import { useCallback, useEffect, useRef, useState } from "react";
import { unwrap } from "../api";
import { commands, type SyncStatus } from "../bindings";
import type { ReportError } from "../errors";

export const SYNC_POLL_MS = 5000;

export function useSyncStatus(mirrorVersion: number, report: ReportError) {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [syncing, setSyncing] = useState(false);
  const inFlight = useRef(false);

  const poll = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    unwrap(commands.syncStatus())
      .then(setStatus, report)
      .finally(() => {
        inFlight.current = false;
      });
  }, [report]);

  useEffect(() => {
    poll();
    const timer = window.setInterval(poll, SYNC_POLL_MS);
    return () => window.clearInterval(timer);
  }, [poll, mirrorVersion]);

  const syncNow = useCallback(() => {
    setSyncing(true);
    unwrap(commands.syncNow())
      .then(setStatus, report)
      .finally(() => setSyncing(false));
  }, [report]);

  return { status, syncing, syncNow };
}
