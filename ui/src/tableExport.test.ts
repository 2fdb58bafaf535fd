import ExcelJS from "exceljs";
import { describe, expect, it, vi } from "vitest";
import type { Money } from "./bindings";
import {
  amountFormat,
  csvBytes,
  csvField,
  exportFileName,
  fetchAllPages,
  toCsv,
  toXlsx,
  xlsxAmount,
  type ExportField,
  type Page,
} from "./tableExport";

interface Line {
  id: string;
  name: string;
  amount: Money | null;
  date: string;
  count: number | null;
}

const FIELDS: ExportField<Line>[] = [
  { header: "ID", type: "text", value: (r) => r.id },
  { header: "Name", type: "text", value: (r) => r.name },
  { header: "Amount", type: "money", value: (r) => r.amount },
  { header: "Date", type: "date", value: (r) => r.date },
  { header: "Count", type: "integer", value: (r) => r.count },
];

const LINES: Line[] = [
  { id: "A-1", name: "Müller, Schmidt & Co", amount: { amount: "1234567.891", currency: "EUR" }, date: "2026-11-28", count: 3 },
  { id: "A-2", name: 'The "Best" Supplier', amount: { amount: "98765432109876543.21", currency: "USD" }, date: "2026-11-29T08:00:00Z", count: null },
  { id: "A-3", name: "Line one\nline two", amount: { amount: "-0.10", currency: "JPY" }, date: "2026-11-30", count: 0 },
  { id: "A-4", name: "=HYPERLINK(\"http://x\")", amount: null, date: "", count: 12 },
];

describe("CSV", () => {
  it("quotes fields with commas, quotes and line breaks (RFC 4180) and leaves others alone", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("one\r\ntwo")).toBe('"one\r\ntwo"');
    expect(csvField("")).toBe("");
  });

  it("writes a header row and the exact decimal strings, one CRLF-ended record per row", () => {
    const csv = toCsv(FIELDS, LINES);
    expect(csv.split("\r\n")).toEqual([
      "ID,Name,Amount,Amount currency,Date,Count",
      'A-1,"Müller, Schmidt & Co",1234567.891,EUR,2026-11-28,3',
      // A float would print 98765432109876540: the string must pass untouched.
      'A-2,"The ""Best"" Supplier",98765432109876543.21,USD,2026-11-29T08:00:00Z,',
      'A-3,"Line one\nline two",-0.10,JPY,2026-11-30,0',
      // A text cell that looks like a formula is defused; negative amounts above are not touched.
      `A-4,"'=HYPERLINK(""http://x"")",,,,12`,
      "",
    ]);
  });

  it("encodes UTF-8 with a byte order mark so Excel reads umlauts", () => {
    const bytes = csvBytes("Müller");
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe("Müller");
  });
});

describe("XLSX", () => {
  it("turns amounts into numbers only when Excel can show them exactly (15 significant digits)", () => {
    expect(xlsxAmount("1234567.891")).toBe(1234567.891);
    expect(xlsxAmount("-0.10")).toBe(-0.1);
    expect(xlsxAmount("123456789012345")).toBe(123456789012345);
    expect(xlsxAmount("1000000000000000000.00")).toBe(1e18);
    expect(xlsxAmount("1234567890123456")).toBeNull();
    expect(xlsxAmount("98765432109876543.21")).toBeNull();
    expect(xlsxAmount("12,5")).toBeNull();
    expect(xlsxAmount("")).toBeNull();
  });

  it("formats amounts with the currency's decimals, or more if the amount has more", () => {
    expect(amountFormat("1.5", "EUR")).toBe("#,##0.00");
    expect(amountFormat("1500", "JPY")).toBe("#,##0");
    expect(amountFormat("1.250", "KWD")).toBe("#,##0.000");
    expect(amountFormat("1234567.891", "EUR")).toBe("#,##0.000");
    expect(amountFormat("1.5000", "EUR")).toBe("#,##0.00");
  });

  it("round-trips through exceljs: header, numeric amount with its format, currency column, text dates", async () => {
    const bytes = await toXlsx(FIELDS, LINES, "Exceptions");
    const workbook = new ExcelJS.Workbook();
    // exceljs's typings call its input a Buffer; a plain ArrayBuffer is what it accepts.
    await workbook.xlsx.load(bytes.slice().buffer);
    const sheet = workbook.getWorksheet("Exceptions")!;
    expect(sheet.getRow(1).values).toEqual([undefined, "ID", "Name", "Amount", "Amount currency", "Date", "Count"]);

    const first = sheet.getRow(2);
    expect(first.getCell(2).value).toBe("Müller, Schmidt & Co");
    expect(first.getCell(3).value).toBe(1234567.891);
    expect(typeof first.getCell(3).value).toBe("number");
    expect(first.getCell(3).numFmt).toBe("#,##0.000");
    expect(first.getCell(4).value).toBe("EUR");
    expect(first.getCell(5).value).toBe("2026-11-28");
    expect(first.getCell(6).value).toBe(3);

    // Too many digits for a double: kept as the exact text rather than a rounded number.
    expect(sheet.getRow(3).getCell(3).value).toBe("98765432109876543.21");
    expect(sheet.getRow(3).getCell(5).value).toBe("2026-11-29T08:00:00Z");
    expect(sheet.getRow(4).getCell(3).value).toBe(-0.1);
    // JPY has no minor unit, but this amount has a tenth: it is shown, not rounded away.
    expect(sheet.getRow(4).getCell(3).numFmt).toBe("#,##0.0");
    expect(sheet.getRow(4).getCell(4).value).toBe("JPY");
    // No amount: both cells empty.
    expect(sheet.getRow(5).getCell(3).value).toBeNull();
    expect(sheet.getRow(5).getCell(4).value).toBeNull();
    expect(sheet.rowCount).toBe(5);
  });
});

describe("fetchAllPages", () => {
  const pager = (total: number) =>
    vi.fn((after: string | null, limit: number): Promise<Page<number>> => {
      const start = after === null ? 0 : Number.parseInt(after, 10);
      const end = Math.min(total, start + limit);
      const rows = Array.from({ length: end - start }, (_, i) => start + i);
      return Promise.resolve({ rows, nextCursor: end < total ? String(end) : null });
    });

  it("follows the cursor through every page, 500 rows at a time", async () => {
    const fetchPage = pager(1234);
    const progress: number[] = [];
    const result = await fetchAllPages(fetchPage, { onProgress: (n) => progress.push(n) });
    expect(result.rows).toHaveLength(1234);
    expect(result.rows.at(-1)).toBe(1233);
    expect(result.cappedAt).toBeNull();
    expect(fetchPage.mock.calls).toEqual([
      [null, 500],
      ["500", 500],
      ["1000", 500],
    ]);
    expect(progress).toEqual([500, 1000, 1234]);
  });

  it("stops at the cap and says so, but not when exactly the cap matched", async () => {
    const capped = await fetchAllPages(pager(1234), { cap: 1000 });
    expect(capped.rows).toHaveLength(1000);
    expect(capped.cappedAt).toBe(1000);
    const exact = await fetchAllPages(pager(1000), { cap: 1000 });
    expect(exact.cappedAt).toBeNull();
  });

  it("gives up on a page that does not move forward instead of looping", async () => {
    const stuck = () => Promise.resolve({ rows: [], nextCursor: "x" });
    await expect(fetchAllPages(stuck)).rejects.toThrow(/stopped paging/);
  });
});

it("names the file after the table and the local date", () => {
  expect(exportFileName("exceptions", "csv", new Date(2026, 10, 8))).toBe("exceptions-2026-11-08.csv");
  expect(exportFileName("close DE01/2026", "xlsx", new Date(2026, 0, 31))).toBe("close-DE01-2026-2026-01-31.xlsx");
});
