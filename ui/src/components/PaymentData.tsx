import { useEffect, useState } from "react";
import type { ReportError } from "../errors";

export interface Fetched<T> {
  /** The last answer; kept while a reload is out so nothing flickers and selections survive. */
  data: T | null;
  /** The answer on screen is not (yet) for the current inputs and version. */
  loading: boolean;
  /** The last load failed (already reported through report). */
  failed: boolean;
}

interface Loaded<T> {
  data: T | null;
  failed: boolean;
  /** Which fetcher and version `data` answers, to derive `loading` without an extra render. */
  fetcher: unknown;
  version: number;
}

/**
 * Loads `fetcher` whenever it (i.e. its inputs) or `version` (the mirror version: a sync
 * landed) changes. Answers of superseded loads are dropped, so a slow old answer can never
 * overwrite a newer one. `fetcher` must be memoized by the caller on its inputs.
 */
export function useFetched<T>(
  fetcher: () => Promise<T>,
  version: number,
  report: ReportError,
): Fetched<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ data: null, failed: false, fetcher: null, version: -1 });

  useEffect(() => {
    let current = true;
    fetcher().then(
      (data) => {
        if (current) setLoaded({ data, failed: false, fetcher, version });
      },
      (error: unknown) => {
        if (!current) return;
        report(error);
        setLoaded((s) => ({ ...s, failed: true, fetcher, version }));
      },
    );
    return () => {
      current = false;
    };
  }, [fetcher, version, report]);

  const loading = loaded.fetcher !== fetcher || loaded.version !== version;
  return { data: loaded.data, loading, failed: loaded.failed && !loading };
}
