import { describe, expect, it } from "vitest";
import type { CashPosition, PaymentRunRow } from "./bindings";
import { screenFromHash } from "./navigation";
import {
  cashCharts,
  exceptionHref,
  filterCounts,
  formatWhen,
  isTraceKey,
  paymentKey,
  statusClass,
  traceStateView,
} from "./payments";

const key = (k: string, extra: Partial<Parameters<typeof paymentKey>[0]> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: { tagName: "DIV" },
  ...extra,
});

const run = (id: string, n: [number, number, number, number]): PaymentRunRow => ({
  id,
  entity: "DE01",
  accountId: "ACC-1",
  valueDate: "2024-05-02",
  status: "sent",
  createdBy: "u-tess",
  total: { amount: "100.00", currency: "EUR" },
  instructions: n[0],
  settled: n[1],
  rejected: n[2],
  inFlight: n[3],
});

describe("payments keys", () => {
  it("maps movement, Enter, t and / and ignores typing and modifiers", () => {
    expect(paymentKey(key("j"))).toBe("next");
    expect(paymentKey(key("ArrowUp"))).toBe("prev");
    expect(paymentKey(key("Enter"))).toBe("open");
    expect(paymentKey(key("t"))).toBe("trace");
    expect(paymentKey(key("/"))).toBe("focusSearch");
    expect(paymentKey(key("a"))).toBeNull();
    expect(paymentKey(key("t", { target: { tagName: "INPUT" } }))).toBeNull();
    expect(paymentKey(key("t", { ctrlKey: true }))).toBeNull();
    expect(paymentKey(key("t", { repeat: true }))).toBeNull();
    expect(paymentKey(key("j", { repeat: true }))).toBe("next");
  });

  it("leaves Enter on a focused link or button to that control", () => {
    expect(paymentKey(key("Enter", { target: { tagName: "BUTTON" } }))).toBeNull();
    expect(paymentKey(key("Enter", { target: { tagName: "a" } }))).toBeNull();
  });

  it("recognises the trace key alone for other screens", () => {
    expect(isTraceKey(key("t"))).toBe(true);
    expect(isTraceKey(key("t", { target: { tagName: "TEXTAREA" } }))).toBe(false);
    expect(isTraceKey(key("t", { metaKey: true }))).toBe(false);
    expect(isTraceKey(key("j"))).toBe(false);
  });
});

describe("payments helpers", () => {
  it("counts per filter from the runs, for all runs or the selected one", () => {
    const runs = [run("R1", [10, 6, 1, 3]), run("R2", [5, 1, 2, 2])];
    expect(filterCounts(runs, null)).toEqual({ all: 15, settled: 7, rejected: 3, in_flight: 5 });
    expect(filterCounts(runs, "R2")).toEqual({ all: 5, settled: 1, rejected: 2, in_flight: 2 });
    expect(filterCounts(runs, null).unconfirmed).toBeUndefined();
  });

  it("colours known ISO codes by code and everything else neutral", () => {
    expect(statusClass("RJCT")).toBe("RJCT");
    expect(statusClass("ACSC")).toBe("ACSC");
    expect(statusClass("<script>")).toBe("other");
  });

  it("links exceptions to a route the Exceptions screen owns", () => {
    const href = exceptionHref("bank_rejection:treasury:PI-1");
    expect(screenFromHash(href)).toBe("exceptions");
    expect(decodeURIComponent(href.slice("#/exceptions/".length))).toBe("bank_rejection:treasury:PI-1");
  });

  it("keeps calendar dates as sent", () => {
    expect(formatWhen("2024-05-02")).toBe("2024-05-02");
    expect(formatWhen("2024-05-02T10:00:00Z")).not.toBe("2024-05-02T10:00:00Z");
  });

  it("marks stuck and failed trace stages as alarms", () => {
    expect(traceStateView("done")).toMatchObject({ icon: "✓", tone: "done" });
    expect(traceStateView("stuck").tone).toBe("alert");
    expect(traceStateView("failed").tone).toBe("alert");
    expect(traceStateView("waiting").tone).toBe("waiting");
  });
});

describe("cash chart data", () => {
  // 2^53 + 1: a float cannot hold it, so an exact label proves the string was kept.
  const BIG = "9007199254740993.01";
  const position: CashPosition = {
    series: [
      {
        accountId: "A1",
        entity: "US01",
        bankName: "First Bank",
        iban: "US00 1111",
        currency: "USD",
        latest: { amount: BIG, currency: "USD" },
        points: [
          { date: "2024-05-02", balance: BIG },
          { date: "2024-05-01", balance: "10.10" },
        ],
      },
      {
        accountId: "E1",
        entity: "DE01",
        bankName: "Hausbank",
        iban: "DE00 2222",
        currency: "EUR",
        latest: { amount: "0.1", currency: "EUR" },
        points: [{ date: "2024-05-01", balance: "0.1" }],
      },
      {
        accountId: "A2",
        entity: "US02",
        bankName: "Second Bank",
        iban: "US00 3333",
        currency: "USD",
        latest: null,
        points: [{ date: "2024-05-03", balance: "-5" }],
      },
    ],
    totals: [],
  };

  it("makes one chart per currency with the dates of all its accounts in order", () => {
    const charts = cashCharts(position);
    expect(charts.map((c) => c.currency)).toEqual(["EUR", "USD"]);
    const usd = charts[1]!;
    expect(usd.series.map((s) => s.accountId)).toEqual(["A1", "A2"]);
    expect(usd.data.map((d) => d.date)).toEqual(["2024-05-01", "2024-05-02", "2024-05-03"]);
    expect(usd.data[2]!.exact).toEqual({ A2: "-5" });
    expect(usd.data[2]!.plot).toEqual({ A2: -5 });
  });

  it("keeps the exact decimal strings next to the plotting positions", () => {
    const usd = cashCharts(position)[1]!;
    const day = usd.data.find((d) => d.date === "2024-05-02")!;
    expect(day.exact.A1).toBe(BIG);
    expect(typeof day.plot.A1).toBe("number");
    // The float lost the last digit; the label must not come from it.
    expect(String(day.plot.A1)).not.toBe(BIG);
  });
});
