/** Relative and calendar helpers. Only times are parsed here, never money. */

export function formatRelative(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.floor((nowMs - then) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} d ago`;
}

/** Today's calendar date (YYYY-MM-DD) in the given IANA time zone. */
export function todayIn(timeZone: string | undefined, nowMs: number): string {
  const format = (tz: string | undefined) =>
    new Intl.DateTimeFormat("en-CA", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(nowMs);
  try {
    return format(timeZone);
  } catch {
    return format(undefined);
  }
}

/** The YYYY-MM-DD part of a date or date-time string. */
export function calendarDate(isoDate: string): string {
  return isoDate.slice(0, 10);
}

/** Due strictly before today (ISO dates compare correctly as strings). */
export function isPastDue(dueDate: string, today: string): boolean {
  return calendarDate(dueDate) < today;
}

/** Local wall-clock time for a tooltip. */
export function formatTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toLocaleString();
}

/** A time that may lie ahead: "in 12 s", "in 3 min", or "due" once it has passed. */
export function formatFromNow(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.ceil((then - nowMs) / 1000);
  if (seconds <= 0) return "due";
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} d`;
}

/** Local time of day (with seconds) for tables of recent events. */
export function formatClock(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
