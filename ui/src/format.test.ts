import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDuration, formatSeconds } from "./format";

describe("integer formats", () => {
  it("groups counts", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("shows bytes in SI units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(950)).toBe("950 B");
    expect(formatBytes(12_345)).toBe("12.3 kB");
    expect(formatBytes(1_904_331)).toBe("1.9 MB");
    expect(formatBytes(3_000_000_000)).toBe("3 GB");
  });

  it("shows durations", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(2_340)).toBe("2.3 s");
    expect(formatDuration(65_000)).toBe("1 min 05 s");
  });

  it("shows ages in seconds", () => {
    expect(formatSeconds(12)).toBe("12 s");
    expect(formatSeconds(600)).toBe("10 min");
    expect(formatSeconds(7_200)).toBe("2 h");
    expect(formatSeconds(200_000)).toBe("2 d");
  });
});
