import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { unwrap } from "../api";
import { commands, type ExceptionDetail, type ExceptionKindCount, type ExceptionRow } from "../bindings";
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
import { usePagedList } from "./usePagedList";

export const PAGE_SIZE = 100;

export interface ExceptionList {
  rows: ExceptionRow[];
  total: number;
  /** `total` is a lower bound: a text search stops counting at 1,000. */
  totalCapped: boolean;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore: () => void;
}

const exceptionId = (row: ExceptionRow) => row.id;

/**
 * The exception queue for a filter, paged by cursor as the user scrolls. When
 * `version` moves (a sync landed, an action was sent) it reloads as many rows
 * as are loaded and swaps them in at once, so the list and selection stay put.
 */
export function useExceptionList(filter: ExceptionFilter, version: number, report: ReportError): ExceptionList {
  const list = usePagedList<ExceptionRow>({
    fetchPage: (after) => unwrap(commands.exceptionQueue(pageRequest(filter, after, PAGE_SIZE))),
    filterKey: JSON.stringify(filter),
    rowId: exceptionId,
    version,
    report,
    pageSize: PAGE_SIZE,
  });
  return { ...list, total: list.total ?? 0 };
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
