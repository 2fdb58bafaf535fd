import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { unwrap } from "../api";
import {
  commands,
  type ConnectionHealth,
  type DeadLetterView,
  type DemoFaults,
  type OutboxView,
  type SyncRunView,
} from "../bindings";
import type { ReportError } from "../errors";

/** Freshness and circuit state change without a mirror change; poll this often. */
export const HEALTH_POLL_MS = 5000;

export interface HealthData {
  cards: ConnectionHealth[] | null;
  outbox: OutboxView[] | null;
  faults: DemoFaults | null;
  /** Runs and dead letters belong to this connection. */
  detailFor: string | null;
  runs: SyncRunView[] | null;
  deadLetters: DeadLetterView[] | null;
}

const EMPTY: HealthData = {
  cards: null,
  outbox: null,
  faults: null,
  detailFor: null,
  runs: null,
  deadLetters: null,
};

/** The chosen connection while it exists, else the first one. */
export function connectionToShow(chosen: string | null, cards: ConnectionHealth[] | null): string | null {
  if (chosen !== null && cards?.some((c) => c.connectionId === chosen)) return chosen;
  return cards?.[0]?.connectionId ?? null;
}

function settled<T>(result: PromiseSettledResult<T>, previous: T, report: ReportError): T {
  if (result.status === "fulfilled") return result.value;
  report(result.reason);
  return previous;
}

/**
 * Everything the Integration health screen shows, with the runs and dead
 * letters of the chosen connection (the first one until one is chosen):
 * loaded at once, again whenever the mirror changed, and every 5 s. A failed
 * part keeps its last value (and is reported); overlapping reloads coalesce.
 */
export function useHealth(chosenId: string | null, mirrorVersion: number, report: ReportError) {
  const [data, setData] = useState<HealthData>(EMPTY);
  const latest = useRef(data);
  const selected = useRef(chosenId);
  useLayoutEffect(() => {
    latest.current = data;
    selected.current = chosenId;
  });

  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const loading = useRef(false);
  const again = useRef(false);

  const refresh = useCallback(() => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    const run = async () => {
      do {
        again.current = false;
        const chosen = selected.current;
        // Details are fetched alongside the cards for the connection we expect to show…
        const guess = chosen ?? latest.current.cards?.[0]?.connectionId ?? null;
        const details = (id: string | null) =>
          Promise.allSettled([
            id === null ? Promise.resolve(null) : unwrap(commands.connectionRuns(id)),
            id === null ? Promise.resolve(null) : unwrap(commands.deadLetters(id)),
          ]);
        const [[cards, outbox, faults], guessed] = await Promise.all([
          Promise.allSettled([
            unwrap(commands.integrationHealth()),
            unwrap(commands.outboxActions()),
            unwrap(commands.demoFaults()),
          ]),
          details(guess),
        ]);
        if (!alive.current) return;
        const prev = latest.current;
        const cardList = settled(cards, prev.cards, report);
        // …and again if the cards say otherwise (first load, or the chosen one is gone).
        const id = connectionToShow(chosen, cardList);
        const [runs, deadLetters] = id === guess ? guessed : await details(id);
        if (!alive.current) return;
        const sameDetail = prev.detailFor === id;
        const next: HealthData = {
          cards: cardList,
          outbox: settled(outbox, prev.outbox, report),
          faults: settled(faults, prev.faults, report),
          detailFor: id,
          runs: settled(runs, sameDetail ? prev.runs : null, report),
          deadLetters: settled(deadLetters, sameDetail ? prev.deadLetters : null, report),
        };
        latest.current = next;
        setData(next);
      } while (again.current && alive.current);
    };
    void run().finally(() => {
      loading.current = false;
    });
  }, [report]);

  // At once, when the selection or the mirror changed, and on a timer.
  useEffect(() => {
    refresh();
  }, [refresh, chosenId, mirrorVersion]);
  useEffect(() => {
    const timer = window.setInterval(refresh, HEALTH_POLL_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);

  /** Shows the fault mode the backend confirmed before the next reload. */
  const setFaults = useCallback((faults: DemoFaults) => {
    const next = { ...latest.current, faults };
    latest.current = next;
    setData(next);
  }, []);

  return { data, refresh, setFaults };
}
