import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef } from "react";
import { unwrap } from "../api";
import {
  commands,
  type ApprovalRow,
  type PendingAction,
  type QueueFilter,
  type QueueSort,
} from "../bindings";
import type { ReportError } from "../errors";
import { initialQueueState, queueReducer, visibleRows } from "../queueState";

export const PAGE_SIZE = 100;

export interface Queue {
  rows: ApprovalRow[];
  total: number;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore: () => void;
  refresh: () => void;
  recordAction: (approvalId: string, action: PendingAction | null) => void;
}

/**
 * The approval queue for a filter and sort, loaded in pages of 100 as the
 * user scrolls, and reloaded (as far as it was loaded) when the mirror changes.
 */
export function useQueue(
  filter: QueueFilter,
  sort: QueueSort,
  mirrorVersion: number,
  report: ReportError,
): Queue {
  const [state, dispatch] = useReducer(queueReducer, initialQueueState);
  const latest = useRef(state);
  useLayoutEffect(() => {
    latest.current = state;
  });

  /** Last request id issued; responses are tagged with it. */
  const seq = useRef(0);
  /** Bumped when filter or sort change, so late answers for old ones are dropped. */
  const generation = useRef(0);
  const loadingMore = useRef(false);
  const refreshing = useRef(false);
  const refreshAgain = useRef(false);

  const fetchPage = useCallback(
    (after: string | null) =>
      unwrap(commands.approvalQueue({ filter, sort, after, limit: PAGE_SIZE })),
    [filter, sort],
  );

  // First page whenever filter or sort change.
  useEffect(() => {
    const gen = ++generation.current;
    const id = ++seq.current;
    loadingMore.current = false;
    dispatch({ type: "reset" });
    fetchPage(null).then(
      (page) => {
        if (gen === generation.current) dispatch({ type: "loaded", page, replace: true, seq: id });
      },
      (error: unknown) => {
        if (gen !== generation.current) return;
        dispatch({ type: "loadFailed" });
        report(error);
      },
    );
  }, [fetchPage, report]);

  const loadMore = useCallback(() => {
    const current = latest.current;
    const after = current.nextCursor;
    if (after === null || current.loading || loadingMore.current || refreshing.current) return;
    loadingMore.current = true;
    const gen = generation.current;
    const id = ++seq.current;
    dispatch({ type: "loadMoreStarted" });
    fetchPage(after)
      .then(
        (page) => {
          if (gen === generation.current) dispatch({ type: "loaded", page, replace: false, seq: id });
        },
        (error: unknown) => {
          if (gen !== generation.current) return;
          dispatch({ type: "loadFailed" });
          report(error);
        },
      )
      .finally(() => {
        if (gen === generation.current) loadingMore.current = false;
      });
  }, [fetchPage, report]);

  // Reloads as many rows as are loaded now, then swaps them in at once.
  const refresh = useCallback(() => {
    if (refreshing.current) {
      refreshAgain.current = true;
      return;
    }
    refreshing.current = true;
    const gen = generation.current;
    const run = async () => {
      do {
        refreshAgain.current = false;
        const id = ++seq.current;
        const want = Math.max(PAGE_SIZE, latest.current.rows.length);
        const rows: ApprovalRow[] = [];
        const seen = new Set<string>();
        let cursor: string | null = null;
        let total = 0;
        do {
          const page = await fetchPage(cursor);
          if (gen !== generation.current) return;
          for (const row of page.rows) {
            if (!seen.has(row.approvalId)) {
              seen.add(row.approvalId);
              rows.push(row);
            }
          }
          cursor = page.nextCursor;
          total = page.total;
        } while (cursor !== null && rows.length < want);
        dispatch({ type: "loaded", page: { rows, nextCursor: cursor, total }, replace: true, seq: id });
      } while (refreshAgain.current);
    };
    run()
      .catch((error: unknown) => {
        if (gen === generation.current) report(error);
      })
      .finally(() => {
        refreshing.current = false;
      });
  }, [fetchPage, report]);

  const seenVersion = useRef(mirrorVersion);
  useEffect(() => {
    if (seenVersion.current === mirrorVersion) return;
    seenVersion.current = mirrorVersion;
    refresh();
  }, [mirrorVersion, refresh]);

  const recordAction = useCallback((approvalId: string, action: PendingAction | null) => {
    dispatch({ type: "actionRecorded", approvalId, action, atSeq: seq.current });
  }, []);

  const rows = useMemo(() => visibleRows(state), [state]);

  return {
    rows,
    total: state.total,
    loading: state.loading,
    loadingMore: state.loadingMore,
    hasMore: state.nextCursor !== null,
    loadMore,
    refresh,
    recordAction,
  };
}
