// @vitest-environment happy-dom
import { mockIPC } from "@tauri-apps/api/mocks";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CashPosition, InstructionRow, PaymentRunRow, User } from "./bindings";
import { CashTooltip } from "./components/CashChart";
import { PaymentsScreen } from "./components/PaymentsScreen";
import { cashCharts } from "./payments";
import { setUpScreenTests } from "./test/screenHarness";

// The shared mock backend does not answer the payments commands, so this file answers them.
const USER: User = { id: "u-tess", name: "Tess Ong", email: "tess@acme.example", roles: ["treasury_analyst"] };
const AC01 = "Incorrect account number: correct the supplier's bank details in the ERP and re-send.";
// More significant digits than a float holds (it would read 12345678901234.568).
const BIG_USD = "12345678901234.5678";

const RUNS: PaymentRunRow[] = [
  { id: "R-1", entity: "DE01", accountId: "ACC-DE", valueDate: "2024-05-02", status: "sent", createdBy: "u-tess", total: { amount: "3000.00", currency: "EUR" }, instructions: 2, settled: 1, rejected: 1, inFlight: 0 },
  { id: "R-2", entity: "US01", accountId: "ACC-US", valueDate: "2024-05-01", status: "sent", createdBy: "u-tess", total: { amount: "500.00", currency: "USD" }, instructions: 1, settled: 0, rejected: 0, inFlight: 1 },
];

const step = (status: string, label: string, at: string, reason: string | null = null) => ({ status, label, at, reason });
const base = { entity: "DE01", reason: null, remediation: null, unconfirmedHours: null, exceptionId: null, exceptionStatus: null };
const INSTRUCTIONS: InstructionRow[] = [
  {
    ...base, id: "PI-1", runId: "R-1", creditorName: "Northwind Traders", creditorIban: "DE89370400440532013000",
    amount: { amount: "1000.00", currency: "EUR" }, endToEndId: "E2E-1", invoiceIds: ["INV-A", "INV-B"],
    status: "RJCT", statusLabel: "Rejected", reason: "AC01", remediation: AC01,
    history: [
      step("PDNG", "Pending at the bank", "2024-05-02T08:00:00Z"),
      step("ACTC", "Accepted: technical validation", "2024-05-02T08:05:00Z"),
      step("RJCT", "Rejected", "2024-05-02T09:00:00Z", "AC01"),
    ],
    exceptionId: "bank_rejection:treasury:PI-1", exceptionStatus: "open",
  },
  {
    ...base, id: "PI-2", runId: "R-1", creditorName: "Contoso Facilities", creditorIban: "DE02120300000000202051",
    amount: { amount: "2000.00", currency: "EUR" }, endToEndId: "E2E-2", invoiceIds: ["INV-C"],
    status: "ACSC", statusLabel: "Settled",
    history: [step("PDNG", "Pending at the bank", "2024-05-02T08:00:00Z"), step("ACSC", "Settled", "2024-05-02T12:00:00Z")],
  },
  {
    ...base, id: "PI-3", runId: "R-2", entity: "US01", creditorName: "Globex Logistics", creditorIban: "US00 1234",
    amount: { amount: "500.00", currency: "USD" }, endToEndId: "E2E-3", invoiceIds: ["INV-D"],
    status: "ACSP", statusLabel: "Accepted: settlement in process", unconfirmedHours: 30,
    history: [step("PDNG", "Pending at the bank", "2024-05-01T08:00:00Z"), step("ACSP", "Accepted: settlement in process", "2024-05-01T09:00:00Z")],
  },
];

const CASH: CashPosition = {
  series: [
    { accountId: "ACC-DE", entity: "DE01", bankName: "Hausbank", iban: "DE89370400440532013000", currency: "EUR", latest: { amount: "1234567.895", currency: "EUR" }, points: [{ date: "2024-05-01", balance: "1000000.10" }, { date: "2024-05-02", balance: "1234567.895" }] },
    { accountId: "ACC-US", entity: "US01", bankName: "First Bank", iban: "US00 1234", currency: "USD", latest: { amount: BIG_USD, currency: "USD" }, points: [{ date: "2024-05-02", balance: BIG_USD }] },
  ],
  totals: [
    { currency: "EUR", total: { amount: "1234567.895", currency: "EUR" }, accounts: 1 },
    { currency: "USD", total: { amount: BIG_USD, currency: "USD" }, accounts: 1 },
  ],
};

/** The backend answers pages of this many instructions, newest first. */
const MOCK_PAGE = 100;

/** A settled instruction of R-2, for lists long enough to page. */
function settled(i: number): InstructionRow {
  return {
    ...base, id: `PI-X${i}`, runId: "R-2", creditorName: `Creditor ${i}`, creditorIban: "DE00 0000",
    amount: { amount: `${i}.00`, currency: "EUR" }, endToEndId: `E2E-X${i}`, invoiceIds: [`INV-X${i}`],
    status: "ACSC", statusLabel: "Settled", history: [step("ACSC", "Settled", "2024-05-01T12:00:00Z")],
  };
}

let calls: { cmd: string; args: Record<string, unknown> }[] = [];
/** What the mock backend holds, in the order it lists them. */
let instructions: InstructionRow[] = INSTRUCTIONS;
/** While set, pages after the first wait for this promise (to see the list while one is out). */
let holdMore: Promise<void> | null = null;

function keep(row: InstructionRow, filter: string): boolean {
  switch (filter) {
    case "rejected": return row.status === "RJCT";
    case "in_flight": return row.status !== "RJCT" && row.status !== "ACSC";
    case "unconfirmed": return row.unconfirmedHours !== null;
    case "settled": return row.status === "ACSC";
    default: return true;
  }
}

setUpScreenTests(() => {
  calls = [];
  instructions = INSTRUCTIONS;
  holdMore = null;
  mockIPC(async (cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    switch (cmd) {
      case "payment_runs":
        return RUNS;
      case "payment_instructions": {
        const search = typeof args.search === "string" ? args.search.toLowerCase() : null;
        const matching = instructions.filter(
          (r) =>
            (args.runId === null || r.runId === args.runId) &&
            keep(r, args.filter as string) &&
            (search === null || JSON.stringify(r).toLowerCase().includes(search)),
        );
        // An opaque cursor to the backend's callers; here, the offset of the next page.
        const start = args.after === null ? 0 : Number.parseInt(args.after as string, 10);
        if (start > 0 && holdMore !== null) await holdMore;
        const end = start + MOCK_PAGE;
        return { rows: matching.slice(start, end), nextCursor: end < matching.length ? String(end) : null };
      }
      case "save_export":
        return `/home/tess/Downloads/${args.fileName as string}`;
      case "cash_position":
        return CASH;
      default:
        // A CommandError object, as Tauri rejects with (an Error would be rethrown by the bindings).
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw { code: "notFound", message: `Unknown command ${cmd}` };
    }
  });
});

const press = (key: string) => {
  act(() => {
    fireEvent.keyDown(window, { key });
  });
};
const instructionCalls = () => calls.filter((c) => c.cmd === "payment_instructions").map((c) => c.args);
const lastInstructionCall = () => instructionCalls().at(-1);
const rows = () => screen.queryAllByTestId("instruction-row");
const selected = () => rows().find((r) => r.getAttribute("aria-selected") === "true")?.dataset.instructionId;
/** The selected instruction, whether or not its row is rendered (the table is virtualized). */
const detailId = () => screen.queryByTestId("instruction-detail")?.dataset.instructionId;
/** Rows loaded so far, plus the header row. */
const rowCount = () => screen.getByRole("grid", { name: "Payment instructions" }).getAttribute("aria-rowcount");
const pagesAsked = () => instructionCalls().map((a) => a.after);
const manyInstructions = (n: number) => [...INSTRUCTIONS, ...Array.from({ length: n - 3 }, (_, i) => settled(i + 1))];

function renderScreen(onOpenTrace = vi.fn<(id: string) => void>(), mirrorVersion = 0) {
  const props = { user: USER, users: [USER], onOpenTrace };
  const view = render(<PaymentsScreen mirrorVersion={mirrorVersion} {...props} />);
  return { onOpenTrace, rerender: (v: number) => view.rerender(<PaymentsScreen mirrorVersion={v} {...props} />) };
}

async function openInstructions() {
  fireEvent.click(screen.getByTestId("pay-tab-instructions"));
  await waitFor(() => expect(rows()).toHaveLength(3));
}

describe("Payments screen", () => {
  it("lists the runs and filters the instructions to the selected run", async () => {
    renderScreen();
    await waitFor(() => expect(screen.getAllByTestId("run-row")).toHaveLength(2));
    expect(screen.getAllByTestId("run-row")[0]!.textContent).toContain("3,000.00 EUR");
    press("j");
    await waitFor(() => expect(screen.getAllByTestId("run-row")[0]!.getAttribute("aria-selected")).toBe("true"));
    press("Enter");
    await screen.findByTestId("run-filter");
    await waitFor(() => expect(lastInstructionCall()).toEqual({ runId: "R-1", filter: "all", search: null, after: null }));
    await waitFor(() => expect(rows().map((r) => r.dataset.instructionId)).toEqual(["PI-1", "PI-2"]));
    fireEvent.click(screen.getByTestId("clear-run"));
    await waitFor(() => expect(lastInstructionCall()).toEqual({ runId: null, filter: "all", search: null, after: null }));
  });

  it("calls payment_instructions with the filter of each chip and the search", async () => {
    renderScreen();
    await openInstructions();
    expect(screen.getByTestId("filter-rejected").textContent).toContain("1");
    for (const filter of ["rejected", "in_flight", "unconfirmed", "settled", "all"]) {
      fireEvent.click(screen.getByTestId(`filter-${filter}`));
      await waitFor(() => expect(lastInstructionCall()).toEqual({ runId: null, filter, search: null, after: null }));
      expect(screen.getByTestId(`filter-${filter}`).getAttribute("aria-checked")).toBe("true");
    }
    fireEvent.click(screen.getByTestId("filter-rejected"));
    await waitFor(() => expect(rows().map((r) => r.dataset.instructionId)).toEqual(["PI-1"]));
    fireEvent.change(screen.getByTestId("instructions-search"), { target: { value: "  north " } });
    await waitFor(() => expect(lastInstructionCall()).toEqual({ runId: null, filter: "rejected", search: "north", after: null }));
  });

  it("shows a rejected instruction's timeline, reason, remediation and exception", async () => {
    const { onOpenTrace } = renderScreen();
    await openInstructions();
    expect(selected()).toBe("PI-1");
    const badge = within(rows()[0]!).getByTestId("payment-status");
    expect(badge.dataset.status).toBe("RJCT");
    expect(badge.className).toContain("pay-status-RJCT");

    const detail = screen.getByTestId("instruction-detail");
    const steps = within(detail).getAllByTestId("timeline-step");
    expect(steps.map((s) => s.dataset.status)).toEqual(["PDNG", "ACTC", "RJCT"]);
    expect(steps[2]!.textContent).toContain("Rejected");
    expect(steps[2]!.textContent).toContain("AC01");
    expect(within(detail).queryByTestId("timeline-awaiting")).toBeNull();
    expect(within(detail).getByTestId("rejection-reason").textContent).toBe("AC01");
    expect(within(detail).getByTestId("remediation").textContent).toBe(AC01);
    const link = within(detail).getByTestId<HTMLAnchorElement>("open-exception");
    expect(link.getAttribute("href")).toBe(`#/exceptions/${encodeURIComponent("bank_rejection:treasury:PI-1")}`);
    expect(within(detail).getByTestId("exception-status").textContent).toBe("open");

    // Both invoices it pays open the trace; t traces the first.
    const invoices = within(detail).getAllByTestId("invoice-trace-link");
    expect(invoices.map((b) => b.textContent)).toEqual(["INV-A", "INV-B"]);
    fireEvent.click(invoices[1]!);
    expect(onOpenTrace).toHaveBeenLastCalledWith("INV-B");
    press("t");
    expect(onOpenTrace).toHaveBeenLastCalledWith("INV-A");
  });

  it("shows an unconfirmed instruction as awaiting the bank, past the SLA", async () => {
    renderScreen();
    await openInstructions();
    press("j");
    press("j");
    await waitFor(() => expect(selected()).toBe("PI-3"));
    const detail = screen.getByTestId("instruction-detail");
    expect(within(detail).getByTestId("sla-warning").textContent).toContain("30 h");
    expect(within(detail).getByTestId("timeline-awaiting")).toBeTruthy();
    expect(within(detail).queryByTestId("rejection")).toBeNull();
    expect(within(rows()[2]!).getByTestId("past-sla").textContent).toBe("30 h");
  });

  it("refetches when the mirror changes and keeps the selection", async () => {
    const { rerender } = renderScreen();
    await openInstructions();
    press("j");
    await waitFor(() => expect(selected()).toBe("PI-2"));
    const before = instructionCalls().length;
    const runsBefore = calls.filter((c) => c.cmd === "payment_runs").length;
    rerender(1);
    await waitFor(() => expect(instructionCalls().length).toBe(before + 1));
    expect(calls.filter((c) => c.cmd === "payment_runs").length).toBe(runsBefore + 1);
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(selected()).toBe("PI-2");
  });

  it("loads the next page by cursor as the table scrolls near its end, and none after the last", async () => {
    instructions = manyInstructions(250);
    renderScreen();
    fireEvent.click(screen.getByTestId("pay-tab-instructions"));
    await waitFor(() => expect(rowCount()).toBe("101"));
    expect(pagesAsked()).toEqual([null]);
    expect(screen.getByTestId("instructions-count").textContent).toBe("first 100, more as you scroll");

    // happy-dom has no layout, so scroll the way the browser would have.
    const scroller = screen.getByTestId("instructions-table");
    const scrollToRow = (row: number) =>
      act(() => {
        scroller.scrollTop = row * 34;
        fireEvent.scroll(scroller);
      });
    scrollToRow(80);
    await waitFor(() => expect(rowCount()).toBe("201"));
    expect(pagesAsked()).toEqual([null, "100"]);
    scrollToRow(180);
    await waitFor(() => expect(rowCount()).toBe("251"));
    expect(pagesAsked()).toEqual([null, "100", "200"]);
    expect(screen.getByTestId("instructions-count").textContent).toBe("250 shown");

    scrollToRow(240);
    await waitFor(() => expect(rows().map((r) => r.dataset.instructionId)).toContain("PI-X247"));
    expect(pagesAsked()).toEqual([null, "100", "200"]);
  });

  it("j past the last loaded row loads the next page and steps onto it; at the very end it stays", async () => {
    instructions = manyInstructions(150);
    let release = () => {};
    holdMore = new Promise((resolve) => {
      release = resolve;
    });
    renderScreen();
    fireEvent.click(screen.getByTestId("pay-tab-instructions"));
    await waitFor(() => expect(rowCount()).toBe("101"));
    await waitFor(() => expect(detailId()).toBe("PI-1"));
    for (let i = 0; i < 99; i++) press("j");
    expect(detailId()).toBe("PI-X97");

    // The last loaded row: the next page is asked for and the selection waits for it.
    press("j");
    await waitFor(() => expect(pagesAsked()).toEqual([null, "100"]));
    expect(detailId()).toBe("PI-X97");
    await act(async () => {
      release();
      await holdMore;
    });
    await waitFor(() => expect(rowCount()).toBe("151"));
    expect(detailId()).toBe("PI-X98");

    for (let i = 0; i < 60; i++) press("j");
    expect(detailId()).toBe("PI-X147");
    expect(pagesAsked()).toEqual([null, "100"]);
  });

  it("exports every instruction of the filter, fetching all pages, not only the loaded ones", async () => {
    instructions = manyInstructions(250);
    renderScreen();
    fireEvent.click(screen.getByTestId("pay-tab-instructions"));
    fireEvent.click(screen.getByTestId("filter-settled"));
    await waitFor(() => expect(rowCount()).toBe("101"));
    const before = instructionCalls().length;

    fireEvent.click(screen.getByTestId("instructions-export-csv"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "save_export")).toBe(true));
    expect(instructionCalls().slice(before)).toEqual(
      [null, "100", "200"].map((after) => ({ runId: null, filter: "settled", search: null, after })),
    );
    const saved = calls.find((c) => c.cmd === "save_export")!.args as { fileName: string; bytes: number[] };
    expect(saved.fileName).toMatch(/^payment-instructions-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = new TextDecoder().decode(new Uint8Array(saved.bytes)).split("\r\n");
    expect(lines).toHaveLength(250); // header, PI-2 and 247 more settled, and the final CRLF
    expect(lines.at(-2)).toContain("Creditor 247");
    // The list itself did not grow: the export fetched its own pages.
    expect(rowCount()).toBe("101");
  });

  it("shows cash totals per currency as exact decimal strings", async () => {
    renderScreen();
    fireEvent.click(screen.getByTestId("pay-tab-cash"));
    const totals = await screen.findAllByTestId("cash-total");
    expect(totals.map((t) => t.dataset.currency)).toEqual(["EUR", "USD"]);
    expect(totals[0]!.textContent).toContain("1,234,567.895 EUR");
    expect(totals[1]!.textContent).toContain("12,345,678,901,234.5678 USD");
    expect(screen.getAllByTestId("cash-chart").map((c) => c.dataset.currency)).toEqual(["EUR", "USD"]);
    const accounts = screen.getAllByTestId("cash-account");
    expect(accounts[1]!.textContent).toContain("12,345,678,901,234.5678 USD");
  });

  it("shows exact balances in the chart tooltip", () => {
    const usd = cashCharts(CASH)[1]!;
    render(<CashTooltip datum={usd.data[0]} series={usd.series} currency="USD" />);
    expect(screen.getByTestId("cash-tooltip-value").textContent).toBe("12,345,678,901,234.5678 USD");
  });
});
