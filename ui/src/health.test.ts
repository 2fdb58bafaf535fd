import { describe, expect, it } from "vitest";
import type { ConnectionHealth } from "./bindings";
import { actionTone, connectionTone, faultLabel, humanize, kindLabel, runTone, STALE_AFTER_SECONDS } from "./health";

const base: ConnectionHealth = {
  connectionId: "c",
  name: "C",
  kind: "ap",
  endpoint: "http://127.0.0.1:1",
  lastRunAt: "2026-11-22T08:00:00Z",
  lastRunStatus: "ok",
  lastSuccessAt: "2026-11-22T08:00:00Z",
  freshnessSeconds: 10,
  throughputPerSecond: 100,
  lastRunMs: 200,
  errorRatePercent: 0,
  recentRunCount: 20,
  circuit: "closed",
  consecutiveFailures: 0,
  pendingActions: 0,
  refusedActions: 0,
  deadLetters: 0,
  lastError: null,
};

describe("connectionTone", () => {
  it("is green when the last run was ok", () => {
    expect(connectionTone(base)).toEqual({ tone: "ok", label: "Healthy" });
  });

  it("is amber when partial, half-open or stale", () => {
    expect(connectionTone({ ...base, lastRunStatus: "partial" }).tone).toBe("warn");
    expect(connectionTone({ ...base, circuit: "halfOpen" })).toEqual({ tone: "warn", label: "Recovering" });
    expect(connectionTone({ ...base, freshnessSeconds: STALE_AFTER_SECONDS + 1 })).toEqual({
      tone: "warn",
      label: "Stale",
    });
  });

  it("is red when failed or the circuit is open, whatever else holds", () => {
    expect(connectionTone({ ...base, lastRunStatus: "failed" }).tone).toBe("error");
    expect(connectionTone({ ...base, circuit: "open", lastRunStatus: "partial" })).toEqual({
      tone: "error",
      label: "Circuit open",
    });
  });

  it("is grey before the first run", () => {
    expect(
      connectionTone({ ...base, lastRunStatus: null, lastSuccessAt: null, freshnessSeconds: null }).tone,
    ).toBe("unknown");
  });
});

describe("labels", () => {
  it("formats fault modes, kinds and statuses", () => {
    expect(faultLabel(0)).toBe("Off");
    expect(faultLabel(200)).toBe("20%");
    expect(faultLabel(100)).toBe("10%");
    expect(faultLabel(15)).toBe("1.5%");
    expect(humanize("approval_decision")).toBe("Approval decision");
    expect(kindLabel("ap")).toBe("AP automation");
    expect(kindLabel("erp")).toBe("ERP · OData");
    expect(kindLabel("treasury")).toBe("Treasury · ISO 20022");
    expect(kindLabel("bank_statements")).toBe("Bank statements");
    expect(runTone("partial")).toBe("warn");
    expect(runTone("running")).toBe("unknown");
    expect(actionTone("queued", 0)).toBe("unknown");
    expect(actionTone("queued", 3)).toBe("warn");
    expect(actionTone("refused", 1)).toBe("error");
  });
});
