import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { ReportError } from "../errors";
import type { Page } from "../tableExport";

/** Rows a fresh list starts with, and the least a reload fetches again. */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * A keyset page as the backend answers it; `total` when the query also counts its matches,
 * `totalCapped` when it stopped counting (the total is a lower bound).
 */
export type KeysetPage<Row> = Page<Row> & { total?: number; totalCapped?: boolean };

export interface PagedListOptions<Row> {
  /**
   * One page after the cursor (null: the first). Read when a page is fetched, so it need not
   * be memoized, but it must ask for what `filterKey` names.
   */
  fetchPage: (after: string | null) => Promise<KeysetPage<Row>>;
  /** Names the query (filter, search, sort…): a new key starts the list over. */
  filterKey: string;
  /** A row's identity: a row repeated by a later page (the data moved under the cursor) is shown once. */
  rowId: (row: Row) => string;
  /** Moves when the data may have changed (a sync landed, an action was sent): reload in place. */
  version: number;
  report: ReportError;
  /** A new query loads at least this many rows (whole pages); a reload at least this many. */
  pageSize?: number;
}

export interface PagedList<Row> {
  rows: Row[];
  /** The latest page's count of all matches; null while none arrived or when pages do not count. */
  total: number | null;
  /** `total` is only a lower bound ("1,000+"). */
  totalCapped: boolean;
  /** The first rows of this query are on their way (nothing of it is shown yet). */
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  /** Asks for the next page; ignored while a load is out or after the last page. */
  loadMore: () => void;
}

interface ListState<Row> {
  rows: Row[];
  total: number | null;
  totalCapped: boolean;
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
}

function emptyState<Row>(): ListState<Row> {
  return { rows: [], total: null, totalCapped: false, nextCursor: null, loading: true, loadingMore: false };
}

export function appendUnique<Row>(existing: Row[], incoming: readonly Row[], rowId: (row: Row) => string): Row[] {
  const seen = new Set(existing.map(rowId));
  const added: Row[] = [];
  for (const row of incoming) {
    const id = rowId(row);
    if (seen.has(id)) continue;
    seen.add(id);
    added.push(row);
  }
  return added.length === 0 ? existing : [...existing, ...added];
}

/**
 * A keyset-paged list, loaded a page at a time as the user scrolls (`loadMore`). A new
 * `filterKey` starts over from the first page; a new `version` reloads as many rows as are
 * loaded and swaps them in at once, so the list, its scroll position and the selection stay
 * put. Answers to requests older than the latest filter or reload are dropped.
 */
export function usePagedList<Row>(options: PagedListOptions<Row>): PagedList<Row> {
  const { filterKey, version, report } = options;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;

  const [state, setState] = useState<ListState<Row>>(emptyState);
  const latest = useRef(state);
  const opts = useRef(options);
  useLayoutEffect(() => {
    latest.current = state;
    opts.current = options;
  });
  /** Bumped on every new filter or reload: answers to older requests are dropped. */
  const generation = useRef(0);
  const moreInFlight = useRef(false);
  /** The filter the shown rows belong to. */
  const shownKey = useRef<string | null>(null);

  useEffect(() => {
    const gen = ++generation.current;
    moreInFlight.current = false;
    const sameFilter = shownKey.current === filterKey;
    shownKey.current = filterKey;
    // A live reload keeps what is shown (and how far it was scrolled); a new filter starts over.
    const want = sameFilter ? Math.max(pageSize, latest.current.rows.length) : pageSize;
    if (!sameFilter) setState(emptyState());
    const { fetchPage, rowId } = opts.current;
    const run = async () => {
      let rows: Row[] = [];
      let cursor: string | null = null;
      let total: number | null = null;
      let totalCapped = false;
      do {
        const page: KeysetPage<Row> = await fetchPage(cursor);
        if (gen !== generation.current) return;
        rows = appendUnique(rows, page.rows, rowId);
        // A cursor that does not move would loop for ever.
        cursor = page.nextCursor === cursor ? null : page.nextCursor;
        total = page.total ?? null;
        totalCapped = page.totalCapped ?? false;
      } while (cursor !== null && rows.length < want);
      setState({ rows, total, totalCapped, nextCursor: cursor, loading: false, loadingMore: false });
    };
    run().catch((error: unknown) => {
      if (gen !== generation.current) return;
      setState((s) => ({ ...s, loading: false, loadingMore: false }));
      report(error);
    });
  }, [filterKey, version, report, pageSize]);

  const loadMore = useCallback(() => {
    const current = latest.current;
    const after = current.nextCursor;
    if (after === null || current.loading || moreInFlight.current) return;
    moreInFlight.current = true;
    const gen = generation.current;
    const { fetchPage, rowId } = opts.current;
    setState((s) => ({ ...s, loadingMore: true }));
    fetchPage(after)
      .then(
        (page) => {
          if (gen !== generation.current) return;
          setState((s) => ({
            rows: appendUnique(s.rows, page.rows, rowId),
            total: page.total ?? null,
            totalCapped: page.totalCapped ?? false,
            nextCursor: page.nextCursor === after ? null : page.nextCursor,
            loading: false,
            loadingMore: false,
          }));
        },
        (error: unknown) => {
          if (gen !== generation.current) return;
          setState((s) => ({ ...s, loadingMore: false }));
          report(error);
        },
      )
      .finally(() => {
        if (gen === generation.current) moreInFlight.current = false;
      });
  }, [report]);

  return {
    rows: state.rows,
    total: state.total,
    totalCapped: state.totalCapped,
    loading: state.loading,
    loadingMore: state.loadingMore,
    hasMore: state.nextCursor !== null,
    loadMore,
  };
}
