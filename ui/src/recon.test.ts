import { describe, expect, it } from "vitest";
import { sumDecimals } from "./money";
import { formatConfidence, parsePaths, periodLabel, selectionDifference, sumMoney } from "./recon";

describe("recon helpers", () => {
  it("formats basis points by integer math", () => {
    expect(formatConfidence(9550)).toBe("95.50 %");
    expect(formatConfidence(10000)).toBe("100.00 %");
    expect(formatConfidence(7)).toBe("0.07 %");
    expect(formatConfidence(0)).toBe("0.00 %");
  });

  it("sums decimal strings exactly", () => {
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["1200.00"], ["1150.5"])).toBe("49.50");
    expect(sumDecimals(["-5"], ["-5"])).toBe("0");
    expect(sumDecimals(["12345678901234567890.01", "0.99"])).toBe("12345678901234567891.00");
    expect(sumDecimals(["abc"])).toBeNull();
  });

  it("computes a selection's difference only within one currency", () => {
    const eur = (amount: string) => ({ amount, currency: "EUR" });
    expect(selectionDifference([eur("100.00"), eur("20.00")], [eur("119.50")])).toEqual(eur("0.50"));
    expect(selectionDifference([eur("1")], [{ amount: "1", currency: "USD" }])).toBeNull();
    expect(selectionDifference([], [])).toBeNull();
    expect(sumMoney([eur("1.10"), eur("2.205")])).toEqual(eur("3.305"));
  });

  it("reads periods and paths", () => {
    expect(periodLabel("2024-03")).toBe("Mar 2024");
    expect(periodLabel("x")).toBe("x");
    expect(parsePaths(' /a/b.xml\n"/c d/e.sta" , \n')).toEqual(["/a/b.xml", "/c d/e.sta"]);
  });
});
