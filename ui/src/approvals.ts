/**
 * Pure logic of the Approvals screen's delegation, bulk approval and payment-run approval.
 * The backend applies every control again; these helpers only decide what the UI offers
 * and how it explains the outcome.
 */
import type { ApprovalRow, BulkResult, PendingAction, RunApproval, User } from "./bindings";
import { isTypingTarget, type KeyLike } from "./keyboard";
import { sumDecimals } from "./money";

/** The backend's most items per bulk approval (commands::approvals::approve_bulk). */
export const BULK_MAX = 200;

/** Approvers who can take a step from `me`: everyone with the approver role but me, by name. */
export function delegateCandidates(users: readonly User[], me: User): User[] {
  return users
    .filter((u) => u.id !== me.id && u.roles.includes("approver"))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function userName(users: readonly User[], id: string): string {
  return users.find((u) => u.id === id)?.name ?? id;
}

export type ExtraKeyCommand = "delegate" | "toggleCheck" | "bulkApprove";

export interface ShiftKeyLike extends KeyLike {
  shiftKey?: boolean;
}

/**
 * The queue's keys beyond the decision keymap in keyboard.ts: d delegates, x checks the row,
 * Shift+A approves the checked rows. None of them repeats when held: a held x would flicker
 * the checkbox and a held Shift+A must not submit twice.
 */
export function extraCommandForKey(event: ShiftKeyLike): ExtraKeyCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.repeat) return null;
  if (isTypingTarget(event.target)) return null;
  // Checked before the decision keys, so Shift+A never approves only the selected row
  // (with Caps Lock on, Shift+A arrives as a lowercase "a").
  if (event.shiftKey === true && (event.key === "A" || event.key === "a")) return "bulkApprove";
  if (event.shiftKey === true) return null;
  if (event.key === "d") return "delegate";
  if (event.key === "x") return "toggleCheck";
  return null;
}

/** True while an action is queued, being sent or already delivered: nothing else may be sent. */
export function isInFlight(action: PendingAction | null): boolean {
  return action !== null && action.status !== "refused";
}

/** Why a row cannot be checked for bulk approval, or null when it can. */
export function uncheckableReason(row: ApprovalRow): string | null {
  if (row.blockedReason !== null) return row.blockedReason;
  if (isInFlight(row.pendingAction)) return `Invoice ${row.invoiceNumber} already has an action on its way.`;
  return null;
}

/** The set with `id` added or removed; adding past `max` is refused (null). */
export function toggleChecked(
  checked: ReadonlySet<string>,
  id: string,
  max = BULK_MAX,
): ReadonlySet<string> | null {
  const next = new Set(checked);
  if (next.has(id)) next.delete(id);
  else if (next.size >= max) return null;
  else next.add(id);
  return next;
}

/** Checked ids still among the rows (a reload may have removed some), in queue order. */
export function checkedRows(rows: readonly ApprovalRow[], checked: ReadonlySet<string>): ApprovalRow[] {
  if (checked.size === 0) return [];
  return rows.filter((r) => checked.has(r.approvalId));
}

export interface CurrencyTotal {
  currency: string;
  count: number;
  /** Exact decimal sum; null if an amount was not a plain decimal (shown as unknown, never guessed). */
  amount: string | null;
}

/** Count and exact total per currency, by currency code. */
export function currencyTotals(rows: readonly ApprovalRow[]): CurrencyTotal[] {
  const byCurrency = new Map<string, string[]>();
  for (const row of rows) {
    const list = byCurrency.get(row.amount.currency) ?? [];
    list.push(row.amount.amount);
    byCurrency.set(row.amount.currency, list);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amounts]) => ({ currency, count: amounts.length, amount: sumDecimals(amounts) }));
}

/** The local stand-in for an approval the backend queued, until a reload shows the real one. */
export function queuedApproval(actionId: string, queuedAt: string): PendingAction {
  return { actionId, decision: "approve", status: "queued", reason: null, sourceMessage: null, queuedAt, attempts: 0 };
}

export interface RefusedItem {
  approvalId: string;
  /** The row as it was when sent; null if it was no longer loaded. */
  row: ApprovalRow | null;
  refusal: string;
}

export interface BulkOutcome {
  queued: { approvalId: string; actionId: string }[];
  refused: RefusedItem[];
}

/**
 * Splits the backend's answer into queued and refused items. An id sent but missing from the
 * answer, or an item with neither an action nor a refusal, counts as refused: it was not
 * queued, and saying so is safer than saying nothing.
 */
export function bulkOutcome(
  sent: readonly ApprovalRow[],
  results: readonly BulkResult[],
): BulkOutcome {
  const rows = new Map(sent.map((r) => [r.approvalId, r]));
  const out: BulkOutcome = { queued: [], refused: [] };
  const answered = new Set<string>();
  for (const result of results) {
    answered.add(result.approvalId);
    const row = rows.get(result.approvalId) ?? null;
    if (result.actionId !== null && result.refusal === null) {
      out.queued.push({ approvalId: result.approvalId, actionId: result.actionId });
    } else {
      out.refused.push({ approvalId: result.approvalId, row, refusal: result.refusal ?? "Not queued (no reason given)." });
    }
  }
  for (const row of sent) {
    if (!answered.has(row.approvalId)) {
      out.refused.push({ approvalId: row.approvalId, row, refusal: "No answer from the backend for this item." });
    }
  }
  return out;
}

/** How an approval on its way to the treasury reads; null when there is none. */
export function runPendingLabel(pending: string | null): string | null {
  switch (pending) {
    case null:
      return null;
    case "queued":
      return "Approval queued";
    case "delivering":
      return "Sending approval…";
    case "refused":
      return "Approval refused by the treasury";
    default:
      return `Approval ${pending}`;
  }
}

/** A run may be approved when nothing refuses it and no approval is already on its way. */
export function canApproveRun(run: RunApproval): boolean {
  return run.refusals.length === 0 && (run.pending === null || run.pending === "refused");
}
