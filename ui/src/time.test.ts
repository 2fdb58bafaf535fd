import { describe, expect, it } from "vitest";
import { calendarDate, formatFromNow, formatRelative, isPastDue, todayIn } from "./time";

const NOW = Date.parse("2025-03-10T12:00:00Z");

describe("formatRelative", () => {
  it("counts seconds, minutes, hours and days", () => {
    expect(formatRelative("2025-03-10T12:00:00Z", NOW)).toBe("just now");
    expect(formatRelative("2025-03-10T11:59:48Z", NOW)).toBe("12 s ago");
    expect(formatRelative("2025-03-10T11:57:00Z", NOW)).toBe("3 min ago");
    expect(formatRelative("2025-03-10T09:00:00Z", NOW)).toBe("3 h ago");
    expect(formatRelative("2025-03-08T11:00:00Z", NOW)).toBe("2 d ago");
  });

  it("treats a clock slightly ahead as just now", () => {
    expect(formatRelative("2025-03-10T12:00:03Z", NOW)).toBe("just now");
  });

  it("respects offsets in the timestamp", () => {
    expect(formatRelative("2025-03-10T13:59:30+02:00", NOW)).toBe("30 s ago");
  });

  it("returns unparseable input unchanged", () => {
    expect(formatRelative("yesterday", NOW)).toBe("yesterday");
  });
});

describe("dates", () => {
  it("computes today in an entity's time zone", () => {
    const lateUtc = Date.parse("2025-03-10T23:30:00Z");
    expect(todayIn("UTC", lateUtc)).toBe("2025-03-10");
    expect(todayIn("Asia/Tokyo", lateUtc)).toBe("2025-03-11");
    expect(todayIn("America/New_York", Date.parse("2025-03-10T03:00:00Z"))).toBe("2025-03-09");
  });

  it("falls back to the local zone for an unknown zone", () => {
    expect(todayIn("Not/AZone", NOW)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("compares due dates as calendar dates", () => {
    expect(isPastDue("2025-03-09", "2025-03-10")).toBe(true);
    expect(isPastDue("2025-03-10", "2025-03-10")).toBe(false);
    expect(isPastDue("2025-03-09T00:00:00Z", "2025-03-10")).toBe(true);
    expect(calendarDate("2025-03-09T10:00:00Z")).toBe("2025-03-09");
  });
});

describe("formatFromNow", () => {
  it("counts down to a time ahead and says due once it passed", () => {
    expect(formatFromNow("2025-03-10T12:00:42Z", NOW)).toBe("in 42 s");
    expect(formatFromNow("2025-03-10T12:05:00Z", NOW)).toBe("in 5 min");
    expect(formatFromNow("2025-03-10T15:00:00Z", NOW)).toBe("in 3 h");
    expect(formatFromNow("2025-03-10T12:00:00Z", NOW)).toBe("due");
    expect(formatFromNow("2025-03-10T11:00:00Z", NOW)).toBe("due");
    expect(formatFromNow("soon", NOW)).toBe("soon");
  });
});
