import { useEffect, useLayoutEffect, useRef } from "react";
import { commandForKey, type KeyCommand } from "../keyboard";

/**
 * Global single-key shortcuts. Ignored while typing in a form control or when
 * disabled (e.g. while a dialog is open).
 */
export function useKeyboard(onCommand: (command: KeyCommand) => void, enabled: boolean) {
  const handler = useRef(onCommand);
  useLayoutEffect(() => {
    handler.current = onCommand;
  });

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const command = commandForKey(event);
      if (command === null) return;
      event.preventDefault();
      handler.current(command);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
