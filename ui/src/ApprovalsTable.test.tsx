// @vitest-environment happy-dom
// The approval queue's toolbar (export, column chooser, saved views) as people use it,
// on the real screen against the Tauri IPC mock, so the real bindings and save_export run.
import { mockIPC } from "@tauri-apps/api/mocks";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { BUCKETS } from "./aging";
import type { ApprovalRow, QueueFilter, QueuePageRequest, User } from "./bindings";
import { ApprovalsScreen } from "./components/ApprovalsScreen";
import { ErrorToasts } from "./components/ErrorToasts";
import { EXPORT_PAGE_SIZE } from "./tableExport";
import { viewsKey } from "./tableViews";
import { setUpScreenTests } from "./test/screenHarness";

const USER: User = { id: "u-dana", name: "Dana Weiss", email: "dana@acme.example", roles: ["approver"] };
/** The mock answers at most this many rows per page, whatever the limit, as keyset paging allows. */
const MOCK_PAGE = 200;
/** More digits than a double holds: must reach the file exactly as the backend sent it. */
const HUGE = "98765432109876543.21";

function approval(i: number, patch: Partial<ApprovalRow> = {}): ApprovalRow {
  const entityCode = i % 2 === 0 ? "DE01" : "US01";
  return {
    approvalId: `apr-${String(i).padStart(4, "0")}`,
    invoiceId: `ap-inv-${i}`,
    invoiceNumber: `INV-${String(i).padStart(4, "0")}`,
    supplierName: i % 3 === 0 ? "Northwind Traders" : "Contoso Ltd",
    entityCode,
    entityName: entityCode === "DE01" ? "Acme GmbH" : "Acme Inc.",
    amount: { amount: `${i}.10`, currency: entityCode === "DE01" ? "EUR" : "USD" },
    invoiceDate: "2026-10-01",
    dueDate: `2026-11-${String((i % 28) + 1).padStart(2, "0")}`,
    assignedOn: "2026-10-02",
    ageBusinessDays: i % 30,
    bucket: BUCKETS[i % BUCKETS.length]!,
    step: 1,
    stepCount: 2,
    stepName: "Cost centre owner",
    status: "pending",
    blockedReason: null,
    pendingAction: null,
    ...patch,
  };
}

const ROWS: ApprovalRow[] = [
  approval(1, { amount: { amount: HUGE, currency: "USD" }, supplierName: 'Smith, "Jones" & Co' }),
  approval(3, { amount: { amount: "-1234.50", currency: "USD" } }),
  ...Array.from({ length: 997 }, (_, i) => approval(i + 4)),
];
const US01 = ROWS.filter((r) => r.entityCode === "US01");

/** As the backend: entity and bucket exactly, search in supplier or invoice number. */
function matches(row: ApprovalRow, f: QueueFilter): boolean {
  const search = f.search?.toLowerCase() ?? null;
  return (
    (f.entity === null || row.entityCode === f.entity) &&
    (f.bucket === null || row.bucket === f.bucket) &&
    (search === null || `${row.supplierName} ${row.invoiceNumber}`.toLowerCase().includes(search))
  );
}

let calls: { cmd: string; args: Record<string, unknown> }[];
let saved: { fileName: string; bytes: number[] }[];

setUpScreenTests(() => {
  localStorage.clear();
  calls = [];
  saved = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    switch (cmd) {
      case "list_entities":
        return [
          { code: "DE01", name: "Acme GmbH", currency: "EUR", timeZone: "Europe/Berlin" },
          { code: "US01", name: "Acme Inc.", currency: "USD", timeZone: "America/New_York" },
        ];
      case "aging_summary":
        return { entities: [] };
      case "runs_to_approve":
        return [];
      case "approval_queue": {
        const req = args.req as QueuePageRequest;
        if (req.limit < 1 || req.limit > 500) {
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw { code: "invalidInput", message: "limit must be between 1 and 500" };
        }
        const all = ROWS.filter((r) => matches(r, req.filter));
        const start = req.after === null ? 0 : Number.parseInt(req.after, 10);
        const end = start + Math.min(MOCK_PAGE, req.limit);
        return { rows: all.slice(start, end), nextCursor: end < all.length ? String(end) : null, total: all.length };
      }
      case "save_export":
        saved.push(args as { fileName: string; bytes: number[] });
        return `/home/dana/Downloads/${args.fileName as string}`;
      default:
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw { code: "notFound", message: `Unknown command ${cmd}` };
    }
  });
});

const rows = () => screen.getAllByTestId("approval-row");
const selectedRow = () => rows().find((r) => r.getAttribute("aria-selected") === "true");
const headers = () =>
  within(screen.getByTestId("queue-table"))
    .getAllByRole("columnheader")
    .map((h) => h.dataset.columnId);
const queueRequests = () =>
  calls.filter((c) => c.cmd === "approval_queue").map((c) => c.args.req as QueuePageRequest);
const savedText = (i = 0) => new TextDecoder().decode(new Uint8Array(saved[i]!.bytes));
const press = (key: string, extra: Record<string, unknown> = {}) => {
  act(() => {
    fireEvent.keyDown(window, { key, ...extra });
  });
};

async function renderApprovals() {
  render(
    <ErrorToasts>
      <ApprovalsScreen mirrorVersion={0} onOpenTrace={() => undefined} user={USER} users={[USER]} />
    </ErrorToasts>,
  );
  await waitFor(() => expect(rows().length).toBeGreaterThan(3));
  await screen.findByRole("option", { name: "US01 · Acme Inc." });
}

/** The notice's title and message, e.g. "Saved to …" and "500 rows". */
async function savedNotice() {
  const toast = await screen.findByTestId("notice-toast");
  const title = toast.querySelector("strong")?.textContent ?? "";
  return `${title} | ${within(toast).queryByTestId("notice-message")?.textContent ?? ""}`;
}

describe("Approvals export", () => {
  it("exports every approval matching the filter and sort, page by page, with exact amounts", async () => {
    await renderApprovals();
    fireEvent.change(screen.getByTestId("filter-entity"), { target: { value: "US01" } });
    fireEvent.click(screen.getByTestId("sort-amount"));
    await waitFor(() => expect(screen.getByTestId("queue-total").textContent).toBe("500 pending"));
    // The list itself holds one page of 100.
    expect(queueRequests().filter((r) => r.limit !== EXPORT_PAGE_SIZE).every((r) => r.after === null)).toBe(true);
    calls = [];

    fireEvent.click(screen.getByTestId("approvals-export-csv"));
    expect(await savedNotice()).toMatch(
      /^Saved to \/home\/dana\/Downloads\/approvals-\d{4}-\d{2}-\d{2}\.csv \| 500 rows$/,
    );
    const exportPages = queueRequests();
    expect(exportPages.map((r) => r.after)).toEqual([null, "200", "400"]);
    expect(exportPages.every((r) => r.limit === EXPORT_PAGE_SIZE)).toBe(true);
    for (const r of exportPages) {
      expect(r.filter).toEqual({ entity: "US01", bucket: null, search: null });
      expect(r.sort).toEqual({ key: "amount", dir: "desc" });
    }

    const lines = savedText().split("\r\n");
    expect(lines).toHaveLength(US01.length + 2); // header, the rows, and the final CRLF
    expect(lines[0]).toBe(
      "Supplier,Entity,Entity name,Invoice #,Amount,Amount currency,Invoice date,Due date," +
        "Age (business days),Age bucket,Step,Steps,Step name,Status,Pending action,Blocked reason",
    );
    expect(lines[1]).toBe(
      `"Smith, ""Jones"" & Co",US01,Acme Inc.,INV-0001,${HUGE},USD,2026-10-01,2026-11-02,1,3–5,1,2,Cost centre owner,pending,,`,
    );
    expect(lines[2]).toContain(",INV-0003,-1234.50,USD,");
    expect(lines[US01.length]).toContain(`,INV-0999,999.10,USD,`);
    expect(lines.at(-1)).toBe("");
  });

  it("keeps an amount too long for a double as its exact text in the XLSX", async () => {
    await renderApprovals();
    fireEvent.change(screen.getByTestId("filter-entity"), { target: { value: "US01" } });
    await waitFor(() => expect(screen.getByTestId("queue-total").textContent).toBe("500 pending"));
    fireEvent.click(screen.getByTestId("approvals-export-xlsx"));
    expect(await savedNotice()).toMatch(/approvals-\d{4}-\d{2}-\d{2}\.xlsx \| 500 rows$/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(saved[0]!.bytes).buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe("Approvals");
    expect(sheet.rowCount).toBe(US01.length + 1);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const amount = header.indexOf("Amount") + 1;
    expect(sheet.getRow(2).getCell(amount).value).toBe(HUGE);
    expect(sheet.getRow(2).getCell(amount + 1).value).toBe("USD");
    expect(sheet.getRow(3).getCell(amount).value).toBe(-1234.5);
    expect(sheet.getRow(3).getCell(amount).numFmt).toBe("#,##0.00");
  });
});

describe("Approvals column chooser", () => {
  it("hides a column from the queue table and the export; the checkbox column and keys stay", async () => {
    await renderApprovals();
    expect(headers()).toEqual([
      "check", "supplierName", "entityCode", "invoiceNumber", "amount", "invoiceDate", "dueDate",
      "ageBusinessDays", "step", "pendingAction",
    ]);
    fireEvent.click(screen.getByTestId("approvals-columns"));
    const chooser = screen.getByTestId("approvals-column-chooser");
    // The checkbox column is a control, not a column to choose.
    expect(within(chooser).queryByTestId("column-toggle-check")).toBeNull();
    fireEvent.click(within(chooser).getByTestId("column-toggle-entityCode"));
    fireEvent.click(within(chooser).getByTestId("column-toggle-approvalId"));
    // Up past "Assigned on" (hidden) and "Status".
    fireEvent.click(within(chooser).getByLabelText("Move Approval ID up"));
    fireEvent.click(within(chooser).getByLabelText("Move Approval ID up"));

    expect(headers()).not.toContain("entityCode");
    expect(headers()[0]).toBe("check");
    expect(headers().slice(-3)).toEqual(["step", "approvalId", "pendingAction"]);
    const first = rows()[0]!;
    expect(within(first).getAllByRole("gridcell")).toHaveLength(headers().length);
    expect(first.querySelector(".entity-code")).toBeNull();
    expect(first.textContent).toContain("apr-0001");

    // Close the menu; the queue's keys still work on the rendered rows.
    fireEvent.mouseDown(document.body);
    expect(screen.queryByTestId("approvals-column-chooser")).toBeNull();
    press("j");
    expect(selectedRow()).toBe(rows()[1]);
    press("x");
    expect(rows()[1]!.dataset.checked).toBe("true");

    fireEvent.click(screen.getByTestId("approvals-export-csv"));
    await savedNotice();
    const [header, line] = savedText().split("\r\n");
    expect(header).not.toContain("Entity");
    expect(header).toMatch(/,Step name,Approval ID,Status,Pending action,Blocked reason$/);
    expect(line).toContain(`,${HUGE},USD,`);
  });
});

describe("Approvals saved views", () => {
  it("restores columns, the entity, bucket and search filters and the sort, also in the next session", async () => {
    await renderApprovals();
    fireEvent.click(screen.getByTestId("approvals-columns"));
    fireEvent.click(screen.getByTestId("column-toggle-step"));
    fireEvent.click(screen.getByTestId("column-toggle-assignedOn"));
    fireEvent.change(screen.getByTestId("filter-entity"), { target: { value: "US01" } });
    fireEvent.change(screen.getByTestId("filter-bucket"), { target: { value: "d3_5" } });
    fireEvent.change(screen.getByTestId("filter-search"), { target: { value: "north" } });
    fireEvent.click(screen.getByTestId("sort-amount"));
    fireEvent.click(screen.getByTestId("sort-amount")); // amount, ascending

    fireEvent.click(screen.getByTestId("approvals-views"));
    fireEvent.change(screen.getByTestId("approvals-view-name"), { target: { value: "US north" } });
    fireEvent.submit(screen.getByTestId("approvals-view-name").closest("form")!);
    expect(screen.getByTestId("approvals-views").textContent).toBe("Views: US north");

    // Back to the defaults: the view no longer matches.
    fireEvent.click(screen.getByText("Clear filters"));
    fireEvent.click(screen.getByTestId("sort-dueDate"));
    fireEvent.click(screen.getByTestId("approvals-columns"));
    fireEvent.click(screen.getByText("Reset columns"));
    expect(headers()).toContain("step");
    expect(headers()).not.toContain("assignedOn");
    expect(screen.getByTestId<HTMLSelectElement>("filter-entity").value).toBe("");
    expect(screen.getByTestId("approvals-views").textContent).toBe("Views");
    await waitFor(() => {
      const req = queueRequests().at(-1)!;
      expect([req.filter, req.sort]).toEqual([
        { entity: null, bucket: null, search: null },
        { key: "dueDate", dir: "asc" },
      ]);
    });

    fireEvent.click(screen.getByTestId("approvals-views"));
    fireEvent.click(screen.getByText("US north"));
    expect(headers()).not.toContain("step");
    expect(headers()).toContain("assignedOn");
    expect(screen.getByTestId<HTMLSelectElement>("filter-entity").value).toBe("US01");
    expect(screen.getByTestId<HTMLSelectElement>("filter-bucket").value).toBe("d3_5");
    expect(screen.getByTestId<HTMLInputElement>("filter-search").value).toBe("north");
    const amountHeader = screen.getByTestId("sort-amount").closest("[role=columnheader]")!;
    expect(amountHeader.getAttribute("aria-sort")).toBe("ascending");
    expect(screen.getByTestId("approvals-views").textContent).toBe("Views: US north");
    await waitFor(() => {
      const req = queueRequests().at(-1)!;
      expect([req.filter, req.sort, req.after]).toEqual([
        { entity: "US01", bucket: "d3_5", search: "north" },
        { key: "amount", dir: "asc" },
        null,
      ]);
    });
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(rows().every((r) => r.textContent?.includes("Northwind Traders"))).toBe(true);

    // A new session of the same person finds the view and the columns again.
    expect(localStorage.getItem(viewsKey("approvals", USER.id))).toContain("US north");
    cleanup();
    await renderApprovals();
    expect(headers()).toContain("assignedOn");
    expect(headers()).not.toContain("step");
    fireEvent.click(screen.getByTestId("approvals-views"));
    expect(screen.getAllByTestId("view-apply").map((b) => b.textContent)).toEqual(["US north"]);
  });

  it("ignores a stored view whose filters no longer parse, but still applies its columns and sort", async () => {
    localStorage.setItem(
      viewsKey("approvals", USER.id),
      JSON.stringify({
        layout: null,
        views: [
          {
            name: "Old",
            layout: { order: ["amount", "supplierName"], hidden: [] },
            sort: { key: "supplier", descending: true },
            filters: { entity: "US01", bucket: "d99", search: "x" },
          },
        ],
      }),
    );
    await renderApprovals();
    fireEvent.click(screen.getByTestId("approvals-views"));
    fireEvent.click(screen.getByText("Old"));
    expect(headers().slice(0, 3)).toEqual(["check", "amount", "supplierName"]);
    expect(screen.getByTestId<HTMLSelectElement>("filter-entity").value).toBe("");
    await waitFor(() => {
      const req = queueRequests().at(-1)!;
      expect([req.filter, req.sort]).toEqual([
        { entity: null, bucket: null, search: null },
        { key: "supplier", dir: "desc" },
      ]);
    });
  });
});
