// @vitest-environment happy-dom
// Export, column chooser and saved views as people use them, on the real screens
// against the Tauri IPC mock (so the real bindings and save_export call run).
import { mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type {
  CloseBoard,
  CloseTaskRow,
  CommandError,
  ExceptionPageRequest,
  ExceptionRow,
  PaymentRunRow,
  User,
} from "./bindings";
import { CloseScreen } from "./components/CloseScreen";
import { ErrorToasts } from "./components/ErrorToasts";
import { ExceptionsScreen } from "./components/ExceptionsScreen";
import { PaymentsScreen } from "./components/PaymentsScreen";
import { TableToolbar } from "./components/TableToolbar";
import { useTableViews } from "./hooks/useTableViews";
import { EXPORT_ROW_CAP } from "./tableExport";
import { viewsKey, type ColumnMeta } from "./tableViews";
import { setUpScreenTests } from "./test/screenHarness";

const USER: User = { id: "u-ana", name: "Ana Keller", email: "ana@acme.example", roles: ["ap_clerk"] };
/** The mock answers at most this many exceptions per page, whatever the limit, as keyset paging allows. */
const MOCK_PAGE = 25;

function excRow(i: number, patch: Partial<ExceptionRow> = {}): ExceptionRow {
  return {
    id: `EX-${i}`, kind: "missing_receipt", kindLabel: "Missing receipt", queue: "ap_clerk", entity: "DE01",
    severity: "low", amount: { amount: `${i}00.00`, currency: "EUR" }, since: "2024-04-20T08:00:00Z",
    slaDue: "2999-01-01T00:00:00Z", breached: false, status: "open", summary: `Receipt missing for PO-${i}`,
    invoice: `INV-${i}`, supplier: "Northwind Traders", updatedAt: "2024-04-25T08:00:00Z", ...patch,
  };
}

const EXCEPTIONS: ExceptionRow[] = [
  excRow(1, { amount: { amount: "98765432109876543.21", currency: "USD" }, supplier: 'Smith, "Jones" & Co' }),
  ...Array.from({ length: 59 }, (_, i) => excRow(i + 2)),
];

const P = "CT-DE01-2026-11-";
function task(key: string, extra: Partial<CloseTaskRow> = {}): CloseTaskRow {
  return {
    id: `${P}${key}`, name: `Task ${key}`, category: "review", owner: "u-ana", reviewer: "u-ana", status: "not_started",
    dayLabel: "BD+1", due: "2026-12-01", durationDays: 1, dependsOn: [], blockedBy: [], state: "on_track",
    projectedFinish: "2026-12-01", slackDays: 0, critical: false, signal: null, note: null, submittedBy: null,
    reviewedBy: null, moves: [], pending: null, ...extra,
  };
}
const BOARD: CloseBoard = {
  entities: ["DE01"], periods: ["2026-11"], entity: "DE01", period: "2026-11", today: "2026-12-02",
  tasks: [task("CUTOFF", { note: "tie out, then \"sign\"" }), task("GLCLOSE", { due: "2026-12-04" })],
  criticalPath: [], plannedClose: "2026-12-04", projectedClose: "2026-12-04", daysLate: 0, burndown: [], planError: null,
};

const RUNS: PaymentRunRow[] = [
  {
    id: "PR-1", entity: "DE01", accountId: "ACC-1", valueDate: "2026-11-28", status: "sent", createdBy: "u-ana",
    total: { amount: "3000.00", currency: "EUR" }, instructions: 2, settled: 1, rejected: 1, inFlight: 0,
  },
];

let calls: { cmd: string; args: Record<string, unknown> }[];
let saved: { fileName: string; bytes: number[] }[];
let saveRefusal: CommandError | null;

setUpScreenTests(() => {
  localStorage.clear();
  calls = [];
  saved = [];
  saveRefusal = null;
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    switch (cmd) {
      case "list_entities":
        return [{ code: "DE01", name: "Acme GmbH", currency: "EUR", timeZone: "Europe/Berlin" }];
      case "exception_queue": {
        const req = args.req as ExceptionPageRequest;
        const all = EXCEPTIONS.filter((r) => req.status === null || r.status === req.status);
        const start = req.after === null ? 0 : Number.parseInt(req.after, 10);
        const end = start + Math.min(MOCK_PAGE, req.limit);
        return { rows: all.slice(start, end), nextCursor: end < all.length ? String(end) : null, total: all.length };
      }
      case "exception_summary":
        return [];
      case "close_board":
        return BOARD;
      case "payment_runs":
        return RUNS;
      case "payment_instructions":
        return { rows: [], nextCursor: null };
      case "save_export":
        // A CommandError object, as Tauri rejects with.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        if (saveRefusal) throw saveRefusal;
        saved.push(args as { fileName: string; bytes: number[] });
        return `/home/ana/Downloads/${args.fileName as string}`;
      default:
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw { code: "notFound", message: `Unknown command ${cmd}` };
    }
  });
});

const props = { mirrorVersion: 0, user: USER, users: [USER], onOpenTrace: () => undefined };
const savedText = (i = 0) => new TextDecoder().decode(new Uint8Array(saved[i]!.bytes));
const headers = () =>
  within(screen.getByTestId("exception-table"))
    .getAllByRole("columnheader")
    .map((h) => h.getAttribute("title"));

async function renderExceptions() {
  render(
    <ErrorToasts>
      <ExceptionsScreen {...props} />
    </ErrorToasts>,
  );
  await waitFor(() => expect(screen.getAllByTestId("exception-row").length).toBeGreaterThan(3));
}

/** The notice's title and message, e.g. "Saved to …" and "60 rows". */
async function savedNotice() {
  const toast = await screen.findByTestId("notice-toast");
  const title = toast.querySelector("strong")?.textContent ?? "";
  return `${title} | ${within(toast).queryByTestId("notice-message")?.textContent ?? ""}`;
}

describe("Exceptions export", () => {
  it("exports every row matching the filter, fetching all pages, not only the loaded ones", async () => {
    await renderExceptions();
    fireEvent.click(screen.getByTestId("exceptions-export-csv"));
    expect(await savedNotice()).toMatch(/^Saved to \/home\/ana\/Downloads\/exceptions-\d{4}-\d{2}-\d{2}\.csv \| 60 rows$/);

    const exportPages = calls
      .filter((c) => c.cmd === "exception_queue")
      .map((c) => c.args.req as ExceptionPageRequest)
      .filter((r) => r.limit === 500);
    expect(exportPages.map((r) => r.after)).toEqual([null, "25", "50"]);
    expect(exportPages.every((r) => r.queue === "ap_clerk" && r.status === "open")).toBe(true);

    const lines = savedText().split("\r\n");
    expect(lines[0]).toBe(
      "Updated at,Severity,Kind,Entity,Summary,Supplier,At risk,At risk currency,Since,SLA due,Breached,Invoice",
    );
    expect(lines).toHaveLength(62); // header, 60 rows, and the final CRLF
    expect(lines[1]).toContain('"Smith, ""Jones"" & Co",98765432109876543.21,USD,2024-04-20T08:00:00Z');
    expect(lines[60]).toContain("Receipt missing for PO-60");
  });

  it("shows the backend's refusal when the file cannot be saved", async () => {
    saveRefusal = { code: "invalidInput", message: "no Downloads folder to save into" };
    await renderExceptions();
    fireEvent.click(screen.getByTestId("exceptions-export-xlsx"));
    expect(await savedNotice()).toBe("Export failed | no Downloads folder to save into");
  });
});

describe("Column chooser", () => {
  it("hides a column from the rendered table and the export, and never hides the last one", async () => {
    await renderExceptions();
    fireEvent.click(screen.getByTestId("exceptions-columns"));
    fireEvent.click(screen.getByTestId("column-toggle-kind"));
    expect(headers()).not.toContain("Kind");
    expect(headers()).toContain("Severity");
    const firstRow = screen.getAllByTestId("exception-row")[0]!;
    expect(within(firstRow).getAllByRole("gridcell")).toHaveLength(headers().length);
    expect(firstRow.textContent).not.toContain("Missing receipt");

    for (const id of ["new", "severity", "entity", "summary", "amount", "since", "slaDue"]) {
      fireEvent.click(screen.getByTestId(`column-toggle-${id}`));
    }
    expect(headers()).toEqual(["Invoice"]);
    const last = screen.getByTestId<HTMLInputElement>("column-toggle-invoice");
    expect(last.disabled).toBe(true);
    fireEvent.click(last);
    expect(headers()).toEqual(["Invoice"]);

    fireEvent.click(screen.getByTestId("exceptions-export-csv"));
    await savedNotice();
    expect(savedText().split("\r\n").slice(0, 2)).toEqual(["Invoice", "INV-1"]);
  });
});

describe("Saved views", () => {
  it("restores columns, sort and filters, and keeps them for the next session", async () => {
    await renderExceptions();
    fireEvent.click(screen.getByTestId("exceptions-columns"));
    fireEvent.click(screen.getByTestId("column-toggle-entity"));
    fireEvent.click(screen.getByTestId("column-toggle-status"));
    fireEvent.change(screen.getByTestId("exc-filter-status"), { target: { value: "resolved" } });
    fireEvent.change(screen.getByTestId("exc-filter-search"), { target: { value: "north" } });
    fireEvent.change(screen.getByTestId("exc-sort"), { target: { value: "amount" } });

    fireEvent.click(screen.getByTestId("exceptions-views"));
    fireEvent.change(screen.getByTestId("exceptions-view-name"), { target: { value: "Resolved north" } });
    fireEvent.submit(screen.getByTestId("exceptions-view-name").closest("form")!);
    expect(screen.getByTestId("exceptions-views").textContent).toBe("Views: Resolved north");

    // Back to the defaults: the view no longer matches.
    fireEvent.click(screen.getByText("Reset filters"));
    fireEvent.click(screen.getByTestId("exceptions-columns"));
    fireEvent.click(screen.getByText("Reset columns"));
    expect(headers()).toContain("Entity");
    expect(headers()).not.toContain("Status");
    expect(screen.getByTestId<HTMLSelectElement>("exc-filter-status").value).toBe("open");
    expect(screen.getByTestId("exceptions-views").textContent).toBe("Views");

    fireEvent.click(screen.getByTestId("exceptions-views"));
    fireEvent.click(screen.getByText("Resolved north"));
    expect(headers()).not.toContain("Entity");
    expect(headers()).toContain("Status");
    expect(screen.getByTestId<HTMLSelectElement>("exc-filter-status").value).toBe("resolved");
    expect(screen.getByTestId<HTMLInputElement>("exc-filter-search").value).toBe("north");
    expect(screen.getByTestId<HTMLSelectElement>("exc-sort").value).toBe("amount");
    await waitFor(() => {
      const req = calls.filter((c) => c.cmd === "exception_queue").at(-1)!.args.req as ExceptionPageRequest;
      expect([req.status, req.search, req.sort]).toEqual(["resolved", "north", "amount"]);
    });

    // A new session of the same person finds the view and the columns again.
    expect(localStorage.getItem(viewsKey("exceptions", USER.id))).toContain("Resolved north");
    cleanup();
    await renderExceptions();
    expect(headers()).toContain("Status");
    fireEvent.click(screen.getByTestId("exceptions-views"));
    expect(screen.getAllByTestId("view-apply").map((b) => b.textContent)).toEqual(["Resolved north"]);
    fireEvent.click(screen.getByTestId("view-delete"));
    expect(screen.queryAllByTestId("view-apply")).toHaveLength(0);
  });
});

describe("Other tables", () => {
  it("Close list: the chooser hides a column and the export follows it", async () => {
    render(
      <ErrorToasts>
        <CloseScreen {...props} />
      </ErrorToasts>,
    );
    fireEvent.click(await screen.findByTestId("view-list"));
    const list = await screen.findByTestId("close-list");
    fireEvent.click(screen.getByTestId("close-columns"));
    fireEvent.click(screen.getByTestId("column-toggle-category"));
    const ths = within(list).getAllByRole("columnheader").map((th) => th.textContent);
    expect(ths).not.toContain("Category");
    expect(ths[0]).toBe("Task");

    fireEvent.click(screen.getByTestId("close-export-csv"));
    expect(await savedNotice()).toContain("Saved to /home/ana/Downloads/close-DE01-2026-11-");
    const [header, first] = savedText().split("\r\n");
    expect(header).toMatch(/^Task,Name,Critical path,Status,State,Day,Due,/);
    expect(header).not.toContain("Category");
    expect(first).toContain('"tie out, then ""sign"""');
  });

  it("Payment runs: the XLSX export saves numeric totals with a currency column", async () => {
    render(
      <ErrorToasts>
        <PaymentsScreen {...props} />
      </ErrorToasts>,
    );
    await screen.findByTestId("run-row");
    fireEvent.click(screen.getByTestId("runs-export-xlsx"));
    expect(await savedNotice()).toMatch(/payment-runs-\d{4}-\d{2}-\d{2}\.xlsx \| 1 row$/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(saved[0]!.bytes).buffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    expect(header).toContain("Total currency");
    const row = sheet.getRow(2);
    expect(row.getCell(col("Total")).value).toBe(3000);
    expect(row.getCell(col("Total")).numFmt).toBe("#,##0.00");
    expect(row.getCell(col("Total currency")).value).toBe("EUR");
    expect(row.getCell(col("Value date")).value).toBe("2026-11-28");
    expect(row.getCell(col("Rejected")).value).toBe(1);
  });
});

const ONE_COLUMN: ColumnMeta[] = [{ id: "n", label: "N" }];
const NO_FILTERS = {};

function CappedExport() {
  const views = useTableViews({
    tableId: "test",
    userId: USER.id,
    columns: ONE_COLUMN,
    filters: NO_FILTERS,
    sort: null,
    parseFilters: () => NO_FILTERS,
    onApply: () => undefined,
  });
  const request = {
    fileBase: "big",
    title: "Big",
    fields: [{ header: "N", type: "integer" as const, value: (n: number) => n }],
    loadRows: () => Promise.resolve({ rows: [1, 2, 3], cappedAt: EXPORT_ROW_CAP }),
  };
  return <TableToolbar id="big" views={views} exportRequest={request} />;
}

it("says so when an export was cut at the row cap", async () => {
  render(
    <ErrorToasts>
      <CappedExport />
    </ErrorToasts>,
  );
  fireEvent.click(screen.getByTestId("big-export-csv"));
  expect(await savedNotice()).toMatch(
    /big-\d{4}-\d{2}-\d{2}\.csv \| Only the first 100,000 rows were exported; narrow the filters for the rest\.$/,
  );
  expect(savedText()).toBe("N\r\n1\r\n2\r\n3\r\n");
});
