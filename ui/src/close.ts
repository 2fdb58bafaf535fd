/** Pure helpers of the Close board (no React): grouping, ordering, labels, keys. */
import type { BurndownPoint, CloseTaskRow, PendingMove, TaskState, User } from "./bindings";
import { isTypingTarget, type KeyLike } from "./keyboard";

export type TaskStatus = "not_started" | "in_progress" | "submitted" | "reviewed" | "sent_back";
/** A move the backend may offer in `moves`; the same words as the target status. */
export type CloseMove = Exclude<TaskStatus, "not_started">;

/** Board columns, left to right in the order work flows. */
export const STATUS_COLUMNS: readonly { status: TaskStatus; label: string }[] = [
  { status: "not_started", label: "Not started" },
  { status: "in_progress", label: "In progress" },
  { status: "submitted", label: "Submitted" },
  { status: "reviewed", label: "Reviewed" },
  { status: "sent_back", label: "Sent back" },
];

export function statusLabel(status: string): string {
  return STATUS_COLUMNS.find((c) => c.status === status)?.label ?? status.replace(/_/g, " ");
}

export const STATES: readonly TaskState[] = ["late", "blocked", "at_risk", "on_track", "done"];

export const STATE_LABEL: Readonly<Record<TaskState, string>> = {
  done: "Done",
  late: "Late",
  blocked: "Blocked",
  at_risk: "At risk",
  on_track: "On track",
};

/** Badge class per state (the shared .badge-* tones in styles.css). */
export const STATE_TONE: Readonly<Record<TaskState, string>> = {
  done: "badge-ok",
  late: "badge-danger",
  blocked: "badge-warn",
  at_risk: "badge-warn",
  on_track: "badge-info",
};

/** The moves in the order buttons show them, with their single-key shortcut. */
export const MOVES: readonly { move: CloseMove; label: string; key: string }[] = [
  { move: "in_progress", label: "Start", key: "s" },
  { move: "submitted", label: "Submit", key: "u" },
  { move: "reviewed", label: "Review", key: "r" },
  { move: "sent_back", label: "Send back…", key: "b" },
];

export function moveLabel(move: string): string {
  return MOVES.find((m) => m.move === move)?.label.replace("…", "") ?? statusLabel(move);
}

/** ISO dates compare as strings; ties go by BD offset label then id so the order is stable. */
export function compareByDue(a: CloseTaskRow, b: CloseTaskRow): number {
  if (a.due !== b.due) return a.due < b.due ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortByDue(tasks: readonly CloseTaskRow[]): CloseTaskRow[] {
  return [...tasks].sort(compareByDue);
}

/**
 * Tasks per board column, each sorted by due. A status the board does not know
 * (a newer backend) lands in "Not started" rather than vanishing from the board.
 */
export function groupByStatus(tasks: readonly CloseTaskRow[]): Record<TaskStatus, CloseTaskRow[]> {
  const groups: Record<TaskStatus, CloseTaskRow[]> = {
    not_started: [],
    in_progress: [],
    submitted: [],
    reviewed: [],
    sent_back: [],
  };
  for (const task of sortByDue(tasks)) {
    const known = STATUS_COLUMNS.some((c) => c.status === task.status);
    groups[known ? (task.status as TaskStatus) : "not_started"].push(task);
  }
  return groups;
}

/** The order j/k walk through: what is on screen, top to bottom, left to right. */
export function navigationOrder(tasks: readonly CloseTaskRow[], view: "board" | "list"): string[] {
  if (view === "list") return sortByDue(tasks).map((t) => t.id);
  const groups = groupByStatus(tasks);
  return STATUS_COLUMNS.flatMap((c) => groups[c.status].map((t) => t.id));
}

export function countByState(tasks: readonly CloseTaskRow[]): Record<TaskState, number> {
  const counts: Record<TaskState, number> = { done: 0, late: 0, blocked: 0, at_risk: 0, on_track: 0 };
  for (const t of tasks) counts[t.state] += 1;
  return counts;
}

/**
 * Task ids are "CT-{entity}-{period}-{key}"; within one board only the key
 * tells them apart, so that is what chains and chips show.
 */
export function shortTaskId(id: string, entity: string, period: string): string {
  const prefix = `CT-${entity}-${period}-`;
  return id.startsWith(prefix) && id.length > prefix.length ? id.slice(prefix.length) : id;
}

/** "CUTOFF → PAYROLL → TBREV → GLCLOSE"; empty when there is no plan. */
export function criticalChainText(path: readonly string[], entity: string, period: string): string {
  return path.map((id) => shortTaskId(id, entity, period)).join(" → ");
}

export function daysLateText(days: number): string {
  return `${days} business ${days === 1 ? "day" : "days"} late`;
}

/**
 * What a saved view of the close list keeps besides its columns: the entity.
 * Not the period: a view saved during November's close is meant for December's.
 */
export interface CloseViewFilters {
  entity: string | null;
}

export function parseCloseViewFilters(raw: unknown): CloseViewFilters | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { entity } = raw as Record<string, unknown>;
  return entity === null || typeof entity === "string" ? { entity } : null;
}

/** Signals the sandbox ERPs send, phrased as the condition that completes the task. */
const SIGNAL_TEXT: Readonly<Record<string, string>> = {
  ap_subledger_closed: "the AP subledger is closed",
  gl_closed: "the GL period is closed",
  bank_rec_certified: "the bank reconciliation is certified",
};

export function signalText(signal: string): string {
  return `completes itself when ${SIGNAL_TEXT[signal] ?? signal.replace(/_/g, " ")}`;
}

/** "Dana Whitfield" → "DW"; an id the directory does not know is shown as it is. */
export function initials(userId: string, users: readonly User[]): string {
  const user = users.find((u) => u.id === userId);
  if (!user) return userId;
  const letters = user.name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase());
  if (letters.length === 0) return userId;
  return letters.length === 1 ? letters[0]! : `${letters[0]}${letters[letters.length - 1]}`;
}

export function userName(userId: string, users: readonly User[]): string {
  const user = users.find((u) => u.id === userId);
  return user ? `${user.name} (${userId})` : userId;
}

/** What a move on its way to (or refused by) the ERP means, and how loudly to say it. */
export function pendingText(pending: PendingMove): { text: string; tone: "info" | "warn" | "danger" } {
  const to = statusLabel(pending.to);
  switch (pending.status) {
    case "queued":
      // A queued move carrying a message is waiting to retry after the ERP failed.
      return pending.sourceMessage
        ? { text: `${to}: retrying — ${pending.sourceMessage}`, tone: "warn" }
        : { text: `${to}: queued for the ERP`, tone: "info" };
    case "delivering":
      return { text: `${to}: sending to the ERP…`, tone: "info" };
    case "refused":
      return { text: `${to}: refused by the ERP — ${pending.sourceMessage ?? "no reason given"}`, tone: "danger" };
    default:
      return { text: `${to}: ${pending.status}`, tone: "info" };
  }
}

export interface BurndownDatum {
  date: string;
  /** "11-28": the year and month are the period's, so the axis stays short. */
  label: string;
  planned: number;
  actual: number | null;
}

export function burndownData(points: readonly BurndownPoint[]): BurndownDatum[] {
  return points.map((p) => ({
    date: p.date,
    label: p.date.slice(5),
    planned: p.plannedRemaining,
    actual: p.actualRemaining,
  }));
}

export type CloseKeyCommand =
  | { kind: "next" }
  | { kind: "prev" }
  | { kind: "open" }
  | { kind: "close" }
  | { kind: "move"; move: CloseMove };

const NAV_KEYS: Readonly<Record<string, CloseKeyCommand>> = {
  j: { kind: "next" },
  ArrowDown: { kind: "next" },
  k: { kind: "prev" },
  ArrowUp: { kind: "prev" },
  Enter: { kind: "open" },
  Escape: { kind: "close" },
};

/** Keys a focused button, link or picker handles itself (Enter clicks a button). */
function isControl(target: unknown): boolean {
  if (typeof target !== "object" || target === null) return false;
  const tag = (target as { tagName?: unknown }).tagName;
  return typeof tag === "string" && ["BUTTON", "A", "SELECT"].includes(tag.toUpperCase());
}

/**
 * The board's shortcuts: j/k/arrows move, Enter opens the task, Esc closes it,
 * s/u/r/b move it. Held keys only repeat movement, never a move of the task.
 */
export function closeKeyCommand(event: KeyLike): CloseKeyCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (isTypingTarget(event.target)) return null;
  const nav = NAV_KEYS[event.key];
  if (nav) {
    if (nav.kind === "open" && (event.repeat || isControl(event.target))) return null;
    return nav;
  }
  if (event.repeat) return null;
  const move = MOVES.find((m) => m.key === event.key);
  return move ? { kind: "move", move: move.move } : null;
}
