// @vitest-environment happy-dom
import { mockIPC } from "@tauri-apps/api/mocks";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type {
  CommandError,
  ExceptionDetail,
  ExceptionKindCount,
  ExceptionPageRequest,
  ExceptionRow,
  ResolveRequest,
  User,
} from "./bindings";
import { ErrorToasts } from "./components/ErrorToasts";
import { ExceptionsScreen } from "./components/ExceptionsScreen";
import { lastVisitKey } from "./exceptions";
import { setUpScreenTests } from "./test/screenHarness";

const USER: User = { id: "u-ana", name: "Ana Keller", email: "ana@acme.example", roles: ["ap_clerk"] };
const LAST_VISIT = "2024-05-01T12:00:00Z";
/** The mock answers in pages of this size whatever the limit, as keyset paging allows. */
const MOCK_PAGE = 25;
const SEARCH_CAP = 50;

function row(i: number, patch: Partial<ExceptionRow> = {}): ExceptionRow {
  return {
    id: `EX-${i}`,
    kind: "missing_receipt",
    kindLabel: "Missing receipt",
    queue: "ap_clerk",
    entity: "DE01",
    severity: "low",
    amount: { amount: `${i}00.00`, currency: "EUR" },
    since: "2024-04-20T08:00:00Z",
    slaDue: "2999-01-01T00:00:00Z",
    breached: false,
    status: "open",
    summary: `Receipt missing for PO-${i}`,
    invoice: `INV-${i}`,
    supplier: "Northwind Traders",
    updatedAt: "2024-04-25T08:00:00Z",
    ...patch,
  };
}

interface Backend {
  rows: ExceptionRow[];
  summary: ExceptionKindCount[];
  refusal: CommandError | null;
  calls: { cmd: string; args: Record<string, unknown> }[];
}
let backend: Backend;

function detailOf(r: ExceptionRow): ExceptionDetail {
  return {
    row: r,
    evidence: {
      columns: ["PO", "Receipt", "Invoice"],
      rows: [
        { label: "Unit price", values: ["10.00", "10.00", "12.50"], differs: true },
        { label: "Quantity", values: ["100", "100", "100"], differs: false },
      ],
      notes: ["Tolerance for DE01 is 2 %"],
    },
    subject: null,
    actions: r.kind === "price_variance" ? ["accept_variance", "request_credit_note", "override"] : ["override"],
    history: [{ at: "2024-04-20T08:00:00Z", event: "raised", actorId: null, detail: "three-way match failed" }],
    sent: null,
  };
}

function fail(code: CommandError["code"], message: string): never {
  const error: CommandError = { code, message };
  // Tauri rejects a failed command with the serialized error object, not an Error (as in mockBackend).
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw error;
}

function install() {
  backend = {
    rows: [
      row(1, {
        kind: "price_variance",
        kindLabel: "Price variance",
        severity: "high",
        amount: { amount: "1234567.891", currency: "EUR" },
        breached: true,
        slaDue: "2024-04-21T08:00:00Z",
        updatedAt: "2024-05-02T09:00:00Z",
      }),
      row(2, { amount: { amount: "98765432109876543.21", currency: "USD" }, invoice: "INV-2" }),
      ...Array.from({ length: 58 }, (_, i) => row(i + 3)),
    ],
    summary: [
      { kind: "price_variance", label: "Price variance", open: 1, breached: 1, amounts: [] },
      { kind: "missing_receipt", label: "Missing receipt", open: 59, breached: 0, amounts: [] },
    ],
    refusal: null,
    calls: [],
  };
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    backend.calls.push({ cmd, args });
    switch (cmd) {
      case "list_entities":
        return [{ code: "DE01", name: "Acme GmbH", currency: "EUR", timeZone: "Europe/Berlin" }];
      case "exception_queue": {
        const req = args.req as ExceptionPageRequest;
        const all = backend.rows.filter((r) => req.kind === null || r.kind === req.kind);
        const start = req.after === null ? 0 : Number.parseInt(req.after, 10);
        const end = start + Math.min(MOCK_PAGE, req.limit);
        // A search counts up to a cap, as the backend does for text with many matches.
        const capped = req.search !== null && all.length > SEARCH_CAP;
        return {
          rows: all.slice(start, end),
          nextCursor: end < all.length ? String(end) : null,
          total: capped ? SEARCH_CAP : all.length,
          totalCapped: capped,
        };
      }
      case "exception_summary":
        return backend.summary;
      case "exception_detail": {
        const found = backend.rows.find((r) => r.id === args.id);
        return found ? detailOf(found) : fail("notFound", "no such exception");
      }
      case "resolve_exception":
        if (backend.refusal) fail(backend.refusal.code, backend.refusal.message);
        return { queuedAction: "act-1", overridden: false };
      default:
        return fail("notFound", `Unknown command ${cmd}`);
    }
  });
}

setUpScreenTests(() => {
  localStorage.clear();
  localStorage.setItem(lastVisitKey(USER.id), LAST_VISIT);
  install();
});

const callsTo = (cmd: string) => backend.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const rows = () => screen.getAllByTestId("exception-row");
const rowById = (id: string) => rows().find((r) => r.dataset.exceptionId === id)!;
const selectedId = () => rows().find((r) => r.getAttribute("aria-selected") === "true")?.dataset.exceptionId;
const press = (key: string, target: Element | Window = window) => {
  act(() => {
    fireEvent.keyDown(target, { key });
  });
};

function renderScreen() {
  const onOpenTrace = vi.fn();
  const view = (mirrorVersion: number) => (
    <ErrorToasts>
      <ExceptionsScreen mirrorVersion={mirrorVersion} user={USER} users={[USER]} onOpenTrace={onOpenTrace} />
    </ErrorToasts>
  );
  const utils = render(view(0));
  return { onOpenTrace, setMirrorVersion: (v: number) => utils.rerender(view(v)) };
}

async function renderLoaded() {
  const result = renderScreen();
  await waitFor(() => expect(rows().length).toBeGreaterThan(3));
  await waitFor(() => expect(selectedId()).toBe("EX-1"));
  return result;
}

async function openDetail(id: string) {
  while (selectedId() !== id) press("j");
  press("Enter");
  const detail = await screen.findByTestId("exception-detail");
  await waitFor(() => expect(within(detail).getAllByTestId("evidence-row").length).toBeGreaterThan(0));
  return detail;
}

describe("Exceptions screen", () => {
  it("lists the own queue with exact amounts, the total and the new-since-last-visit marker", async () => {
    await renderLoaded();
    expect((callsTo("exception_queue")[0]!.req as ExceptionPageRequest).queue).toBe("ap_clerk");
    expect(within(rowById("EX-1")).getByTestId("exception-amount").textContent).toBe("1,234,567.891 EUR");
    // A float would print 98765432109876540: the string must arrive untouched.
    expect(within(rowById("EX-2")).getByTestId("exception-amount").textContent).toBe("98,765,432,109,876,543.21 USD");
    expect(screen.getByTestId("exceptions-total").textContent).toBe("60 exceptions");
    expect(within(rowById("EX-1")).queryByTestId("new-marker")).not.toBeNull();
    expect(within(rowById("EX-2")).queryByTestId("new-marker")).toBeNull();
    expect(within(rowById("EX-1")).getByTestId("breached").textContent).toBe("breached");
    // This visit becomes the next "last visit".
    expect(Date.parse(localStorage.getItem(lastVisitKey(USER.id))!)).toBeGreaterThan(Date.parse(LAST_VISIT));
  });

  it("shows a search's total as a lower bound when the backend stopped counting", async () => {
    await renderLoaded();
    const grid = () => screen.getByRole("grid", { name: "Exceptions" });
    expect(grid().getAttribute("aria-rowcount")).toBe("61");
    fireEvent.change(screen.getByTestId("exc-filter-search"), { target: { value: "case" } });
    await waitFor(() => expect(screen.getByTestId("exceptions-total").textContent).toBe("50+ exceptions"));
    expect(grid().getAttribute("aria-rowcount")).toBe("-1");
  });

  it("loads the next page by cursor as the end of the list comes into view", async () => {
    await renderLoaded();
    await waitFor(() =>
      expect(callsTo("exception_queue").map((a) => (a.req as ExceptionPageRequest).after)).toContain("25"),
    );
  });

  it("filters by kind from a summary chip", async () => {
    await renderLoaded();
    const chip = screen.getAllByTestId("exc-chip").find((c) => c.dataset.kind === "price_variance")!;
    fireEvent.click(chip);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect((callsTo("exception_queue").at(-1)!.req as ExceptionPageRequest).kind).toBe("price_variance");
  });

  it("opens the detail with Enter, marks differing evidence rows, and closes with Escape", async () => {
    await renderLoaded();
    const detail = await openDetail("EX-1");
    expect(callsTo("exception_detail")).toContainEqual({ id: "EX-1" });
    const [price, quantity] = within(detail).getAllByTestId("evidence-row");
    expect(price!.dataset.differs).toBe("true");
    expect(price!.className).toContain("differs");
    expect(price!.textContent).toContain("12.50");
    expect(quantity!.dataset.differs).toBe("false");
    expect(quantity!.className).not.toContain("differs");
    expect(within(detail).getByTestId("exception-notes").textContent).toContain("Tolerance for DE01 is 2 %");
    expect(within(detail).getByTestId("action-accept_variance").textContent).toContain("Accept variance");
    press("Escape");
    await waitFor(() => expect(screen.queryByTestId("exception-detail")).toBeNull());
  });

  it("moves with j and opens the selected invoice's trace with t", async () => {
    const { onOpenTrace } = await renderLoaded();
    press("j");
    expect(selectedId()).toBe("EX-2");
    press("t");
    expect(onOpenTrace).toHaveBeenCalledWith("INV-2");
    fireEvent.click(within(rowById("EX-1")).getByTestId("invoice-link"));
    expect(onOpenTrace).toHaveBeenLastCalledWith("INV-1");
  });

  it("will not send an action that needs a reason without one, then sends it with the reason", async () => {
    await renderLoaded();
    await openDetail("EX-1");
    press("c");
    const dialog = await screen.findByTestId("exception-action-dialog");
    const reason = within(dialog).getByTestId("exception-reason");
    await waitFor(() => expect(document.activeElement).toBe(reason));
    expect(within(dialog).getByTestId<HTMLButtonElement>("exception-action-submit").disabled).toBe(true);
    press("Enter", reason);
    expect(within(dialog).getByText("A reason is required.")).toBeTruthy();
    fireEvent.change(reason, { target: { value: "   " } });
    press("Enter", reason);
    expect(callsTo("resolve_exception")).toEqual([]);

    const listCalls = callsTo("exception_queue").length;
    fireEvent.change(reason, { target: { value: "  Price agreed at 10.00 " } });
    press("Enter", reason);
    await waitFor(() =>
      expect(callsTo("resolve_exception")).toEqual([
        {
          req: { id: "EX-1", action: "request_credit_note", reason: "Price agreed at 10.00", correctedIban: null },
        } satisfies { req: ResolveRequest },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("exception-action-dialog")).toBeNull());
    expect((await screen.findByTestId("action-result")).textContent).toBe("Queued — sent to the source");
    await waitFor(() => expect(callsTo("exception_queue").length).toBeGreaterThan(listCalls));
  });

  it("shows the backend's refusal", async () => {
    await renderLoaded();
    backend.refusal = { code: "forbidden", message: "Price variance exceptions belong to the ap_clerk queue" };
    const detail = await openDetail("EX-1");
    fireEvent.click(within(detail).getByTestId("action-accept_variance"));
    const result = await screen.findByTestId("action-result");
    expect(result.dataset.tone).toBe("error");
    expect(result.textContent).toBe("Price variance exceptions belong to the ap_clerk queue");
    expect(callsTo("resolve_exception")).toEqual([
      { req: { id: "EX-1", action: "accept_variance", reason: null, correctedIban: null } },
    ]);
  });

  it("refetches on a mirror change and keeps the selection on the same exception", async () => {
    const { setMirrorVersion } = await renderLoaded();
    press("j");
    press("j");
    expect(selectedId()).toBe("EX-3");
    const before = callsTo("exception_queue").length;
    backend.rows.unshift(row(0, { summary: "Arrived with the sync" }));
    setMirrorVersion(1);
    await waitFor(() => expect(rows()[0]!.dataset.exceptionId).toBe("EX-0"));
    expect(callsTo("exception_queue").length).toBeGreaterThan(before);
    expect(selectedId()).toBe("EX-3");
  });

  describe("desktop notification", () => {
    const shown: { title: string; body: string | undefined }[] = [];
    class FakeNotification {
      static permission = "granted";
      static requestPermission = vi.fn(() => Promise.resolve("granted"));
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body });
      }
    }
    beforeEach(() => {
      shown.length = 0;
      vi.stubGlobal("Notification", FakeNotification);
    });
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it("fires when the breached count of the own queue rises, not on the first reading", async () => {
      const { setMirrorVersion } = await renderLoaded();
      await waitFor(() => expect(callsTo("exception_summary").length).toBeGreaterThan(1));
      expect(shown).toEqual([]);
      backend.summary = [{ ...backend.summary[0]!, breached: 3 }, backend.summary[1]!];
      setMirrorVersion(1);
      await waitFor(() => expect(shown).toHaveLength(1));
      expect(shown[0]!.body).toContain("2 more exceptions");
      expect(shown[0]!.body).toContain("AP clerk");
    });
  });
});
