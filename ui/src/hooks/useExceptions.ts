import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { unwrap } from "../api";
import { commands, type ExceptionDetail, type ExceptionKindCount, type ExceptionPage, type ExceptionRow } from "../bindings";
import type { ReportError } from "../errors";
import {
  breachIncrease,
  exceptionCommandForKey,
  pageRequest,
  readLastVisit,
  writeLastVisit,
  type ExceptionFilter,
  type ExceptionKeyCommand,
} from "../exceptions";

export const PAGE_SIZE = 100;

export interface ExceptionList {
  rows: ExceptionRow[];
  total: number;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore: () => void;
}

interface ListState {
  rows: ExceptionRow[];
  total: number;
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
}

const EMPTY: ListState = { rows: [], total: 0, nextCursor: null, loading: true, loadingMore: false };

function appendUnique(existing: ExceptionRow[], incoming: ExceptionRow[]): ExceptionRow[] {
  const seen = new Set(existing.map((r) => r.id));
  return [...existing, ...incoming.filter((r) => !seen.has(r.id))];
}

/**
 * The exception queue for a filter, paged by cursor as the user scrolls. When
 * `version` moves (a sync landed, an action was sent) it reloads as many rows
 * as are loaded and swaps them in at once, so the list and selection stay put.
 */
export function useExceptionList(filter: ExceptionFilter, version: number, report: ReportError): ExceptionList {
  const [state, setState] = useState<ListState>(EMPTY);
  const latest = useRef(state);
  useLayoutEffect(() => {
    latest.current = state;
  });
  /** Bumped on every new filter or reload: answers to older requests are dropped. */
  const generation = useRef(0);
  const moreInFlight = useRef(false);

  /** The filter the shown rows belong to (callers keep `filter` stable while it is unchanged). */
  const shownFilter = useRef<ExceptionFilter | null>(null);

  useEffect(() => {
    const gen = ++generation.current;
    moreInFlight.current = false;
    const sameFilter = shownFilter.current === filter;
    shownFilter.current = filter;
    // A live reload keeps what is shown (and how far it was scrolled); a new filter starts over.
    const want = sameFilter ? Math.max(PAGE_SIZE, latest.current.rows.length) : PAGE_SIZE;
    if (!sameFilter) setState(EMPTY);
    const run = async () => {
      let rows: ExceptionRow[] = [];
      let cursor: string | null = null;
      let total = 0;
      do {
        const page: ExceptionPage = await unwrap(commands.exceptionQueue(pageRequest(filter, cursor, PAGE_SIZE)));
        if (gen !== generation.current) return;
        rows = appendUnique(rows, page.rows);
        cursor = page.nextCursor;
        total = page.total;
      } while (cursor !== null && rows.length < want);
      setState({ rows, total, nextCursor: cursor, loading: false, loadingMore: false });
    };
    run().catch((error: unknown) => {
      if (gen !== generation.current) return;
      setState((s) => ({ ...s, loading: false, loadingMore: false }));
      report(error);
    });
  }, [filter, version, report]);

  const loadMore = useCallback(() => {
    const current = latest.current;
    const after = current.nextCursor;
    if (after === null || current.loading || moreInFlight.current) return;
    moreInFlight.current = true;
    const gen = generation.current;
    setState((s) => ({ ...s, loadingMore: true }));
    unwrap(commands.exceptionQueue(pageRequest(filter, after, PAGE_SIZE)))
      .then(
        (page) => {
          if (gen !== generation.current) return;
          setState((s) => ({
            rows: appendUnique(s.rows, page.rows),
            total: page.total,
            nextCursor: page.nextCursor,
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
  }, [filter, report]);

  return {
    rows: state.rows,
    total: state.total,
    loading: state.loading,
    loadingMore: state.loadingMore,
    hasMore: state.nextCursor !== null,
    loadMore,
  };
}

/**
 * Counts per kind for a queue (null = all queues), re-read whenever `refreshKey`
 * changes; `enabled` false skips the call. Counts of another queue are never
 * returned while the new one loads.
 */
export function useExceptionSummary(
  queue: string | null,
  refreshKey: string | number,
  report: ReportError,
  enabled = true,
): ExceptionKindCount[] | null {
  const [loaded, setLoaded] = useState<{ queue: string | null; counts: ExceptionKindCount[] } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    unwrap(commands.exceptionSummary(queue)).then(
      (counts) => {
        if (current) setLoaded({ queue, counts });
      },
      (error: unknown) => {
        if (current) report(error);
      },
    );
    return () => {
      current = false;
    };
  }, [queue, refreshKey, report, enabled]);
  return enabled && loaded !== null && loaded.queue === queue ? loaded.counts : null;
}

/** The detail of one exception, reloaded when `version` moves; null id = closed. */
export function useExceptionDetail(
  id: string | null,
  version: number,
  report: ReportError,
): { detail: ExceptionDetail | null; loading: boolean } {
  const [loaded, setLoaded] = useState<ExceptionDetail | null>(null);
  useEffect(() => {
    if (id === null) return;
    let current = true;
    unwrap(commands.exceptionDetail(id)).then(
      (d) => {
        if (current) setLoaded(d);
      },
      (error: unknown) => {
        if (current) report(error);
      },
    );
    return () => {
      current = false;
    };
  }, [id, version, report]);
  // An older exception's detail is never shown under a newer selection.
  const detail = loaded !== null && loaded.row.id === id ? loaded : null;
  return { detail, loading: id !== null && detail === null };
}

/** The screen's single-key shortcuts; off while a dialog of ours or anyone's is open. */
export function useExceptionKeys(onCommand: (command: ExceptionKeyCommand) => void, enabled: boolean) {
  const handler = useRef(onCommand);
  useLayoutEffect(() => {
    handler.current = onCommand;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector('[aria-modal="true"]')) return;
      const command = exceptionCommandForKey(event);
      if (command === null) return;
      event.preventDefault();
      handler.current(command);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * When this person last opened the screen, read once per visit; this visit is
 * recorded as the new "last" straight away, so the marker survives a crash.
 */
export function useLastVisit(userId: string): string | null {
  const [previous] = useState(() => readLastVisit(storage(), userId));
  useEffect(() => {
    writeLastVisit(storage(), userId, new Date().toISOString());
  }, [userId]);
  return previous;
}

/** Asked at most once per app run: a refusal is the person's answer, not something to nag about. */
let permissionAsked = false;

function notificationApi(): typeof Notification | null {
  return typeof window !== "undefined" && "Notification" in window ? window.Notification : null;
}

/**
 * A desktop notification when the number of breached exceptions in the
 * person's queue goes up (the screen is open all day behind other windows).
 */
export function useBreachNotification(breached: number | null, describe: (increase: number) => string) {
  const previous = useRef<number | null>(null);

  useEffect(() => {
    const api = notificationApi();
    if (!api || permissionAsked || api.permission !== "default") return;
    permissionAsked = true;
    try {
      void Promise.resolve(api.requestPermission()).catch(() => undefined);
    } catch {
      // Older engines only take a callback; no notifications there is acceptable.
    }
  }, []);

  useEffect(() => {
    const increase = breachIncrease(previous.current, breached);
    if (breached !== null) previous.current = breached;
    const api = notificationApi();
    if (increase === 0 || !api || api.permission !== "granted") return;
    try {
      new api("Exceptions past SLA", { body: describe(increase), tag: "ctower-exceptions-breached" });
    } catch {
      // Some webviews expose the constructor but refuse it; the screen still shows the count.
    }
  }, [breached, describe]);
}
