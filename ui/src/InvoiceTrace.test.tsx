// @vitest-environment happy-dom
import { mockIPC } from "@tauri-apps/api/mocks";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { InvoiceTrace } from "./bindings";
import { ApprovalsScreen } from "./components/ApprovalsScreen";
import { InvoiceTraceDrawer } from "./components/InvoiceTraceDrawer";
import { installMockBackend, type MockBackend } from "./dev/mockBackend";
import { setUpScreenTests } from "./test/screenHarness";

const STUCK_SINCE = "2024-05-03T09:30:00Z";

const TRACE: InvoiceTrace = {
  invoiceId: "INV-A",
  number: "4711",
  supplier: "Northwind Traders",
  entity: "DE01",
  amount: { amount: "1000.10", currency: "EUR" },
  stages: [
    { stage: "capture", label: "Captured in AP", state: "done", at: "2024-05-01T08:00:00Z", system: "AP automation", reference: "4711", detail: "1000.10 EUR from Northwind Traders" },
    { stage: "approval", label: "Approval", state: "done", at: "2024-05-02T08:00:00Z", system: "AP automation", reference: null, detail: "Approver approved (u-dana)" },
    { stage: "posting", label: "Posted in the ERP", state: "done", at: "2024-05-02", system: "erp-acme", reference: "5100000123", detail: "1000.10 EUR · posted" },
    { stage: "payment_run", label: "Payment run", state: "done", at: "2024-05-03T08:00:00Z", system: "treasury", reference: "R-1", detail: "in run R-1" },
    { stage: "bank_status", label: "Bank status", state: "failed", at: STUCK_SINCE, system: "treasury", reference: "E2E-1", detail: "RJCT AC01: incorrect account number" },
    { stage: "statement", label: "Bank statement", state: "waiting", at: null, system: "bank", reference: null, detail: "not on a statement" },
  ],
  stuck: "rejected by the bank (AC01)",
  stuckSince: STUCK_SINCE,
  exceptions: [
    {
      id: "bank_rejection:treasury:PI-1", kind: "bank_rejection", kindLabel: "Bank rejection", queue: "treasury_analyst",
      entity: "DE01", severity: "high", amount: { amount: "1000.10", currency: "EUR" }, since: STUCK_SINCE,
      slaDue: "2024-05-04T09:30:00Z", breached: false, status: "open", summary: "AC01 on E2E-1", invoice: "4711",
      supplier: "Northwind Traders", updatedAt: STUCK_SINCE,
    },
  ],
};

let traceCalls: unknown[] = [];
let answer: InvoiceTrace = TRACE;

// The trace answer here; the Approvals test installs the shared mock backend over it.
setUpScreenTests(() => {
  traceCalls = [];
  answer = TRACE;
  mockIPC((cmd, payload) => {
    // A CommandError object, as Tauri rejects with (an Error would be rethrown by the bindings).
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (cmd !== "invoice_trace") throw { code: "notFound", message: `Unknown command ${cmd}` };
    traceCalls.push(payload);
    return answer;
  });
});

const press = (key: string) => {
  act(() => {
    fireEvent.keyDown(window, { key });
  });
};

describe("Invoice trace drawer", () => {
  it("shows the stuck banner, every stage's state and the exceptions", async () => {
    render(<InvoiceTraceDrawer invoiceId="INV-A" mirrorVersion={0} onClose={() => undefined} />);
    const banner = await screen.findByTestId("stuck-banner");
    expect(traceCalls).toEqual([{ invoiceId: "INV-A" }]);
    expect(banner.textContent).toMatch(/^Stuck: rejected by the bank \(AC01\) since /);
    expect(banner.querySelector("time")?.getAttribute("dateTime")).toBe(STUCK_SINCE);

    const stages = screen.getAllByTestId("trace-stage");
    expect(stages.map((s) => [s.dataset.stage, s.dataset.state])).toEqual([
      ["capture", "done"],
      ["approval", "done"],
      ["posting", "done"],
      ["payment_run", "done"],
      ["bank_status", "failed"],
      ["statement", "waiting"],
    ]);
    const icon = (s: HTMLElement) => s.querySelector(".trace-icon")!;
    expect(icon(stages[0]!).textContent).toBe("✓");
    expect(stages[4]!.className).toContain("trace-alert");
    expect(icon(stages[4]!).getAttribute("aria-label")).toBe("Failed");
    expect(stages[5]!.className).toContain("trace-waiting");
    // The ERP's posting date is a calendar date and stays one.
    expect(stages[2]!.textContent).toContain("2024-05-02");
    expect(within(stages[2]!).getByTestId("trace-reference").textContent).toBe("5100000123");
    expect(stages[4]!.textContent).toContain("RJCT AC01: incorrect account number");

    const exception = screen.getByTestId("trace-exception");
    expect(exception.textContent).toContain("Bank rejection");
    expect(within(exception).getByTestId("exception-status").textContent).toBe("open");
    expect(exception.querySelector("a")?.getAttribute("href")).toBe(
      `#/exceptions/${encodeURIComponent("bank_rejection:treasury:PI-1")}`,
    );
    expect(screen.getByTestId("trace-drawer").textContent).toContain("1,000.10 EUR");
  });

  it("marks a stuck stage red and shows no banner once paid", async () => {
    answer = {
      ...TRACE,
      stages: TRACE.stages.map((s) => (s.stage === "bank_status" ? { ...s, state: "stuck" } : s)),
    };
    const { rerender } = render(<InvoiceTraceDrawer invoiceId="INV-A" mirrorVersion={0} onClose={() => undefined} />);
    await screen.findByTestId("stuck-banner");
    const stuck = screen.getAllByTestId("trace-stage").find((s) => s.dataset.state === "stuck")!;
    expect(stuck.className).toContain("trace-alert");

    // A sync lands: the drawer reloads and the invoice is now paid.
    answer = { ...TRACE, stuck: null, stuckSince: null, stages: TRACE.stages.map((s) => ({ ...s, state: "done" })) };
    rerender(<InvoiceTraceDrawer invoiceId="INV-A" mirrorVersion={1} onClose={() => undefined} />);
    await screen.findByTestId("paid-banner");
    expect(traceCalls).toHaveLength(2);
    expect(screen.queryByTestId("stuck-banner")).toBeNull();
  });

  it("closes on Escape", async () => {
    const onClose = vi.fn();
    render(<InvoiceTraceDrawer invoiceId="INV-A" mirrorVersion={0} onClose={onClose} />);
    await screen.findByTestId("stuck-banner");
    press("Escape");
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe("Approvals opens the trace", () => {
  it("on a click on the invoice number, and with t for the selected row", async () => {
    const backend: MockBackend = installMockBackend({ rows: 30, deliveryMs: 0 });
    const onOpenTrace = vi.fn<(invoiceId: string) => void>();
    render(<ApprovalsScreen mirrorVersion={0} onOpenTrace={onOpenTrace} />);
    await waitFor(() => expect(screen.getAllByTestId("approval-row").length).toBeGreaterThan(3));
    const invoiceOf = (row: HTMLElement) =>
      backend.rows.find((r) => r.approvalId === row.dataset.approvalId)!.invoiceId;

    const second = screen.getAllByTestId("approval-row")[1]!;
    const link = within(second).getByTestId("invoice-trace-link");
    expect(link.textContent).toBe(second.dataset.invoiceNumber);
    fireEvent.click(link);
    expect(onOpenTrace).toHaveBeenLastCalledWith(invoiceOf(second));

    await waitFor(() =>
      expect(screen.getAllByTestId("approval-row")[0]!.getAttribute("aria-selected")).toBe("true"),
    );
    press("t");
    expect(onOpenTrace).toHaveBeenLastCalledWith(invoiceOf(screen.getAllByTestId("approval-row")[0]!));
    expect(onOpenTrace).toHaveBeenCalledTimes(2);
  });
});
