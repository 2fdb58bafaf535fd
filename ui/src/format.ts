const COUNT_FORMAT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Counts only (integers); money goes through formatMoney. */
export function formatCount(count: number): string {
  return COUNT_FORMAT.format(count);
}

export function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
