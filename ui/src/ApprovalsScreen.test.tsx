// @vitest-environment happy-dom
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { RunApprovalsPanel } from "./components/RunApprovalsPanel";
import { installMockBackend, type MockBackend } from "./dev/mockBackend";
import { setUpScreenTests } from "./test/screenHarness";

let backend: MockBackend;

setUpScreenTests(() => {
  backend = installMockBackend({ rows: 60, deliveryMs: 0 });
}, "#/approvals");

const rows = () => screen.getAllByTestId("approval-row");
const rowById = (id: string) => rows().find((r) => r.dataset.approvalId === id)!;
const selectedRow = () => rows().find((r) => r.getAttribute("aria-selected") === "true");
const press = (key: string, extra: Record<string, unknown> = {}) => {
  act(() => {
    fireEvent.keyDown(window, { key, ...extra });
  });
};
const callsOf = (cmd: string) => backend.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

interface Pin {
  amount: string;
  currency: string;
  minor: number;
  submittedBy?: string;
}

/** Puts backend rows at the top of the default (due date) order with known amounts; returns their ids. */
function pinFirst(pins: Pin[]): string[] {
  return pins.map((pin, i) => {
    const row = backend.rows[i]!;
    row.amount = { amount: pin.amount, currency: pin.currency };
    row.entityCode = pin.currency === "USD" ? "US01" : "DE01";
    row.minor = pin.minor;
    row.dueDate = `2000-01-${String(i + 1).padStart(2, "0")}`;
    row.submittedBy = pin.submittedBy ?? "u-other";
    row.pendingAction = null;
    return row.approvalId;
  });
}

async function renderLoaded() {
  render(<App />);
  await waitFor(() => expect(rows().length).toBeGreaterThan(3));
  await waitFor(() => expect(selectedRow()).toBeDefined());
}

describe("delegation", () => {
  it("d opens the dialog, offers the other approvers and delegates to the chosen one", async () => {
    // Over Dana's approval limit: blocked like a segregation-of-duties row, and delegating is the way out.
    const [id] = pinFirst([{ amount: "46000.00", currency: "EUR", minor: 4_600_000 }]);
    await renderLoaded();
    const limit = "46000.00 EUR is over your approval limit of 45000.00 EUR; it needs someone with a higher limit";
    expect(selectedRow()?.dataset.approvalId).toBe(id);
    expect(selectedRow()?.dataset.blocked).toBe("true");
    expect(within(selectedRow()!).getByTestId("lock-icon").getAttribute("aria-label")).toBe(limit);
    expect(screen.getByTestId("blocked-reason").textContent).toBe(limit);
    expect(screen.getByTestId<HTMLButtonElement>("approve-button").disabled).toBe(true);

    press("d");
    const dialog = await screen.findByTestId("delegate-dialog");
    const to = within(dialog).getByTestId<HTMLSelectElement>("delegate-to");
    // Dana is signed in: only Marco, never herself.
    expect([...to.options].map((o) => o.value)).toEqual(["", "u-marco"]);
    expect(within(dialog).getByTestId<HTMLButtonElement>("delegate-submit").disabled).toBe(true);
    // The queue's keys are off while the dialog is open.
    press("a");
    press("x");

    fireEvent.change(to, { target: { value: "u-marco" } });
    fireEvent.change(within(dialog).getByTestId("delegate-reason"), { target: { value: "  over my limit " } });
    fireEvent.click(within(dialog).getByTestId("delegate-submit"));

    await waitFor(() => expect(screen.queryByTestId("delegate-dialog")).toBeNull());
    expect(callsOf("delegate_step")).toEqual([{ approvalId: id, to: "u-marco", reason: "over my limit" }]);
    expect(callsOf("decide")).toEqual([]);
    expect(callsOf("approve_bulk")).toEqual([]);
    await waitFor(() =>
      expect(within(rowById(id!)).getByTestId("delegation-badge").textContent).toBe("Delegating to Marco Ruiz · Queued"),
    );
    // It survives the reload the queued action triggers, and the selection moved on.
    expect(selectedRow()?.dataset.approvalId).not.toBe(id);
  });

  it("shows the backend's refusal in the dialog and keeps it open", async () => {
    // Marco keyed this invoice, so he may not take its approval.
    const [id] = pinFirst([{ amount: "10.00", currency: "EUR", minor: 1000, submittedBy: "u-marco" }]);
    await renderLoaded();
    fireEvent.click(screen.getByTestId("delegate-button"));
    const dialog = await screen.findByTestId("delegate-dialog");
    fireEvent.change(within(dialog).getByTestId("delegate-to"), { target: { value: "u-marco" } });
    fireEvent.click(within(dialog).getByTestId("delegate-submit"));

    const error = await within(dialog).findByTestId("delegate-error");
    expect(error.textContent).toBe(
      "u-marco cannot take it: segregation of duties: you created this invoice, so someone else must approve it",
    );
    expect(screen.getByTestId("delegate-dialog")).toBe(dialog);
    expect(callsOf("delegate_step")).toEqual([{ approvalId: id, to: "u-marco", reason: null }]);
    expect(within(rowById(id!)).queryByTestId("pending-action")).toBeNull();
    expect(screen.queryByTestId("error-toast")).toBeNull();
  });
});

describe("bulk approval", () => {
  it("x checks rows, Shift+A confirms exact totals, sends the checked ids and lists refusals", async () => {
    const ids = pinFirst([
      { amount: "0.10", currency: "EUR", minor: 10 },
      { amount: "0.20", currency: "EUR", minor: 20 },
      { amount: "4000.00", currency: "EUR", minor: 400_000 },
      // More digits than a float holds, and over the bulk limit: the backend refuses it.
      { amount: "90071992547409.93", currency: "USD", minor: Number.MAX_SAFE_INTEGER },
      { amount: "0.01", currency: "USD", minor: 1 },
      // Dana keyed this one: it cannot be checked at all.
      { amount: "5.00", currency: "EUR", minor: 500, submittedBy: "u-dana" },
    ]);
    await renderLoaded();
    for (let i = 0; i < 6; i++) {
      press("x");
      press("j");
    }
    // The blocked row explained instead of being checked.
    expect(rowById(ids[5]!).dataset.checked).toBeUndefined();
    expect(within(screen.getAllByTestId("notice-toast")[0]!).getByTestId("notice-message").textContent).toBe(
      "segregation of duties: you created this invoice, so someone else must approve it",
    );
    expect(ids.slice(0, 5).map((id) => rowById(id).dataset.checked)).toEqual(Array(5).fill("true"));
    expect(within(rowById(ids[0]!)).getByTestId("row-check").getAttribute("aria-checked")).toBe("true");
    expect(screen.getByTestId("bulk-bar").textContent).toContain("5 checked");

    // x again unchecks; a click on the checkbox checks again.
    fireEvent.mouseDown(rowById(ids[2]!));
    press("x");
    expect(rowById(ids[2]!).dataset.checked).toBeUndefined();
    fireEvent.click(within(rowById(ids[2]!)).getByTestId("row-check"));
    expect(rowById(ids[2]!).dataset.checked).toBe("true");

    press("A", { shiftKey: true });
    const dialog = await screen.findByTestId("bulk-dialog");
    expect(within(dialog).getByRole("heading").textContent).toBe("Approve 5 checked invoices");
    expect(within(dialog).getAllByTestId("bulk-total").map((t) => t.textContent)).toEqual([
      "3 ×4,000.30 EUR",
      "2 ×90,071,992,547,409.94 USD",
    ]);
    expect(callsOf("approve_bulk")).toEqual([]);

    fireEvent.click(within(dialog).getByTestId("bulk-confirm"));
    await waitFor(() => expect(dialog.dataset.phase).toBe("result"));
    // Only the checked ids, in queue order; nothing single-approved.
    expect(callsOf("approve_bulk")).toEqual([{ approvalIds: ids.slice(0, 5) }]);
    expect(callsOf("decide")).toEqual([]);
    expect(within(dialog).getByTestId("bulk-summary").textContent).toBe("4 queued · 1 refused");
    const refusals = within(dialog).getAllByTestId("bulk-refusal");
    expect(refusals.map((r) => r.dataset.approvalId)).toEqual([ids[3]]);
    expect(within(refusals[0]!).getByTestId("bulk-refusal-reason").textContent).toBe(
      "90071992547409.93 USD is over the bulk approval limit of 5000.00 USD; open it and approve it on its own",
    );

    fireEvent.click(within(dialog).getByTestId("bulk-close"));
    expect(screen.queryByTestId("bulk-dialog")).toBeNull();
    for (const id of [ids[0]!, ids[1]!, ids[2]!, ids[4]!]) {
      await waitFor(() => expect(within(rowById(id)).getByTestId("pending-action").textContent).toBe("Queued"));
    }
    expect(within(rowById(ids[3]!)).queryByTestId("pending-action")).toBeNull();
    // Everything sent was unchecked.
    expect(screen.queryByTestId("bulk-bar")).toBeNull();
  });

  it("Shift+A with nothing checked only explains", async () => {
    await renderLoaded();
    press("A", { shiftKey: true });
    expect(screen.queryByTestId("bulk-dialog")).toBeNull();
    expect(await screen.findByText("Nothing checked")).toBeTruthy();
    expect(callsOf("approve_bulk")).toEqual([]);
    expect(callsOf("decide")).toEqual([]);
  });
});

describe("payment runs awaiting approval", () => {
  const runRow = (id: string) =>
    screen.getAllByTestId("run-approval").find((r) => r.dataset.runId === id)!;
  const approveButton = (id: string) => within(runRow(id)).getByTestId<HTMLButtonElement>("run-approve");

  it("a run with refusals cannot be approved; one without calls approvePaymentRun", async () => {
    await renderLoaded();
    await waitFor(() => expect(screen.getAllByTestId("run-approval")).toHaveLength(3));

    expect(within(runRow("PR-US01-0017")).getAllByTestId("run-refusal").map((r) => r.textContent)).toEqual([
      "segregation of duties: you prepared this run, so someone else must approve it",
    ]);
    expect(within(runRow("PR-DE01-0043")).getByTestId("run-refusal").textContent).toContain(
      "is over your approval limit",
    );
    expect(approveButton("PR-US01-0017").disabled).toBe(true);
    expect(approveButton("PR-DE01-0043").disabled).toBe(true);
    fireEvent.click(approveButton("PR-US01-0017"));
    expect(callsOf("approve_payment_run")).toEqual([]);

    expect(within(runRow("PR-DE01-0042")).queryByTestId("run-refusal")).toBeNull();
    expect(runRow("PR-DE01-0042").textContent).toContain("41,250.00 EUR");
    expect(approveButton("PR-DE01-0042").disabled).toBe(false);
    fireEvent.click(approveButton("PR-DE01-0042"));
    await waitFor(() => expect(callsOf("approve_payment_run")).toEqual([{ runId: "PR-DE01-0042" }]));
    await waitFor(() =>
      expect(within(runRow("PR-DE01-0042")).getByTestId("run-pending").textContent).toBe("Approval queued"),
    );
    expect(approveButton("PR-DE01-0042").disabled).toBe(true);
  });

  it("shows the backend's refusal by the run when a control changed since the list loaded", async () => {
    await renderLoaded();
    await waitFor(() => expect(screen.getAllByTestId("run-approval")).toHaveLength(3));
    backend.runs.find((r) => r.id === "PR-DE01-0042")!.createdBy = "u-dana";
    fireEvent.click(approveButton("PR-DE01-0042"));
    const error = await within(runRow("PR-DE01-0042")).findByTestId("run-error");
    expect(error.textContent).toBe("segregation of duties: you prepared this run, so someone else must approve it");
  });

  it("reloads when the mirror changes", async () => {
    const { rerender } = render(<RunApprovalsPanel mirrorVersion={0} users={[]} />);
    await waitFor(() => expect(screen.getAllByTestId("run-approval")).toHaveLength(3));
    backend.runs.splice(0, 2);
    rerender(<RunApprovalsPanel mirrorVersion={1} users={[]} />);
    await waitFor(() => expect(screen.getAllByTestId("run-approval")).toHaveLength(1));
    expect(screen.getByTestId("run-approvals-count").textContent).toBe("1 draft run");
  });
});
