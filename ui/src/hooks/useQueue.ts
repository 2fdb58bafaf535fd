import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef } from "react";
import { unwrap } from "../api";
import { isBucket } from "../aging";
import {
  commands,
  type AgingBucket,
  type ApprovalRow,
  type PendingAction,
  type QueueFilter,
  type QueuePage,
  type QueueSort,
  type SortKey,
} from "../bindings";
import type { ReportError } from "../errors";
import { initialQueueState, queueReducer, visibleRows } from "../queueState";
import type { ViewSort } from "../tableViews";

export const PAGE_SIZE = 100;
/** The backend answers at most this many rows per page. */
export const MAX_PAGE = 500;

/** One keyset page of the queue: what the list scrolls through and what an export walks to the end. */
export function fetchQueuePage(
  filter: QueueFilter,
  sort: QueueSort,
  after: string | null,
  limit: number,
): Promise<QueuePage> {
  return unwrap(
    commands.approvalQueue({ filter, sort, after, limit: Math.min(Math.max(1, limit), MAX_PAGE) }),
  );
}

// ----- saved views -----

/** The queue's filters as a saved view keeps them (search as typed, not debounced). */
export interface QueueViewFilters {
  entity: string | null;
  bucket: AgingBucket | null;
  search: string;
}

const SORT_KEYS: readonly SortKey[] = ["dueDate", "amount", "age", "supplier", "invoiceNumber"];

/** Stored view filters checked again (storage outlives versions and can be edited by hand); null = unusable. */
export function parseQueueViewFilters(raw: unknown): QueueViewFilters | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { entity, bucket, search } = raw as Record<string, unknown>;
  if (entity !== null && typeof entity !== "string") return null;
  if (bucket !== null && !(typeof bucket === "string" && isBucket(bucket))) return null;
  if (typeof search !== "string") return null;
  return { entity, bucket, search };
}

export function viewSortOf(sort: QueueSort): ViewSort {
  return { key: sort.key, descending: sort.dir === "desc" };
}

/** A stored view's sort as the backend's, or null if the key is not one of the queue's. */
export function queueSortOf(sort: ViewSort | null): QueueSort | null {
  const key = SORT_KEYS.find((k) => k === sort?.key);
  return sort === null || key === undefined ? null : { key, dir: sort.descending ? "desc" : "asc" };
}

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
    (after: string | null) => fetchQueuePage(filter, sort, after, PAGE_SIZE),
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
