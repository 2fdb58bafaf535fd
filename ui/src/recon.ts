/** Pure helpers of the Reconciliation screen (no React). */
import type { LineState, LineStateFilter, Money, OpenItemKind, IcIssue, MatchKind } from "./bindings";
import { isZeroAmount, sumDecimals } from "./money";

/** Basis points as a percentage with two decimals, by integer math: 9550 → "95.50 %". */
export function formatConfidence(bp: number): string {
  const whole = Math.trunc(bp);
  const sign = whole < 0 ? "-" : "";
  const abs = Math.abs(whole);
  const cents = String(abs % 100).padStart(2, "0");
  return `${sign}${Math.trunc(abs / 100)}.${cents} %`;
}

/**
 * Σ bank − Σ ledger of a selection, in its currency; null when it is empty on
 * both sides or mixes currencies (then there is nothing exact to show).
 */
export function selectionDifference(bank: readonly Money[], ledger: readonly Money[]): Money | null {
  const all = [...bank, ...ledger];
  const currency = all[0]?.currency;
  if (currency === undefined || all.some((m) => m.currency !== currency)) return null;
  const amount = sumDecimals(
    bank.map((m) => m.amount),
    ledger.map((m) => m.amount),
  );
  return amount === null ? null : { amount, currency };
}

/** Sum of amounts in one currency, or null when they mix currencies or are none. */
export function sumMoney(items: readonly Money[]): Money | null {
  const currency = items[0]?.currency;
  if (currency === undefined || items.some((m) => m.currency !== currency)) return null;
  const amount = sumDecimals(items.map((m) => m.amount));
  return amount === null ? null : { amount, currency };
}

export function isZeroMoney(m: Money | null): boolean {
  return m !== null && isZeroAmount(m.amount);
}

export const STATE_FILTERS: readonly { value: LineStateFilter | "all"; label: string }[] = [
  { value: "open", label: "Open" },
  { value: "unmatched", label: "Unmatched" },
  { value: "suggested", label: "Suggested" },
  { value: "matched", label: "Matched" },
  { value: "all", label: "All" },
];

export function stateBadgeClass(state: LineState): string {
  switch (state) {
    case "matched":
      return "badge badge-ok";
    case "suggested":
      return "badge badge-info";
    case "unmatched":
      return "badge badge-danger";
  }
}

export function matchKindLabel(kind: MatchKind): string {
  switch (kind) {
    case "auto":
      return "automatic";
    case "suggested":
      return "suggested";
    case "manual":
      return "manual";
  }
}

export function openItemLabel(kind: OpenItemKind): string {
  switch (kind) {
    case "bankNotInLedger":
      return "In bank, not in ledger";
    case "ledgerNotInBank":
      return "In ledger, not in bank";
    case "matchDifference":
      return "Difference of a settled match";
    case "statementDiscrepancy":
      return "Statement does not add up";
    case "openingDifference":
      return "Opening difference";
  }
}

export function icIssueLabel(issue: IcIssue, entityA = "A", entityB = "B"): string {
  switch (issue) {
    case "missingAtA":
      return `missing at ${entityA}`;
    case "missingAtB":
      return `missing at ${entityB}`;
    case "amountDiffers":
      return "amounts differ";
    case "currencyDiffers":
      return "currencies differ";
  }
}

/** "2024-03" → "Mar 2024". */
export function periodLabel(period: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) return period;
  const names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const index = names.findIndex((_, i) => String(i + 1).padStart(2, "0") === match[2]);
  return index >= 0 ? `${names[index]} ${match[1]}` : period;
}

/** Paths typed or pasted one per line (or separated by commas), trimmed, without blanks. */
export function parsePaths(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((p) => p.trim().replace(/^["']|["']$/g, ""))
    .filter((p) => p.length > 0);
}
