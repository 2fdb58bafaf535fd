/** Pure logic of the Integration health screen. */
import type { ActionStatus, CircuitState, ConnectionHealth } from "./bindings";

export type Tone = "ok" | "warn" | "error" | "unknown";

/** A connection with no successful run for this long is stale (the runner syncs every 15 s). */
export const STALE_AFTER_SECONDS = 120;

/**
 * The card's status dot: red when the circuit is open or the last run failed,
 * amber when it was partial, the circuit is half-open or the data is stale,
 * green when the last run was ok.
 */
export function connectionTone(c: ConnectionHealth): { tone: Tone; label: string } {
  if (c.circuit === "open") return { tone: "error", label: "Circuit open" };
  if (c.lastRunStatus === "failed") return { tone: "error", label: "Failing" };
  if (c.circuit === "halfOpen") return { tone: "warn", label: "Recovering" };
  if (c.lastRunStatus === "partial") return { tone: "warn", label: "Partial" };
  if (c.freshnessSeconds !== null && c.freshnessSeconds > STALE_AFTER_SECONDS) {
    return { tone: "warn", label: "Stale" };
  }
  if (c.lastRunStatus === "ok") return { tone: "ok", label: "Healthy" };
  return { tone: "unknown", label: "No runs yet" };
}

export const CIRCUIT_LABELS: Readonly<Record<CircuitState, string>> = {
  closed: "Closed",
  open: "Open",
  halfOpen: "Half-open",
};

export function circuitTone(circuit: CircuitState): Tone {
  return circuit === "open" ? "error" : circuit === "halfOpen" ? "warn" : "ok";
}

/** Tone of a sync run's status: ok, partial, failed (running and others are neutral). */
export function runTone(status: string): Tone {
  switch (status) {
    case "ok":
      return "ok";
    case "partial":
      return "warn";
    case "failed":
      return "error";
    default:
      return "unknown";
  }
}

export function errorRateTone(percent: number): Tone {
  if (percent >= 50) return "error";
  if (percent > 0) return "warn";
  return "ok";
}

export const ACTION_STATUS_LABELS: Readonly<Record<ActionStatus, string>> = {
  queued: "Queued",
  delivering: "Sending",
  delivered: "Delivered",
  refused: "Refused",
};

export function actionTone(status: ActionStatus, attempts: number): Tone {
  switch (status) {
    case "refused":
      return "error";
    case "delivered":
      return "ok";
    case "queued":
      return attempts > 0 ? "warn" : "unknown";
    case "delivering":
      return "unknown";
  }
}

/** Connector kinds by their short names. */
const KIND_LABELS: Readonly<Record<string, string>> = {
  ap: "AP automation",
  erp: "ERP · OData",
  treasury: "Treasury · ISO 20022",
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? humanize(kind);
}

/** "approval_decision" → "Approval decision". */
export function humanize(kind: string): string {
  const words = kind.replace(/[_.-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The demo fault modes offered in the select, in per mille of requests. */
export const FAULT_MODES: readonly { perMille: number; label: string }[] = [
  { perMille: 0, label: "Off" },
  { perMille: 50, label: "5%" },
  { perMille: 200, label: "20%" },
  { perMille: 500, label: "50%" },
];

/** 0 → "Off", 200 → "20%", 15 → "1.5%". */
export function faultLabel(perMille: number): string {
  const known = FAULT_MODES.find((m) => m.perMille === perMille);
  if (known) return known.label;
  const whole = Math.floor(perMille / 10);
  const tenth = perMille % 10;
  return tenth === 0 ? `${whole}%` : `${whole}.${tenth}%`;
}
