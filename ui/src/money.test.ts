import { describe, expect, it } from "vitest";
import { formatMoney, isNegative, minorDigits } from "./money";

const fmt = (amount: string, currency: string) => formatMoney({ amount, currency });

describe("formatMoney", () => {
  it("groups thousands and pads to two decimals", () => {
    expect(fmt("-1234567.5", "EUR")).toBe("-1,234,567.50 EUR");
    expect(fmt("12345.60", "USD")).toBe("12,345.60 USD");
    expect(fmt("999", "USD")).toBe("999.00 USD");
    expect(fmt("1000", "GBP")).toBe("1,000.00 GBP");
  });

  it("handles zero in its various spellings", () => {
    expect(fmt("0", "EUR")).toBe("0.00 EUR");
    expect(fmt("0.00", "EUR")).toBe("0.00 EUR");
    expect(fmt("-0.00", "EUR")).toBe("0.00 EUR");
    expect(fmt("0", "JPY")).toBe("0 JPY");
  });

  it("uses zero decimals for JPY", () => {
    expect(fmt("1234567", "JPY")).toBe("1,234,567 JPY");
    expect(fmt("-500", "JPY")).toBe("-500 JPY");
    expect(fmt("1000.00", "JPY")).toBe("1,000 JPY");
  });

  it("uses three decimals for KWD", () => {
    expect(fmt("1234.5", "KWD")).toBe("1,234.500 KWD");
  });

  it("keeps extra decimals instead of rounding", () => {
    expect(fmt("1234.5678", "EUR")).toBe("1,234.5678 EUR");
    expect(fmt("0.005", "USD")).toBe("0.005 USD");
    expect(fmt("10.5", "JPY")).toBe("10.5 JPY");
    expect(fmt("1.2300", "EUR")).toBe("1.23 EUR");
  });

  it("formats amounts far beyond float precision exactly", () => {
    expect(fmt("123456789012345678901234.99", "USD")).toBe(
      "123,456,789,012,345,678,901,234.99 USD",
    );
    expect(fmt("9007199254740993.01", "EUR")).toBe("9,007,199,254,740,993.01 EUR");
  });

  it("normalises leading zeros, plus signs and bare fractions", () => {
    expect(fmt("000123.4", "EUR")).toBe("123.40 EUR");
    expect(fmt("+42", "EUR")).toBe("42.00 EUR");
    expect(fmt(".5", "EUR")).toBe("0.50 EUR");
    expect(fmt("-.5", "EUR")).toBe("-0.50 EUR");
  });

  it("shows a malformed amount unchanged rather than guessing", () => {
    expect(fmt("12,5", "EUR")).toBe("12,5 EUR");
    expect(fmt("", "EUR")).toBe(" EUR");
    expect(fmt("1e5", "EUR")).toBe("1e5 EUR");
  });
});

describe("minorDigits", () => {
  it("knows the ISO 4217 exceptions", () => {
    expect(minorDigits("EUR")).toBe(2);
    expect(minorDigits("jpy")).toBe(0);
    expect(minorDigits("BHD")).toBe(3);
  });
});

describe("isNegative", () => {
  it("is a string check", () => {
    expect(isNegative("-0.01")).toBe(true);
    expect(isNegative("-0.00")).toBe(false);
    expect(isNegative("5")).toBe(false);
  });
});
