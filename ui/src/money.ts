import type { Money } from "./bindings";

/**
 * Money is formatted purely by string manipulation: the decimal string from
 * the backend is never turned into a JS number, so nothing is ever rounded.
 */

// ISO 4217 minor units for the currencies that do not use 2 decimals.
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function groupThousands(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits.charAt(i);
  }
  return out;
}

/**
 * "-1234567.5" EUR → "-1,234,567.50 EUR".
 * Pads the fraction to the currency's minor digits; extra digits are kept
 * (trailing zeros beyond the minor digits are dropped, which loses nothing).
 * A string that is not a plain decimal is shown unchanged.
 */
export function formatMoney(m: Money): string {
  const raw = m.amount.trim();
  const match = DECIMAL.exec(raw);
  const intRaw = match?.[2] ?? "";
  const fracRaw = match?.[3] ?? "";
  if (!match || (intRaw === "" && fracRaw === "")) return `${m.amount} ${m.currency}`;

  const minor = minorDigits(m.currency);
  let frac = fracRaw;
  while (frac.length > minor && frac.endsWith("0")) frac = frac.slice(0, -1);
  frac = frac.padEnd(minor, "0");

  const intDigits = intRaw.replace(/^0+/, "") || "0";
  const isZero = /^0*$/.test(intRaw) && /^0*$/.test(fracRaw);
  const sign = match[1] === "-" && !isZero ? "-" : "";

  const number = frac ? `${groupThousands(intDigits)}.${frac}` : groupThousands(intDigits);
  return `${sign}${number} ${m.currency}`;
}

/** True when the decimal string is below zero (string check, no float). */
export function isNegative(amount: string): boolean {
  return /^\s*-/.test(amount) && /[1-9]/.test(amount);
}

/** A decimal string as an integer count of 10^-scale units (BigInt, never a float). */
function toScaled(amount: string, scale: number): bigint | null {
  const match = DECIMAL.exec(amount.trim());
  if (!match) return null;
  const int = match[2] ?? "";
  const frac = match[3] ?? "";
  if (int === "" && frac === "") return null;
  if (frac.length > scale) return null;
  const digits = `${int || "0"}${frac.padEnd(scale, "0")}`;
  const value = BigInt(digits);
  return match[1] === "-" ? -value : value;
}

function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function fractionDigits(amount: string): number {
  return DECIMAL.exec(amount.trim())?.[3]?.length ?? 0;
}

/**
 * Exact sum of decimal strings (BigInt arithmetic on the digits), or null when
 * one of them is not a plain decimal. `negate` lists amounts to subtract.
 */
export function sumDecimals(add: readonly string[], negate: readonly string[] = []): string | null {
  const all = [...add, ...negate];
  const scale = Math.max(0, ...all.map(fractionDigits));
  let total = 0n;
  for (const a of add) {
    const v = toScaled(a, scale);
    if (v === null) return null;
    total += v;
  }
  for (const a of negate) {
    const v = toScaled(a, scale);
    if (v === null) return null;
    total -= v;
  }
  return fromScaled(total, scale);
}

/** True when the decimal string is zero ("0", "-0.00", ".0"). */
export function isZeroAmount(amount: string): boolean {
  return !/[1-9]/.test(amount);
}
