const COUNT_FORMAT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Counts only (integers); money goes through formatMoney. */
export function formatCount(count: number): string {
  return COUNT_FORMAT.format(count);
}

export function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

const ONE_DECIMAL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

/** Byte counts in SI units: 950 B, 12.3 kB, 4.1 MB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = unit === 0 ? formatCount(value) : ONE_DECIMAL.format(value);
  return `${text} ${BYTE_UNITS[unit]}`;
}

/** Durations of runs: 850 ms, 2.3 s, 4 min 05 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${formatCount(ms)} ms`;
  if (ms < 60_000) return `${ONE_DECIMAL.format(ms / 1000)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${formatCount(minutes)} min ${String(seconds).padStart(2, "0")} s`;
}

/** An age in whole seconds: 12 s, 4 min, 3 h, 2 d. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${formatCount(Math.max(0, seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${formatCount(minutes)} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${formatCount(hours)} h`;
  return `${formatCount(Math.floor(hours / 24))} d`;
}
