import { useEffect, useLayoutEffect, useRef } from "react";
import { extraCommandForKey, type ExtraKeyCommand } from "../approvals";
import { commandForKey, type KeyCommand } from "../keyboard";

export type QueueCommand = KeyCommand | ExtraKeyCommand;

/**
 * Global single-key shortcuts of the approval queue: the decision keymap (keyboard.ts) plus
 * delegation and bulk selection (approvals.ts). Ignored while typing in a form control or
 * when disabled (e.g. while a dialog is open).
 */
export function useKeyboard(onCommand: (command: QueueCommand) => void, enabled: boolean) {
  const handler = useRef(onCommand);
  useLayoutEffect(() => {
    handler.current = onCommand;
  });

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      // The extra keys first: Shift+A must never fall through to a single approve.
      const command = extraCommandForKey(event) ?? commandForKey(event);
      if (command === null) return;
      event.preventDefault();
      handler.current(command);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
