// @vitest-environment happy-dom
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { installMockBackend, type MockBackend } from "./dev/mockBackend";
import { setUpScreenTests } from "./test/screenHarness";
import { RECON_ACCOUNT } from "./dev/mockRecon";

let backend: MockBackend;

setUpScreenTests(() => {
  backend = installMockBackend({ rows: 20, deliveryMs: 0 });
}, "#/reconciliation");

const press = (key: string, target: Element | Window = window) => {
  act(() => {
    fireEvent.keyDown(target, { key });
  });
};
const callsTo = (cmd: string) => backend.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
const bankRows = () => within(screen.getByTestId("bank-lines-table")).queryAllByTestId("bank-row");
const ledgerRows = () => within(screen.getByTestId("ledger-table")).queryAllByTestId("ledger-row");

async function renderRecon() {
  render(<App />);
  await screen.findByTestId("recon-screen");
  await waitFor(() => expect(bankRows().length).toBeGreaterThan(3));
  await waitFor(() => expect(ledgerRows().length).toBeGreaterThan(3));
  await waitFor(() => expect(screen.getAllByTestId("suggestion").length).toBeGreaterThan(1));
}

describe("Reconciliation screen", () => {
  it("opens with g r and shows both tables for the first account", async () => {
    window.location.hash = "";
    render(<App />);
    await screen.findByTestId("current-user");
    press("g");
    press("r");
    await screen.findByTestId("recon-screen");
    expect(window.location.hash).toBe("#/reconciliation");
    await waitFor(() => expect(bankRows().length).toBeGreaterThan(3));
    await waitFor(() => expect(ledgerRows().length).toBeGreaterThan(3));
    expect(screen.getByTestId<HTMLSelectElement>("recon-account").value).toBe(RECON_ACCOUNT);
    expect(screen.getByTestId("flagged-warning").textContent).toContain("1 statement does not add up");
    const req = callsTo("recon_bank_lines")[0] as { req: { filter: { account: string; state: string } } };
    expect(req.req.filter).toMatchObject({ account: RECON_ACCOUNT, state: "open" });
    // open filter: nothing matched on either side
    expect(bankRows().every((r) => r.dataset.state !== "matched")).toBe(true);
  });

  it("accepts the selected suggestion with y and moves to the next", async () => {
    await renderRecon();
    const [first, second] = screen.getAllByTestId("suggestion");
    expect(first!.getAttribute("aria-selected")).toBe("true");
    press("j");
    await waitFor(() => expect(second!.getAttribute("aria-selected")).toBe("true"));
    press("k");
    press("y");
    const id = Number.parseInt(first!.dataset.matchId!, 10);
    await waitFor(() => expect(callsTo("recon_accept")).toEqual([{ matchId: id }]));
    await waitFor(() =>
      expect(screen.getAllByTestId("suggestion").map((s) => s.dataset.matchId)).not.toContain(String(id)),
    );
  });

  it("rejects a suggestion with n and a note", async () => {
    await renderRecon();
    const first = screen.getAllByTestId("suggestion")[0]!;
    press("n");
    const note = await screen.findByTestId("reject-note");
    fireEvent.change(note, { target: { value: "different invoice" } });
    press("Enter", note);
    await waitFor(() =>
      expect(callsTo("recon_reject")).toEqual([
        { matchId: Number.parseInt(first.dataset.matchId!, 10), note: "different invoice" },
      ]),
    );
  });

  it("matches a keyboard selection with space, Tab and m, showing the difference", async () => {
    await renderRecon();
    const b0 = bankRows()[0]!.dataset.lineId!;
    const b1 = bankRows()[1]!.dataset.lineId!;
    press(" ");
    press("ArrowDown");
    press(" ");
    press("Tab");
    await waitFor(() => expect(screen.getByTestId("ledger-table").dataset.active).toBe("true"));
    const l0 = ledgerRows()[0]!.dataset.lineId!;
    press(" ");
    await waitFor(() => expect(screen.getByTestId("selection-summary").textContent).toContain("2 bank lines"));
    expect(screen.getByTestId("selection-difference").textContent).toMatch(/difference/);
    press("m");
    await waitFor(() =>
      expect(callsTo("recon_match_manual")).toEqual([
        { bankEntryIds: [Number.parseInt(b0, 10), Number.parseInt(b1, 10)], ledgerEntryIds: [l0], note: null },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("selection-summary")).toBeNull());
  });

  it("unmatches the focused row's match with u", async () => {
    await renderRecon();
    fireEvent.change(screen.getByTestId("bank-state"), { target: { value: "matched" } });
    await waitFor(() => expect(bankRows()[0]?.dataset.state).toBe("matched"));
    const matchId = bankRows()[0]!.dataset.matchId!;
    press("u");
    await waitFor(() => expect(callsTo("recon_unmatch")).toEqual([{ matchId: Number.parseInt(matchId, 10), note: null }]));
  });

  it("certifies prepare, refuses own review, and locks after another person's review", async () => {
    await renderRecon();
    fireEvent.click(screen.getByTestId("tab-sheet"));
    const sheet = await screen.findByTestId("rec-sheet");
    await waitFor(() => expect(within(sheet).getAllByTestId("open-item").length).toBeGreaterThan(0));
    const review = () => screen.getByTestId<HTMLButtonElement>("certify-review");
    const prepare = () => screen.getByTestId<HTMLButtonElement>("certify-prepare");
    expect(review().disabled).toBe(true);
    fireEvent.click(prepare());
    await waitFor(() => expect(screen.getByTestId("prepared-by").textContent).toContain("Dana Whitfield"));
    expect(callsTo("certify")).toEqual([{ account: RECON_ACCOUNT, period: backend.recon.period, step: "prepare" }]);
    // the preparer may not review (segregation of duties)
    expect(review().disabled).toBe(true);
    expect(screen.getByTestId("certify-blocked").textContent).toContain("another person");

    fireEvent.change(screen.getByTestId("user-switcher"), { target: { value: "u-marco" } });
    await waitFor(() => expect(screen.getByTestId("current-user").textContent).toBe("Marco Ruiz"));
    // A switch lands on the new user's own workspace; go back to reconciliation.
    press("g");
    press("r");
    fireEvent.click(await screen.findByTestId("tab-sheet"));
    await waitFor(() => expect(screen.getByTestId("prepared-by").textContent).toContain("Dana Whitfield"));
    await waitFor(() => expect(review().disabled).toBe(false));
    fireEvent.click(review());
    await screen.findByTestId("rec-locked");
    expect(callsTo("certify").at(-1)).toEqual({ account: RECON_ACCOUNT, period: backend.recon.period, step: "review" });
    expect(prepare().disabled).toBe(true);
    expect(review().disabled).toBe(true);
    expect(screen.getByTestId("certify-blocked").textContent).toContain("Locked");
  });

  it("shows a locked-period refusal from the backend as an error", async () => {
    backend.recon.certifications.set(`${RECON_ACCOUNT}|${backend.recon.period}`, {
      accountIban: RECON_ACCOUNT, period: backend.recon.period,
      statementClosing: { amount: "0", currency: "EUR" }, ledgerBalance: { amount: "0", currency: "EUR" },
      difference: { amount: "0", currency: "EUR" }, openItems: { amount: "0", currency: "EUR" }, openItemCount: 0,
      preparedBy: "u-marco", preparedAt: "2024-03-31T10:00:00Z", reviewedBy: "u-dana", reviewedAt: "2024-03-31T11:00:00Z", locked: true,
    });
    await renderRecon();
    press("y");
    await waitFor(() => expect(document.body.textContent).toContain("is locked"));
  });

  it("renders intercompany pairs with the mismatching document", async () => {
    await renderRecon();
    fireEvent.click(screen.getByTestId("tab-intercompany"));
    const table = await screen.findByTestId("intercompany-table");
    const mismatches = within(table).getAllByTestId("ic-mismatch");
    expect(mismatches[0]!.textContent).toContain("IC-2024-0317");
    expect(mismatches[0]!.textContent).toContain("amounts differ");
    expect(mismatches[0]!.textContent).toContain("1,500.00 USD");
    expect(callsTo("intercompany")).toEqual([{ period: backend.recon.period }]);
  });

  it("simulates a rule change and applies it as a run", async () => {
    await renderRecon();
    fireEvent.click(screen.getByTestId("tab-rules"));
    const text = await screen.findByTestId<HTMLTextAreaElement>("rules-json");
    await waitFor(() => expect(text.value).toContain("autoThresholdBp"));
    fireEvent.click(screen.getByTestId("simulate"));
    await waitFor(() => expect(screen.getByTestId("simulation").textContent).toContain("~3 changed"));
    fireEvent.click(screen.getByTestId("apply-rules"));
    await waitFor(() => expect(callsTo("recon_run")).toHaveLength(1));
    expect(typeof (callsTo("recon_run")[0] as { rules: unknown }).rules).toBe("string");
    await waitFor(() => expect(document.body.textContent).toMatch(/breaks: \d+ new/));
  });

  it("imports bank files and shows each file's result or error", async () => {
    await renderRecon();
    fireEvent.click(screen.getByTestId("import-bank"));
    fireEvent.change(screen.getByTestId("import-paths"), { target: { value: "/data/march.camt053.xml\n/data/notes.pdf" } });
    fireEvent.click(screen.getByTestId("import-submit"));
    await waitFor(() => expect(screen.getAllByTestId("import-result")).toHaveLength(2));
    const [ok, bad] = screen.getAllByTestId("import-result");
    expect(ok!.textContent).toContain("12 new");
    expect(bad!.textContent).toContain("not a bank file");
  });
});
