/** Pure logic of the Exceptions screen: labels, keys, requests, "new since last visit", breach alerts. */
import type {
  ActionKind,
  ExceptionKindCount,
  ExceptionPageRequest,
  ExceptionRow,
  ExceptionSort,
  Kind,
  ResolveOutcome,
  SentAction,
  Severity,
  Status,
} from "./bindings";
import { isTypingTarget, type KeyLike } from "./keyboard";
import type { ViewSort } from "./tableViews";

// ----- actions -----

export interface ActionInfo {
  label: string;
  /** Single-key shortcut while the detail is open; none of them clash with j k t g / e. */
  key: string;
  /** The backend refuses these without a reason (ActionKind::needs_reason). */
  needsReason: boolean;
}

export const ACTION_INFO: Readonly<Record<ActionKind, ActionInfo>> = {
  accept_variance: { label: "Accept variance", key: "a", needsReason: false },
  request_credit_note: { label: "Request credit note", key: "c", needsReason: true },
  place_hold: { label: "Place supplier on hold", key: "h", needsReason: true },
  release_hold: { label: "Release hold", key: "u", needsReason: false },
  resubmit_posting: { label: "Re-submit posting", key: "p", needsReason: false },
  correct_and_resend: { label: "Correct bank details and re-send", key: "b", needsReason: false },
  not_duplicate: { label: "Not a duplicate", key: "n", needsReason: true },
  override: { label: "Override…", key: "o", needsReason: true },
};

/** Actions that ask something of the person first (a reason, or a corrected IBAN). */
export function needsDialog(action: ActionKind): boolean {
  return ACTION_INFO[action].needsReason || action === "correct_and_resend";
}

export function outcomeMessage(outcome: ResolveOutcome): string {
  if (outcome.overridden) return "Overridden — logged with your reason";
  return "Queued — sent to the source";
}

/** How the outbox's last word on the sent action reads, and its badge tone. */
export function sentStatusInfo(sent: SentAction): { label: string; tone: "info" | "ok" | "danger" | "warn" } {
  switch (sent.status) {
    case "queued":
      // A queued action that has attempts behind it is waiting to retry after an outage.
      return sent.attempts > 0
        ? { label: `Queued · retrying (${sent.attempts} attempts)`, tone: "warn" }
        : { label: "Queued", tone: "info" };
    case "delivering":
      return { label: "Delivering…", tone: "info" };
    case "delivered":
      return { label: "Delivered ✓", tone: "ok" };
    case "refused":
      return { label: "Refused by the source", tone: "danger" };
    default:
      return { label: sent.status, tone: "info" };
  }
}

/** While the last action is still on its way the backend refuses another one. */
export function actionInFlight(sent: SentAction | null): boolean {
  return sent !== null && (sent.status === "queued" || sent.status === "delivering");
}

// ----- IBAN (correct and re-send): checked here so a typo never reaches the bank -----

export function normalizeIban(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}

/** ISO 13616: country, check digits, BBAN; mod 97 of the rearranged number is 1 (BigInt, exact). */
export function isValidIban(text: string): boolean {
  const iban = normalizeIban(text);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let digits = "";
  for (const ch of rearranged) digits += /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
  return BigInt(digits) % 97n === 1n;
}

// ----- kinds, queues, sorts -----

export const KINDS: readonly Kind[] = [
  "price_variance", "quantity_variance", "missing_receipt", "missing_po", "currency_mismatch",
  "suspected_duplicate", "supplier_on_hold", "bank_details_changed", "posting_failed",
  "bank_rejection", "payment_unconfirmed", "approval_overdue", "state_mismatch",
  "intercompany_mismatch", "close_task_late",
];

/** The backend's label when the summary has one, else "price_variance" → "Price variance". */
export function kindLabel(kind: Kind, summary: readonly ExceptionKindCount[] | null): string {
  const known = summary?.find((k) => k.kind === kind)?.label;
  if (known) return known;
  const words = kind.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const QUEUES: readonly { id: string; label: string }[] = [
  { id: "ap_clerk", label: "AP clerk" },
  { id: "treasury_analyst", label: "Treasury analyst" },
  { id: "approver", label: "Approver" },
  { id: "controller", label: "Controller" },
];

export function queueLabel(queue: string): string {
  return QUEUES.find((q) => q.id === queue)?.label ?? queue;
}

export const STATUSES: readonly { id: Status; label: string }[] = [
  { id: "open", label: "Open" },
  { id: "overridden", label: "Overridden" },
  { id: "resolved", label: "Resolved" },
];

export const SORTS: readonly { id: ExceptionSort; label: string; firstDescending: boolean }[] = [
  // Most urgent first: earliest SLA, largest amount, highest severity, oldest.
  { id: "sla_due", label: "SLA due", firstDescending: false },
  { id: "severity", label: "Severity", firstDescending: true },
  { id: "amount", label: "Amount at risk", firstDescending: true },
  { id: "since", label: "Age", firstDescending: false },
];

export function isSort(value: string): value is ExceptionSort {
  return SORTS.some((s) => s.id === value);
}

export const SEVERITY_TONE: Readonly<Record<Severity, string>> = {
  high: "danger",
  medium: "warn",
  low: "muted",
};

export interface ExceptionFilter {
  queue: string | null;
  kind: Kind | null;
  entity: string | null;
  status: Status | null;
  search: string;
  breachedOnly: boolean;
  sort: ExceptionSort;
  descending: boolean;
}

export function defaultFilter(ownQueue: string | null): ExceptionFilter {
  return {
    queue: ownQueue,
    kind: null,
    entity: null,
    status: "open",
    search: "",
    breachedOnly: false,
    sort: "sla_due",
    descending: false,
  };
}

/** What a saved view keeps of the filter (the sort is kept beside it, as on every table). */
export type ExceptionViewFilters = Omit<ExceptionFilter, "sort" | "descending">;

/** A stored view's filters, or null if they no longer fit (a kind or status this version lacks). */
export function parseExceptionViewFilters(raw: unknown): ExceptionViewFilters | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const nullableString = (v: unknown): v is string | null => v === null || typeof v === "string";
  const kind = r.kind === null ? null : KINDS.find((k) => k === r.kind);
  const status = r.status === null ? null : STATUSES.find((s) => s.id === r.status)?.id;
  if (!nullableString(r.queue) || !nullableString(r.entity) || kind === undefined || status === undefined) return null;
  if (typeof r.search !== "string" || typeof r.breachedOnly !== "boolean") return null;
  return { queue: r.queue, kind, entity: r.entity, status, search: r.search, breachedOnly: r.breachedOnly };
}

/** A stored view's sort as the backend's, or null if the key is not one of ours. */
export function exceptionSortOf(sort: ViewSort | null): { sort: ExceptionSort; descending: boolean } | null {
  return sort !== null && isSort(sort.key) ? { sort: sort.key, descending: sort.descending } : null;
}

/** The backend caps a page at 500 rows and search at 200 characters. */
export const MAX_PAGE = 500;
const MAX_SEARCH = 200;

export function pageRequest(f: ExceptionFilter, after: string | null, limit: number): ExceptionPageRequest {
  const search = f.search.trim().slice(0, MAX_SEARCH);
  return {
    queue: f.queue,
    kind: f.kind,
    entity: f.entity,
    status: f.status,
    search: search === "" ? null : search,
    breachedOnly: f.breachedOnly,
    sort: f.sort,
    descending: f.descending,
    after,
    limit: Math.min(Math.max(1, limit), MAX_PAGE),
  };
}

// ----- time: SLA and "new since last visit" -----

/** The backend's flag is as of the query; an open row also breaches once its SLA passes on screen. */
export function isBreached(row: ExceptionRow, nowMs: number): boolean {
  if (row.breached) return true;
  const due = Date.parse(row.slaDue);
  return row.status === "open" && !Number.isNaN(due) && due <= nowMs;
}

export function ageSeconds(since: string, nowMs: number): number | null {
  const then = Date.parse(since);
  return Number.isNaN(then) ? null : Math.max(0, Math.floor((nowMs - then) / 1000));
}

/**
 * True when the row changed after the person last opened the screen. With no
 * earlier visit nothing is marked: on a first visit everything would be "new",
 * which tells nobody anything.
 */
export function isNewSince(updatedAt: string, lastVisit: string | null): boolean {
  if (lastVisit === null) return false;
  const updated = Date.parse(updatedAt);
  const visited = Date.parse(lastVisit);
  if (Number.isNaN(updated) || Number.isNaN(visited)) return false;
  return updated > visited;
}

/** Per user: two people sharing a desktop each keep their own "last visit". */
export function lastVisitKey(userId: string): string {
  return `ctower.exceptions.lastVisit.${userId}`;
}

type StorageLike = Pick<Storage, "getItem" | "setItem">;

export function readLastVisit(storage: StorageLike | null, userId: string): string | null {
  try {
    const value = storage?.getItem(lastVisitKey(userId)) ?? null;
    return value !== null && !Number.isNaN(Date.parse(value)) ? value : null;
  } catch {
    // Storage can be disabled; the marker is a convenience, never a reason to fail.
    return null;
  }
}

export function writeLastVisit(storage: StorageLike | null, userId: string, at: string): void {
  try {
    storage?.setItem(lastVisitKey(userId), at);
  } catch {
    // See readLastVisit.
  }
}

// ----- summary and breach alerts -----

export function totals(summary: readonly ExceptionKindCount[] | null): { open: number; breached: number } {
  let open = 0;
  let breached = 0;
  for (const k of summary ?? []) {
    open += k.open;
    breached += k.breached;
  }
  return { open, breached };
}

/** How many more breaches than last time; 0 on the first reading (nothing to compare). */
export function breachIncrease(previous: number | null, next: number | null): number {
  if (previous === null || next === null) return 0;
  return Math.max(0, next - previous);
}

// ----- keyboard -----

export type ExceptionKeyCommand = "next" | "prev" | "open" | "close" | "trace" | "focusSearch" | ActionKind;

const KEYMAP: Readonly<Record<string, ExceptionKeyCommand>> = {
  j: "next",
  ArrowDown: "next",
  k: "prev",
  ArrowUp: "prev",
  Enter: "open",
  Escape: "close",
  t: "trace",
  "/": "focusSearch",
  ...Object.fromEntries(Object.entries(ACTION_INFO).map(([action, info]) => [info.key, action as ActionKind])),
};

/** Enter on a focused button or link belongs to that control, not to the list. */
function isControl(target: unknown): boolean {
  if (typeof target !== "object" || target === null) return false;
  const tag = (target as { tagName?: unknown }).tagName;
  return typeof tag === "string" && ["BUTTON", "A"].includes(tag.toUpperCase());
}

export function exceptionCommandForKey(event: KeyLike): ExceptionKeyCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (isTypingTarget(event.target)) return null;
  if (event.key === "Enter" && isControl(event.target)) return null;
  const command = KEYMAP[event.key] ?? null;
  // Only movement auto-repeats; a held key must never send an action twice.
  if (event.repeat && command !== "next" && command !== "prev") return null;
  return command;
}

/** The exception a link names (`#/exceptions/<id>`, from the Payments screen or the trace), if any. */
export function exceptionIdFromHash(hash: string): string | null {
  const m = /^#\/exceptions\/(.+)$/.exec(hash);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}
