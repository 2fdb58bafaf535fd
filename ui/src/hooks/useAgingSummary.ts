import { useEffect, useState } from "react";
import { unwrap } from "../api";
import { commands, type AgingSummary, type QueueFilter } from "../bindings";
import type { ReportError } from "../errors";

/** The aging summary for a filter; keeps showing the last one while reloading. */
export function useAgingSummary(
  filter: QueueFilter,
  mirrorVersion: number,
  report: ReportError,
): AgingSummary | null {
  const [summary, setSummary] = useState<AgingSummary | null>(null);

  useEffect(() => {
    let current = true;
    unwrap(commands.agingSummary(filter)).then(
      (data) => {
        if (current) setSummary(data);
      },
      (error: unknown) => {
        if (current) report(error);
      },
    );
    return () => {
      current = false;
    };
  }, [filter, mirrorVersion, report]);

  return summary;
}
