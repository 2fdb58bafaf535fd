import { useEffect, useState } from "react";
import { events } from "../bindings";
import type { ReportError } from "../errors";

/** Bursts of mirror-changed events within this window cause one reload. */
const COALESCE_MS = 200;

/**
 * A counter that goes up whenever the backend's mirror changed; screens
 * reload when it moves.
 */
export function useMirrorVersion(report: ReportError): number {
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let unlisten: (() => void) | null = null;
    let timer: number | null = null;

    events.mirrorChanged
      .listen(() => {
        if (timer !== null) return;
        timer = window.setTimeout(() => {
          timer = null;
          setVersion((v) => v + 1);
        }, COALESCE_MS);
      })
      .then(
        (fn) => {
          if (cancelled) fn();
          else unlisten = fn;
        },
        (error: unknown) => {
          if (!cancelled) report(error);
        },
      );

    return () => {
      cancelled = true;
      if (timer !== null) window.clearTimeout(timer);
      unlisten?.();
    };
  }, [report]);

  return version;
}
