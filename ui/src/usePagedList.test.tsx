// @vitest-environment happy-dom
import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { appendUnique, usePagedList, type KeysetPage } from "./hooks/usePagedList";

interface Row {
  id: string;
}

const rowId = (r: Row) => r.id;

/** A backend of `n` rows per filter, answered in pages of `size` with the offset as cursor. */
function pager(n: number, size: number) {
  const asked: { filter: string; after: string | null }[] = [];
  const pending: (() => void)[] = [];
  let hold = false;
  const fetchFor = (filter: string) => async (after: string | null): Promise<KeysetPage<Row>> => {
    asked.push({ filter, after });
    if (hold) await new Promise<void>((resolve) => pending.push(resolve));
    const start = after === null ? 0 : Number.parseInt(after, 10);
    const end = Math.min(n, start + size);
    const rows = Array.from({ length: end - start }, (_, i) => ({ id: `${filter}-${start + i}` }));
    return { rows, nextCursor: end < n ? String(end) : null, total: n };
  };
  return {
    asked,
    fetchFor,
    holdAnswers: (on: boolean) => {
      hold = on;
    },
    releaseAll: () => pending.splice(0).forEach((resolve) => resolve()),
  };
}

const reportSpy = vi.fn();

interface ListProps {
  filter: string;
  version: number;
  fetchFor: (filter: string) => (after: string | null) => Promise<KeysetPage<Row>>;
}

function useList(props: ListProps) {
  return usePagedList<Row>({
    fetchPage: props.fetchFor(props.filter),
    filterKey: props.filter,
    rowId,
    version: props.version,
    report: reportSpy,
    pageSize: 10,
  });
}

describe("usePagedList", () => {
  it("loads the first page, then the next ones on loadMore, and stops after the last", async () => {
    const backend = pager(25, 10);
    const { result } = renderHook(useList, {
      initialProps: { filter: "a", version: 0, fetchFor: backend.fetchFor },
    });
    await waitFor(() => expect(result.current.rows).toHaveLength(10));
    expect(result.current).toMatchObject({ total: 25, hasMore: true, loading: false });
    act(() => result.current.loadMore());
    act(() => result.current.loadMore()); // one page at a time
    await waitFor(() => expect(result.current.rows).toHaveLength(20));
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.rows).toHaveLength(25));
    expect(result.current.hasMore).toBe(false);
    act(() => result.current.loadMore());
    expect(backend.asked.map((a) => a.after)).toEqual([null, "10", "20"]);
  });

  it("reloads as many rows as are loaded when the version moves, keeping them shown meanwhile", async () => {
    const backend = pager(25, 10);
    const { result, rerender } = renderHook(useList, {
      initialProps: { filter: "a", version: 0, fetchFor: backend.fetchFor },
    });
    await waitFor(() => expect(result.current.rows).toHaveLength(10));
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.rows).toHaveLength(20));
    backend.asked.length = 0;

    backend.holdAnswers(true);
    rerender({ filter: "a", version: 1, fetchFor: backend.fetchFor });
    expect(result.current.rows).toHaveLength(20);
    expect(result.current.loading).toBe(false);
    backend.holdAnswers(false);
    await act(async () => {
      backend.releaseAll();
      await Promise.resolve();
    });
    await waitFor(() => expect(backend.asked.map((a) => a.after)).toEqual([null, "10"]));
    await waitFor(() => expect(result.current.rows).toHaveLength(20));
    expect(result.current.hasMore).toBe(true);
  });

  it("starts over under a new filter and drops the late answers of the old one", async () => {
    const backend = pager(25, 10);
    const { result, rerender } = renderHook(useList, {
      initialProps: { filter: "a", version: 0, fetchFor: backend.fetchFor },
    });
    await waitFor(() => expect(result.current.rows).toHaveLength(10));
    backend.holdAnswers(true);
    act(() => result.current.loadMore());
    expect(result.current.loadingMore).toBe(true);

    backend.holdAnswers(false);
    rerender({ filter: "b", version: 0, fetchFor: backend.fetchFor });
    await waitFor(() => expect(result.current.rows.map((r) => r.id)[0]).toBe("b-0"));
    // The page of "a" that was out arrives now: it must not be appended to "b".
    await act(async () => {
      backend.releaseAll();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(result.current.rows).toHaveLength(10);
    expect(result.current.rows.every((r) => r.id.startsWith("b-"))).toBe(true);
    expect(result.current.loadingMore).toBe(false);
  });

  it("shows a row repeated by a later page once", () => {
    const existing = [{ id: "1" }, { id: "2" }];
    expect(appendUnique(existing, [{ id: "2" }, { id: "3" }, { id: "3" }], rowId).map(rowId)).toEqual(["1", "2", "3"]);
  });
});
