import { describe, expect, it } from "vitest";
import type { AgingSummary } from "./bindings";
import { bucketFromLabel, bucketTotal, chartData, entityTotal } from "./aging";

const summary: AgingSummary = {
  entities: [
    {
      entityCode: "DE01",
      entityName: "Acme GmbH",
      currency: "EUR",
      cells: [
        { bucket: "d0_2", count: 3, amount: { amount: "300.00", currency: "EUR" } },
        { bucket: "over20", count: 1, amount: { amount: "5.00", currency: "EUR" } },
      ],
    },
    {
      entityCode: "JP01",
      entityName: "Acme KK",
      currency: "JPY",
      cells: [{ bucket: "d0_2", count: 2, amount: { amount: "1000", currency: "JPY" } }],
    },
  ],
};

describe("aging", () => {
  it("builds one datum per bucket with counts per entity, zero-filled", () => {
    const data = chartData(summary);
    expect(data.map((d) => d.label)).toEqual(["0–2", "3–5", "6–10", "11–20", ">20"]);
    expect(data[0]).toMatchObject({ bucket: "d0_2", DE01: 3, JP01: 2 });
    expect(data[4]).toMatchObject({ bucket: "over20", DE01: 1, JP01: 0 });
  });

  it("totals counts per entity and per bucket", () => {
    expect(entityTotal(summary.entities[0]!)).toBe(4);
    expect(bucketTotal(summary, "d0_2")).toBe(5);
  });

  it("maps chart labels back to buckets", () => {
    expect(bucketFromLabel("6–10")).toBe("d6_10");
    expect(bucketFromLabel("nope")).toBeNull();
  });
});
