import { useCallback, useEffect, useRef, useState } from "react";
import { unwrap } from "../api";
import {
  commands,
  type BankItem,
  type LedgerItem,
  type LinePage,
  type LineRow,
  type ReconLinesFilter,
  type ReconLinesRequest,
} from "../bindings";
import type { ReportError } from "../errors";

export const LINES_PAGE_SIZE = 200;

export type LineKind = "bank" | "ledger";
export type ItemOf<K extends LineKind> = K extends "bank" ? BankItem : LedgerItem;

export interface LinesState<T> {
  rows: LineRow<T>[];
  total: number;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  loadMore: () => void;
}

function fetchPage(kind: LineKind, req: ReconLinesRequest): Promise<LinePage<BankItem> | LinePage<LedgerItem>> {
  return kind === "bank" ? unwrap(commands.reconBankLines(req)) : unwrap(commands.reconLedgerEntries(req));
}

/**
 * One side of the matching view: booked bank lines or ledger entries of an
 * account and period, paged by keyset (`after`). Reloads from the top when the
 * filter or `version` changes (mirror changed, own action).
 */
export function useReconLines<K extends LineKind>(
  kind: K,
  filter: ReconLinesFilter | null,
  version: number,
  report: ReportError,
): LinesState<ItemOf<K>> {
  const [rows, setRows] = useState<LineRow<ItemOf<K>>[]>([]);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  /** Which filter and version the rows on screen belong to. */
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const request = useRef(0);
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    if (filter === null) return;
    const id = ++request.current;
    const key = `${filterKey}|${version}`;
    // A reload keeps what is on screen until the first page replaces it.
    fetchPage(kind, {
      filter,
      sort: { key: "bookingDate", dir: "asc" },
      after: null,
      limit: LINES_PAGE_SIZE,
    })
      .then((page) => {
        if (id !== request.current) return;
        setRows(page.rows as LineRow<ItemOf<K>>[]);
        setTotal(page.total);
        setCursor(page.nextCursor);
      }, report)
      .finally(() => {
        if (id === request.current) setLoadedFor(key);
      });
    // filterKey stands for filter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, filterKey, version, report]);

  const loadMore = useCallback(() => {
    if (filter === null || cursor === null || loadingMore) return;
    const id = request.current;
    setLoadingMore(true);
    fetchPage(kind, { filter, sort: { key: "bookingDate", dir: "asc" }, after: cursor, limit: LINES_PAGE_SIZE })
      .then((page) => {
        if (id !== request.current) return;
        setRows((prev) => [...prev, ...(page.rows as LineRow<ItemOf<K>>[])]);
        setTotal(page.total);
        setCursor(page.nextCursor);
      }, report)
      .finally(() => setLoadingMore(false));
    // filterKey stands for filter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, filterKey, cursor, loadingMore, report]);

  const loading = filter !== null && loadedFor !== `${filterKey}|${version}`;
  return { rows, total, loading, loadingMore, hasMore: cursor !== null, loadMore };
}
