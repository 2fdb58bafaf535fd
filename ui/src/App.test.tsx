// @vitest-environment happy-dom
import { clearMocks } from "@tauri-apps/api/mocks";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { ACTION_COOLDOWN_MS } from "./components/ApprovalsScreen";
import { installMockBackend, type MockBackend } from "./dev/mockBackend";
import { setUpScreenTests } from "./test/screenHarness";

let backend: MockBackend;

setUpScreenTests(() => {
  backend = installMockBackend({ rows: 250, deliveryMs: 0 });
}, "");

const rows = () => screen.getAllByTestId("approval-row");
const selectedRow = () => rows().find((r) => r.getAttribute("aria-selected") === "true");
const press = (key: string, target: Element | Window = window) => {
  act(() => {
    fireEvent.keyDown(target, { key });
  });
};
const decideCalls = () => backend.calls.filter((c) => c.cmd === "decide").map((c) => c.args);

async function renderLoaded() {
  render(<App />);
  await waitFor(() => expect(rows().length).toBeGreaterThan(3));
  await waitFor(() => expect(selectedRow()).toBeDefined());
}

describe("Approvals screen", () => {
  it("shows the session, the total and the status bar", async () => {
    await renderLoaded();
    expect(screen.getByTestId("current-user").textContent).toBe("Dana Whitfield");
    expect(screen.getByTestId("queue-total").textContent).toBe("250 pending");
    await waitFor(() =>
      expect(screen.getByTestId("connection-endpoint").textContent).toBe(
        "https://erp.acme.example/api/v2",
      ),
    );
    expect(screen.getByTestId("pending-actions").textContent).toBe("0 pending actions");
    expect(screen.getByTestId("malformed-records").textContent).toBe("2 malformed records");
    expect(screen.getByTestId("last-sync").textContent).toMatch(/^synced \d+ s ago/);
  });

  it("moves with j/k and approves with a, then advances", async () => {
    await renderLoaded();
    const first = rows()[0]!;
    expect(first.getAttribute("aria-selected")).toBe("true");

    press("j");
    press("ArrowDown");
    press("k");
    const target = rows()[1]!;
    expect(selectedRow()).toBe(target);
    const id = target.dataset.approvalId;

    press("a");
    await waitFor(() => expect(within(target).getByTestId("pending-action").textContent).toBe("Queued"));
    expect(decideCalls()).toEqual([{ approvalId: id, decision: "approve", reason: null }]);
    expect(selectedRow()?.dataset.approvalId).toBe(rows()[2]!.dataset.approvalId);
    await waitFor(() =>
      expect(screen.getByTestId("pending-actions").textContent).toBe("1 pending action"),
    );
  });

  it("rejects with a required reason via the dialog", async () => {
    await renderLoaded();
    const target = selectedRow()!;
    press("r");
    const dialog = await screen.findByTestId("reject-dialog");
    const reason = within(dialog).getByTestId("reject-reason");
    await waitFor(() => expect(document.activeElement).toBe(reason));

    press("Enter", reason);
    expect(decideCalls()).toEqual([]);
    expect(screen.getByText("A reason is required.")).toBeTruthy();

    fireEvent.change(reason, { target: { value: "Duplicate of INV-17" } });
    press("Enter", reason);
    await waitFor(() => expect(screen.queryByTestId("reject-dialog")).toBeNull());
    expect(decideCalls()).toEqual([
      { approvalId: target.dataset.approvalId, decision: "reject", reason: "Duplicate of INV-17" },
    ]);
    await waitFor(() =>
      expect(within(target).getByTestId("pending-action").textContent).toBe("Reject · Queued"),
    );
  });

  it("closes the reject dialog on Escape without deciding", async () => {
    await renderLoaded();
    press("r");
    const reason = await screen.findByTestId("reject-reason");
    press("Escape", reason);
    expect(screen.queryByTestId("reject-dialog")).toBeNull();
    expect(decideCalls()).toEqual([]);
  });

  it("ignores shortcuts while typing and focuses search with /", async () => {
    await renderLoaded();
    const search = screen.getByTestId("filter-search");
    press("/");
    expect(document.activeElement).toBe(search);
    press("a", search);
    press("j", search);
    expect(decideCalls()).toEqual([]);
    expect(selectedRow()).toBe(rows()[0]);
  });

  it("filters by debounced search and marks rows the user may not decide", async () => {
    await renderLoaded();
    fireEvent.change(screen.getByTestId("filter-search"), { target: { value: "Dana" } });
    await waitFor(() =>
      expect(rows().every((r) => r.textContent?.includes("Dana Whitfield (expenses)"))).toBe(true),
    );
    const total = screen.getByTestId("queue-total").textContent;
    expect(total).toMatch(/^\d+ pending$/);
    expect(total).not.toBe("250 pending");

    // Dana created these invoices: locked, dimmed, the reason as tooltip and in the action bar.
    const reason = "segregation of duties: you created this invoice, so someone else must approve it";
    const row = selectedRow()!;
    expect(row.dataset.blocked).toBe("true");
    expect(row.className).toContain("blocked");
    expect(row.getAttribute("title")).toBe(reason);
    expect(within(row).getByTestId("lock-icon").getAttribute("aria-label")).toBe(reason);
    expect(screen.getByTestId("blocked-reason").textContent).toBe(reason);
    expect(screen.getByTestId<HTMLButtonElement>("approve-button").disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>("reject-button").disabled).toBe(true);

    // a and r explain instead of calling the backend (which would refuse).
    (document.activeElement as HTMLElement | null)?.blur();
    press("a");
    const notice = await screen.findByTestId("notice-toast");
    expect(notice.dataset.tone).toBe("info");
    expect(within(notice).getByTestId("notice-message").textContent).toBe(reason);
    press("r");
    expect(screen.queryByTestId("reject-dialog")).toBeNull();
    expect(screen.getAllByTestId("notice-toast")).toHaveLength(1);
    expect(decideCalls()).toEqual([]);
    expect(screen.queryByTestId("error-toast")).toBeNull();
  });

  it("shows the backend's refusal when it refuses a decision anyway", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await renderLoaded();
    // A row the UI was not told about (e.g. coded by this user since the last reload).
    const target = rows()[0]!;
    const row = backend.rows.find((r) => r.approvalId === target.dataset.approvalId)!;
    row.submittedBy = "u-dana";
    press("a");
    const toast = await screen.findByTestId("error-toast");
    expect(toast.textContent).toContain("Segregation of duties");
    expect(toast.textContent).toContain("you submitted it");
    expect(consoleError).toHaveBeenCalled();
    // Nothing moved: the selection stays on the refused row.
    expect(selectedRow()?.dataset.approvalId).toBe(target.dataset.approvalId);
    consoleError.mockRestore();
  });

  it("ignores a second a right after a decision moved the selection, and held keys", async () => {
    await renderLoaded();
    const [first, second] = [rows()[0]!, rows()[1]!];
    const firstId = first.dataset.approvalId;
    const secondId = second.dataset.approvalId;

    press("a");
    await waitFor(() => expect(selectedRow()?.dataset.approvalId).toBe(secondId));
    // The second press of a quick double press lands after the move: ignored.
    press("a");
    press("r");
    expect(screen.queryByTestId("reject-dialog")).toBeNull();
    // So is auto-repeat from a held key, at any time.
    act(() => {
      fireEvent.keyDown(window, { key: "a", repeat: true });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(decideCalls()).toEqual([{ approvalId: firstId, decision: "approve", reason: null }]);
    expect(selectedRow()?.dataset.approvalId).toBe(secondId);

    // Once the cool-down is over, a decides the row now selected.
    await new Promise((resolve) => setTimeout(resolve, ACTION_COOLDOWN_MS));
    act(() => {
      fireEvent.keyDown(window, { key: "a", repeat: true });
    });
    expect(decideCalls()).toHaveLength(1);
    press("a");
    await waitFor(() => expect(decideCalls()).toHaveLength(2));
    expect(decideCalls()[1]).toEqual({ approvalId: secondId, decision: "approve", reason: null });
  });

  it("ignores a second a while the first decision is still on its way", async () => {
    await renderLoaded();
    const firstId = rows()[0]!.dataset.approvalId;
    press("a");
    press("a");
    await waitFor(() => expect(selectedRow()?.dataset.approvalId).toBe(rows()[1]!.dataset.approvalId));
    press("a");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(decideCalls()).toEqual([{ approvalId: firstId, decision: "approve", reason: null }]);
  });

  it("sorts by a column header and reloads everything on user switch", async () => {
    await renderLoaded();
    fireEvent.click(screen.getByTestId("sort-amount"));
    await waitFor(() => {
      const last = backend.calls.filter((c) => c.cmd === "approval_queue").at(-1);
      expect(last?.args).toMatchObject({ req: { sort: { key: "amount", dir: "desc" }, after: null } });
    });

    fireEvent.change(screen.getByTestId("user-switcher"), { target: { value: "u-marco" } });
    await waitFor(() => expect(screen.getByTestId("current-user").textContent).toBe("Marco Ruiz"));
    expect(backend.calls.some((c) => c.cmd === "switch_user")).toBe(true);
    await waitFor(() => expect(rows().length).toBeGreaterThan(3));
  });

  it("filters by bucket from the aging table", async () => {
    await renderLoaded();
    fireEvent.click(await screen.findByTestId("aging-bucket-over20"));
    await waitFor(() =>
      expect(screen.getByTestId<HTMLSelectElement>("filter-bucket").value).toBe("over20"),
    );
    await waitFor(() => expect(rows().every((r) => r.textContent?.includes(">20"))).toBe(true));
  });

  it("loads the next page with the cursor when scrolling near the end", async () => {
    await renderLoaded();
    const pages = () =>
      backend.calls
        .filter((c) => c.cmd === "approval_queue")
        .map((c) => (c.args as { req: { after: string | null; limit: number } }).req);
    expect(pages().map((p) => p.after)).toEqual([null]);
    expect(pages()[0]?.limit).toBe(100);

    for (let i = 0; i < 80; i++) press("j");
    // happy-dom has no layout, so scroll the way the browser would have.
    const scroller = screen.getByTestId("queue-table");
    act(() => {
      scroller.scrollTop = 70 * 34;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(selectedRow()?.getAttribute("aria-rowindex")).toBe("82"));

    await waitFor(() => expect(pages().some((p) => p.after !== null)).toBe(true));
    const second = pages().find((p) => p.after !== null);
    expect(second?.after).toMatch(/^apr-\d+$/);
    await waitFor(() => expect(screen.getByTestId("queue-total").textContent).toBe("250 pending"));
  });
});

describe("live updates", () => {
  beforeEach(() => {
    clearMocks();
    backend = installMockBackend({ rows: 250, deliveryMs: 5 });
  });

  it("shows a refusal from the source, keeps the selection, and dismisses it", async () => {
    await renderLoaded();
    const refusedRow = rows().find((r) => r.dataset.invoiceNumber?.endsWith("3"));
    expect(refusedRow).toBeDefined();
    fireEvent.mouseDown(refusedRow!);
    const id = refusedRow!.dataset.approvalId;
    press("a");

    await waitFor(
      () => {
        const row = rows().find((r) => r.dataset.approvalId === id)!;
        expect(within(row).getByTestId("pending-action").textContent).toBe(
          "Refused by source: Invoice is blocked for payment in ERP (block R)Dismiss",
        );
      },
      { timeout: 3000 },
    );
    // Selection moved on after the decision and survived the reloads.
    const index = rows().findIndex((r) => r.dataset.approvalId === id);
    expect(selectedRow()).toBe(rows()[index + 1]);

    const row = rows().find((r) => r.dataset.approvalId === id)!;
    fireEvent.click(within(row).getByTestId("dismiss-action"));
    await waitFor(() => expect(within(row).queryByTestId("pending-action")).toBeNull());
    expect(backend.calls.some((c) => c.cmd === "dismiss_action")).toBe(true);
  });
});
