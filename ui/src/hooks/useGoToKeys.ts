import { useEffect, useLayoutEffect, useRef } from "react";
import { goToKey, type Screen } from "../navigation";

/**
 * The go-to shortcuts (g a, g h). Listens in the capture phase so it sees the
 * second key before a screen's own shortcuts do (a also means approve), and
 * stops it there. Ignored while a modal dialog is open.
 */
export function useGoToKeys(onGo: (screen: Screen) => void) {
  const handler = useRef(onGo);
  useLayoutEffect(() => {
    handler.current = onGo;
  });

  useEffect(() => {
    let pendingSince: number | null = null;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector('[aria-modal="true"]')) {
        pendingSince = null;
        return;
      }
      const result = goToKey(event, pendingSince, performance.now());
      pendingSince = result.pendingSince;
      if (!result.consume) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (result.screen !== null) handler.current(result.screen);
    };
    window.addEventListener("keydown", onKeyDown, true);
    return () => window.removeEventListener("keydown", onKeyDown, true);
  }, []);
}
