/** Screens, their addresses (#/exceptions, #/approvals, …) and the "g then key" shortcuts; the role each lands on. */
import { isTypingTarget, type KeyLike } from "./keyboard";

export type Screen = "exceptions" | "approvals" | "close" | "payments" | "reconciliation" | "health";

export interface ScreenInfo {
  id: Screen;
  label: string;
  hash: string;
  /** Second key of the go-to shortcut: g then this. */
  goKey: string;
}

export const SCREENS: readonly ScreenInfo[] = [
  { id: "exceptions", label: "Exceptions", hash: "#/exceptions", goKey: "e" },
  { id: "approvals", label: "Approvals", hash: "#/approvals", goKey: "a" },
  { id: "close", label: "Close board", hash: "#/close", goKey: "c" },
  { id: "payments", label: "Payments", hash: "#/payments", goKey: "p" },
  { id: "reconciliation", label: "Reconciliation", hash: "#/reconciliation", goKey: "r" },
  { id: "health", label: "Integration health", hash: "#/health", goKey: "h" },
];

export const DEFAULT_SCREEN: Screen = "approvals";

/** Where each role starts its day; the first role a person holds decides. */
const LANDING: readonly [role: string, screen: Screen][] = [
  ["approver", "approvals"],
  ["ap_clerk", "exceptions"],
  ["controller", "close"],
  ["treasury_analyst", "payments"],
];

export function landingScreen(roles: readonly string[]): Screen {
  return LANDING.find(([role]) => roles.includes(role))?.[1] ?? DEFAULT_SCREEN;
}

/** The exception queue a role owns (the backend's queue names are role names). */
export function queueOfRoles(roles: readonly string[]): string | null {
  return LANDING.find(([role]) => roles.includes(role))?.[0] ?? null;
}

/** The first key of every go-to shortcut. */
export const GO_PREFIX = "g";
/** How long after g the second key still counts. */
export const GO_TIMEOUT_MS = 1500;

export function screenInfo(screen: Screen): ScreenInfo {
  return SCREENS.find((s) => s.id === screen) ?? SCREENS[0]!;
}

/** "#/health", "#health" and "#/health/…" all open the health screen; anything else, the default. */
export function screenFromHash(hash: string): Screen {
  const name = hash.replace(/^#\/?/, "").split(/[/?]/)[0]?.toLowerCase() ?? "";
  return SCREENS.find((s) => s.hash === `#/${name}`)?.id ?? DEFAULT_SCREEN;
}

export interface GoToResult {
  /** Where to go, when this key completed a shortcut. */
  screen: Screen | null;
  /** When g was pressed and a second key is awaited, else null. */
  pendingSince: number | null;
  /** The key belongs to a shortcut: keep it from the screen's own keys. */
  consume: boolean;
}

/**
 * One step of the go-to shortcuts. `pendingSince` is when g was pressed
 * (null if it was not); `now` is the time of this key.
 */
export function goToKey(event: KeyLike, pendingSince: number | null, now: number): GoToResult {
  const idle: GoToResult = { screen: null, pendingSince: null, consume: false };
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return idle;
  if (isTypingTarget(event.target)) return idle;
  if (pendingSince !== null && now - pendingSince <= GO_TIMEOUT_MS) {
    const target = SCREENS.find((s) => s.goKey === event.key);
    if (target && !event.repeat) return { screen: target.id, pendingSince: null, consume: true };
    // g g keeps waiting; any other key ends the shortcut and is left to the screen.
    if (event.key === GO_PREFIX) return { screen: null, pendingSince: now, consume: true };
    return idle;
  }
  if (event.key === GO_PREFIX && !event.repeat) return { screen: null, pendingSince: now, consume: true };
  return idle;
}
