/** Pure logic of the Payments screen and the invoice trace (components live in components/). */
import type { CashPosition, CashSeries, InstructionFilter, PaymentRunRow } from "./bindings";
import { isTypingTarget, type KeyLike } from "./keyboard";
import { formatTimestamp } from "./time";

export type PaymentsTab = "runs" | "instructions" | "cash";

export const INSTRUCTION_FILTERS: readonly { value: InstructionFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "rejected", label: "Rejected" },
  { value: "in_flight", label: "In flight" },
  { value: "unconfirmed", label: "Not confirmed within SLA" },
  { value: "settled", label: "Settled" },
];

/**
 * What a saved view of the instructions keeps: the status filter and the search.
 * Not the run: runs come and go daily, and a view is meant for tomorrow too.
 */
export interface InstructionViewFilters {
  filter: InstructionFilter;
  search: string;
}

export function parseInstructionViewFilters(raw: unknown): InstructionViewFilters | null {
  if (typeof raw !== "object" || raw === null) return null;
  const { filter, search } = raw as Record<string, unknown>;
  const known = INSTRUCTION_FILTERS.find((f) => f.value === filter)?.value;
  return known !== undefined && typeof search === "string" ? { filter: known, search } : null;
}

/** The runs table has no filters; its views keep columns only. */
export type NoViewFilters = Record<string, never>;
export const parseNoViewFilters = (): NoViewFilters => ({});

/** The bank's answer is final (settled or rejected); mirrors domain::treasury::is_final. */
export function isFinalStatus(code: string): boolean {
  return code === "ACSC" || code === "RJCT";
}

/** ISO 20022 status codes the badge has its own colour for; anything else is shown neutral. */
const KNOWN_STATUSES = new Set(["PDNG", "ACTC", "ACCP", "ACSP", "ACWC", "ACSC", "RJCT"]);

/** CSS class suffix of a status badge: the code itself when known, so each step has its colour. */
export function statusClass(code: string): string {
  return KNOWN_STATUSES.has(code) ? code : "other";
}

/**
 * Per-filter counts from the runs (the backend counts settled / rejected / in flight per
 * run). "Not confirmed within SLA" depends on the clock and is only known from the list.
 */
export function filterCounts(
  runs: readonly PaymentRunRow[],
  runId: string | null,
): Partial<Record<InstructionFilter, number>> {
  const scope = runId === null ? runs : runs.filter((r) => r.id === runId);
  const sum = (pick: (r: PaymentRunRow) => number) => scope.reduce((n, r) => n + pick(r), 0);
  return {
    all: sum((r) => r.instructions),
    rejected: sum((r) => r.rejected),
    in_flight: sum((r) => r.inFlight),
    settled: sum((r) => r.settled),
  };
}

export type PaymentKey = "next" | "prev" | "open" | "trace" | "focusSearch";

const PAYMENT_KEYMAP: Readonly<Record<string, PaymentKey>> = {
  j: "next",
  ArrowDown: "next",
  k: "prev",
  ArrowUp: "prev",
  Enter: "open",
  t: "trace",
  "/": "focusSearch",
};

/**
 * The Payments screen's own keys (the shared keymap in keyboard.ts is the approval
 * queue's: a/r decide there, which must never fire here).
 */
export function paymentKey(event: KeyLike): PaymentKey | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (isTypingTarget(event.target)) return null;
  // Enter on a focused link or button is that control's own click, not "open the row".
  if (event.key === "Enter" && isInteractive(event.target)) return null;
  const command = PAYMENT_KEYMAP[event.key] ?? null;
  if (event.repeat && command !== "next" && command !== "prev") return null;
  return command;
}

/** The trace key alone, for screens whose other keys live elsewhere (Approvals). */
export function isTraceKey(event: KeyLike): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.repeat) return false;
  return event.key === "t" && !isTypingTarget(event.target);
}

function isInteractive(target: unknown): boolean {
  if (typeof target !== "object" || target === null) return false;
  const tag = (target as { tagName?: unknown }).tagName;
  return typeof tag === "string" && (tag.toUpperCase() === "A" || tag.toUpperCase() === "BUTTON");
}

/**
 * Where an exception opens. The Exceptions screen owns the route; the part after
 * #/exceptions/ is its id (screenFromHash routes any #/exceptions/… there).
 */
export function exceptionHref(exceptionId: string): string {
  return `#/exceptions/${encodeURIComponent(exceptionId)}`;
}

/** A plain calendar date stays as sent (parsing it would invent a midnight in UTC); times go local. */
export function formatWhen(at: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : formatTimestamp(at);
}

// ---------- invoice trace ----------

export type TraceTone = "done" | "current" | "alert" | "waiting";

/** Icon and tone of a trace stage's state: stuck and failed are the alarms. */
export function traceStateView(state: string): { icon: string; tone: TraceTone; label: string } {
  switch (state) {
    case "done":
      return { icon: "✓", tone: "done", label: "Done" };
    case "current":
      return { icon: "●", tone: "current", label: "In progress" };
    case "stuck":
      return { icon: "!", tone: "alert", label: "Stuck" };
    case "failed":
      return { icon: "✕", tone: "alert", label: "Failed" };
    case "waiting":
      return { icon: "○", tone: "waiting", label: "Not reached" };
    default:
      return { icon: "?", tone: "waiting", label: state };
  }
}

// ---------- cash chart ----------

/** One point in time of a currency's chart: a plotting position and the exact balance per account. */
export interface CashDatum {
  date: string;
  /** Float positions for recharts only; never shown or added up. */
  plot: Record<string, number>;
  /** The balance exactly as the bank reported it, for labels and tooltips. */
  exact: Record<string, string>;
}

export interface CashChart {
  currency: string;
  series: CashSeries[];
  data: CashDatum[];
}

/**
 * A decimal string as a float, ONLY to place a point on a chart axis: recharts needs
 * numbers to compute positions. Every label and tooltip shows the exact string from
 * CashDatum.exact instead, and nothing is summed from these values.
 */
export function plotPosition(amount: string): number {
  // eslint-disable-next-line no-restricted-syntax -- chart position only; see the comment above.
  const value = Number(amount);
  return Number.isFinite(value) ? value : Number.NaN;
}

/** One chart per currency (balances in different currencies do not share an axis). */
export function cashCharts(position: CashPosition): CashChart[] {
  const byCurrency = new Map<string, CashSeries[]>();
  for (const s of position.series) {
    const list = byCurrency.get(s.currency) ?? [];
    list.push(s);
    byCurrency.set(s.currency, list);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, series]) => {
      const byDate = new Map<string, CashDatum>();
      for (const s of series) {
        for (const p of s.points) {
          const datum = byDate.get(p.date) ?? { date: p.date, plot: {}, exact: {} };
          datum.plot[s.accountId] = plotPosition(p.balance);
          datum.exact[s.accountId] = p.balance;
          byDate.set(p.date, datum);
        }
      }
      // ISO dates sort correctly as strings.
      const data = [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
      return { currency, series, data };
    });
}

const COMPACT = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** Axis ticks only (positions recharts chose, not balances): 1.2M, 350K. */
export function compactTick(value: number): string {
  return COMPACT.format(value);
}

/** How an account is named on a chart: entity, bank and the IBAN's last digits. */
export function accountLabel(s: CashSeries): string {
  const tail = s.iban.replace(/\s+/g, "").slice(-4);
  return `${s.entity} · ${s.bankName}${tail ? ` ··${tail}` : ""}`;
}
