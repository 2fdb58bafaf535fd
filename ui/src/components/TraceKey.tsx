import { useEffect, useLayoutEffect, useRef } from "react";
import { isTraceKey } from "../payments";

/**
 * The t shortcut (trace the selected row's invoice) for screens whose other keys come from
 * the shared keymap. Ignored while typing, when disabled, or when a modal dialog is open.
 */
export function useTraceKey(onTrace: () => void, enabled: boolean) {
  const handler = useRef(onTrace);
  useLayoutEffect(() => {
    handler.current = onTrace;
  });

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !isTraceKey(event)) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      handler.current();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
