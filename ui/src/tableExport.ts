/**
 * Table export: the same column definitions become a CSV (RFC 4180) or an XLSX
 * workbook, and the bytes are saved by the backend into the person's Downloads.
 * Money is never turned into a float for CSV; see `xlsxAmount` for the XLSX rule.
 */
import type * as ExcelJSModule from "exceljs";
import { unwrap } from "./api";
import { commands, type Money } from "./bindings";
import { minorDigits } from "./money";
import { pickColumns } from "./tableViews";

/** One exported value of a row. A money field becomes two columns: the amount and its currency. */
export type ExportField<Row> =
  | { header: string; type: "text"; value: (row: Row) => string | null }
  /** ISO dates and timestamps, written as text so no program reinterprets them in a time zone. */
  | { header: string; type: "date"; value: (row: Row) => string | null }
  | { header: string; type: "integer"; value: (row: Row) => number | null }
  | { header: string; type: "money"; value: (row: Row) => Money | null };

export type ExportFormat = "csv" | "xlsx";

export interface ExportRows<Row> {
  rows: Row[];
  /** Set when more rows matched than were exported: the number exported. */
  cappedAt: number | null;
}

/** Keyset pages are fetched this large for an export (the backend's maximum page). */
export const EXPORT_PAGE_SIZE = 500;
/** A limit on what one export holds, so a runaway filter cannot freeze the app. */
export const EXPORT_ROW_CAP = 100_000;

// ----- headers and cells -----

export function exportHeaders<Row>(fields: readonly ExportField<Row>[]): string[] {
  return fields.flatMap((f) => (f.type === "money" ? [f.header, `${f.header} currency`] : [f.header]));
}

/** Text cells starting like a formula are prefixed with ' so a spreadsheet shows them, never runs them. */
const FORMULA_START = /^[=+\-@\t\r]/;

function safeText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Plain strings per output column; money stays the exact decimal string from the backend. */
function csvCells<Row>(field: ExportField<Row>, row: Row): string[] {
  switch (field.type) {
    case "money": {
      const m = field.value(row);
      return m === null ? ["", ""] : [m.amount.trim(), m.currency];
    }
    case "integer": {
      const n = field.value(row);
      return [n === null ? "" : String(n)];
    }
    case "date":
      return [field.value(row) ?? ""];
    case "text":
      return [safeText(field.value(row) ?? "")];
  }
}

// ----- CSV -----

/** RFC 4180: a field with a comma, quote or line break is quoted, and its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A header row, then one record per row, each ended by CRLF (RFC 4180). */
export function toCsv<Row>(fields: readonly ExportField<Row>[], rows: readonly Row[]): string {
  const lines = [exportHeaders(fields).map(csvField).join(",")];
  for (const row of rows) lines.push(fields.flatMap((f) => csvCells(f, row)).map(csvField).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** UTF-8 with a byte order mark: without it Excel reads "Müller GmbH" as the local code page. */
export function csvBytes(csv: string): Uint8Array {
  const body = new TextEncoder().encode(csv);
  const bytes = new Uint8Array(body.length + 3);
  bytes.set([0xef, 0xbb, 0xbf]);
  bytes.set(body, 3);
  return bytes;
}

// ----- XLSX -----

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * The amount as an Excel number, or null when it must stay text. Excel stores
 * every number as a double and shows at most 15 significant digits, so amounts
 * up to 15 significant digits display exactly; a longer one (or anything that is
 * not a plain decimal) is written as its exact string instead of a silently
 * rounded number. The CSV keeps the exact strings in every case.
 */
export function xlsxAmount(amount: string): number | null {
  const match = DECIMAL.exec(amount.trim());
  if (!match) return null;
  const digits = `${match[2] ?? ""}${match[3] ?? ""}`;
  if (digits === "") return null;
  const significant = digits.replace(/^0+/, "").replace(/0+$/, "");
  if (significant.length > 15) return null;
  // eslint-disable-next-line no-restricted-syntax -- the XLSX cell is a double by design; see above.
  const value = Number(amount.trim());
  return Number.isFinite(value) ? value : null;
}

/** "#,##0.00" with the currency's minor digits, more if the amount has more (nothing is hidden). */
export function amountFormat(amount: string, currency: string): string {
  const fraction = DECIMAL.exec(amount.trim())?.[3]?.replace(/0+$/, "").length ?? 0;
  const decimals = Math.max(minorDigits(currency), fraction);
  return decimals === 0 ? "#,##0" : `#,##0.${"0".repeat(decimals)}`;
}

async function loadExcel(): Promise<typeof ExcelJSModule> {
  // Loaded on first export only: the library is large and most sessions never export.
  const mod = await import("exceljs");
  // The CommonJS/UMD build arrives as `default` under Vite; its typings describe named exports.
  return (mod as { default?: typeof ExcelJSModule }).default ?? mod;
}

/** Sheet names are at most 31 characters and may not contain : \ / ? * [ ]. */
function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, " ").slice(0, 31) || "Export";
}

export async function toXlsx<Row>(
  fields: readonly ExportField<Row>[],
  rows: readonly Row[],
  name: string,
): Promise<Uint8Array> {
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(sheetName(name), { views: [{ state: "frozen", ySplit: 1 }] });

  const headers = exportHeaders(fields);
  const header = sheet.addRow(headers);
  header.font = { bold: true };
  const widths = headers.map((h) => h.length);

  rows.forEach((row) => {
    const sheetRow = sheet.addRow([]);
    let col = 1;
    const put = (value: string | number | null, numFmt?: string, alignRight = false) => {
      const cell = sheetRow.getCell(col);
      if (value !== null && value !== "") {
        cell.value = value;
        if (numFmt) cell.numFmt = numFmt;
        if (alignRight) cell.alignment = { horizontal: "right" };
        widths[col - 1] = Math.max(widths[col - 1] ?? 0, String(value).length + (numFmt ? 4 : 0));
      }
      col += 1;
    };
    for (const field of fields) {
      switch (field.type) {
        case "money": {
          const m = field.value(row);
          const number = m === null ? null : xlsxAmount(m.amount);
          if (m === null) put(null);
          else if (number === null) put(m.amount.trim(), undefined, true);
          else put(number, amountFormat(m.amount, m.currency));
          put(m?.currency ?? null);
          break;
        }
        case "integer":
          put(field.value(row));
          break;
        case "date":
          // A string cell: Excel keeps "2026-11-28" as typed instead of a serial date in some zone.
          put(field.value(row));
          break;
        case "text":
          // No ' guard here (unlike CSV): an XLSX string cell is never evaluated as a formula.
          put(field.value(row));
          break;
      }
    }
  });

  widths.forEach((w, i) => {
    sheet.getColumn(i + 1).width = Math.min(60, Math.max(10, w + 2));
  });
  if (headers.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };

  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer);
}

// ----- fetching and saving -----

export interface Page<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/**
 * Every row matching a keyset-paged query: pages of `pageSize` until the cursor
 * runs out, or `cap` rows (then `cappedAt` says so). The list on screen only
 * holds what was scrolled to; an export must not silently stop there.
 */
export async function fetchAllPages<Row>(
  fetchPage: (after: string | null, limit: number) => Promise<Page<Row>>,
  options: { pageSize?: number; cap?: number; onProgress?: (fetched: number) => void } = {},
): Promise<ExportRows<Row>> {
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  const cap = options.cap ?? EXPORT_ROW_CAP;
  const rows: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page<Row> = await fetchPage(after, Math.min(pageSize, cap - rows.length));
    rows.push(...page.rows.slice(0, cap - rows.length));
    options.onProgress?.(rows.length);
    if (page.nextCursor === null) return { rows, cappedAt: null };
    if (rows.length >= cap) return { rows, cappedAt: cap };
    // A page that moves nothing forward would loop for ever.
    if (page.rows.length === 0 || page.nextCursor === after) throw new Error("The list stopped paging; export again.");
    after = page.nextCursor;
  }
}

/** "exceptions-2026-11-28.csv" in the person's local date; the backend adds " (2)" if it exists. */
export function exportFileName(base: string, format: ExportFormat, now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const stem = base.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "export";
  return `${stem}-${date}.${format}`;
}

export interface ExportRequest<Row> {
  /** File name stem ("exceptions") and sheet name ("Exceptions"). */
  fileBase: string;
  title: string;
  fields: readonly ExportField<Row>[];
  loadRows: (onProgress: (fetched: number) => void) => Promise<ExportRows<Row>>;
}

export interface ExportResult {
  path: string;
  rows: number;
  cappedAt: number | null;
}

/** Loads the rows, builds the file and has the backend save it; rejects with the backend's refusal. */
export async function exportTable<Row>(
  format: ExportFormat,
  request: ExportRequest<Row>,
  onProgress: (fetched: number) => void = () => undefined,
): Promise<ExportResult> {
  const { rows, cappedAt } = await request.loadRows(onProgress);
  const bytes =
    format === "csv" ? csvBytes(toCsv(request.fields, rows)) : await toXlsx(request.fields, rows, request.title);
  // The binding takes the bytes as a JSON array of numbers.
  const path = await unwrap(commands.saveExport(exportFileName(request.fileBase, format), Array.from(bytes)));
  return { path, rows: rows.length, cappedAt };
}

/** The export fields of the visible columns, in the order they are shown. */
export function exportFieldsOf<Row>(
  columns: readonly { id: string; export: readonly ExportField<Row>[] }[],
  visible: readonly string[],
): ExportField<Row>[] {
  return pickColumns(columns, visible).flatMap((c) => c.export);
}
