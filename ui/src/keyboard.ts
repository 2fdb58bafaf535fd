/** Pure keyboard logic for the approvals queue (the hook lives in useKeyboard.ts). */

export type KeyCommand = "next" | "prev" | "approve" | "reject" | "focusSearch";

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
  /** Auto-repeat from a held key: only movement repeats, never a decision. */
  repeat?: boolean;
  target: unknown;
}

const KEYMAP: Readonly<Record<string, KeyCommand>> = {
  j: "next",
  ArrowDown: "next",
  k: "prev",
  ArrowUp: "prev",
  a: "approve",
  r: "reject",
  "/": "focusSearch",
};

const TYPING_TAGS = new Set(["INPUT", "SELECT", "TEXTAREA"]);

/** True when keys should go to a form control instead of the queue. */
export function isTypingTarget(target: unknown): boolean {
  if (typeof target !== "object" || target === null) return false;
  const el = target as { tagName?: unknown; isContentEditable?: unknown };
  if (el.isContentEditable === true) return true;
  return typeof el.tagName === "string" && TYPING_TAGS.has(el.tagName.toUpperCase());
}

export function commandForKey(event: KeyLike): KeyCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (isTypingTarget(event.target)) return null;
  const command = KEYMAP[event.key] ?? null;
  if (event.repeat && command !== "next" && command !== "prev") return null;
  return command;
}

/** The id one step up or down; starts at the first row when nothing is selected. */
export function moveSelection(
  ids: readonly string[],
  selectedId: string | null,
  delta: 1 | -1,
): string | null {
  if (ids.length === 0) return null;
  const index = selectedId === null ? -1 : ids.indexOf(selectedId);
  if (index === -1) return ids[0] ?? null;
  const next = Math.min(ids.length - 1, Math.max(0, index + delta));
  return ids[next] ?? null;
}

/** After acting on a row, move to the following row (or stay on the last one). */
export function selectionAfterAction(ids: readonly string[], actedId: string): string | null {
  const index = ids.indexOf(actedId);
  if (index === -1) return ids[0] ?? null;
  return ids[index + 1] ?? actedId;
}

/**
 * Keeps the selection on the same approval after a reload; if it is gone,
 * selects whatever now sits at its old position.
 */
export function reconcileSelection(
  ids: readonly string[],
  selectedId: string | null,
  lastIndex: number,
): string | null {
  if (ids.length === 0) return null;
  if (selectedId !== null && ids.includes(selectedId)) return selectedId;
  const index = Math.min(Math.max(lastIndex, 0), ids.length - 1);
  return ids[index] ?? null;
}
