// @vitest-environment happy-dom
import { emit } from "@tauri-apps/api/event";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { installMockBackend, type MockBackend } from "./dev/mockBackend";
import { setUpScreenTests } from "./test/screenHarness";
import { AP_CONNECTION, NORDWIND_CONNECTION } from "./dev/mockHealth";

let backend: MockBackend;

setUpScreenTests(() => {
  backend = installMockBackend({ rows: 120, deliveryMs: 0 });
}, "");

const press = (key: string, target: Element | Window = window) => {
  act(() => {
    fireEvent.keyDown(target, { key });
  });
};
const callsTo = (cmd: string) => backend.calls.filter((c) => c.cmd === cmd);
const cards = () => screen.getAllByTestId("health-card");
const card = (id: string) => cards().find((c) => c.dataset.connectionId === id)!;

async function renderHealth() {
  window.location.hash = "#/health";
  render(<App />);
  await waitFor(() => expect(cards()).toHaveLength(2));
  await waitFor(() =>
    expect(within(screen.getByTestId("runs-table")).getAllByTestId("run-row").length).toBeGreaterThan(0),
  );
}

describe("Integration health screen", () => {
  it("shows one card per connection with its state", async () => {
    await renderHealth();
    const acme = card(AP_CONNECTION);
    expect(acme.dataset.tone).toBe("ok");
    expect(acme.textContent).toContain("Acme ERP (sandbox)");
    expect(acme.textContent).toContain("https://erp.acme.example/api/v2");
    expect(within(acme).getByTestId("health-status").textContent).toBe("Healthy");
    expect(within(acme).getByTestId("health-circuit").textContent).toBe("Closed");
    expect(within(acme).getByTestId("health-dead-letters").textContent).toBe("2");
    expect(within(acme).getByTestId("health-error-rate").textContent).toBe("10%");
    expect(within(acme).getByTestId("health-last-success").textContent).toMatch(/^\d+ s ago$/);
    expect(within(acme).queryByTestId("health-last-error")).toBeNull();

    const nordwind = card(NORDWIND_CONNECTION);
    expect(nordwind.dataset.tone).toBe("error");
    expect(within(nordwind).getByTestId("health-status").textContent).toBe("Circuit open");
    expect(within(nordwind).getByTestId("health-circuit").textContent).toBe("Open");
    expect(nordwind.textContent).toContain("6 failures in a row");
    expect(nordwind.textContent).toContain("1 pending");
    expect(nordwind.textContent).toContain("1 refused");
    expect(within(nordwind).getByTestId("health-last-error").textContent).toContain("connect timeout");
  });

  it("lists the selected connection's runs and dead letters, and the outbox", async () => {
    await renderHealth();
    const runs = within(screen.getByTestId("runs-table")).getAllByTestId("run-row");
    expect(runs).toHaveLength(24);
    expect(runs[3]!.dataset.status).toBe("partial");
    expect(runs[3]!.textContent).toContain("invalid decimal");
    expect(runs[23]!.textContent).toContain("1.9 MB");

    const letters = within(screen.getByTestId("dead-letters-table")).getAllByTestId("dead-letter-row");
    expect(letters.map((l) => l.dataset.deadLetterId)).toEqual(["1", "2"]);
    expect(letters[0]!.textContent).toContain("invoices cursor 1187 record 7");

    // The raw record is cut short until expanded.
    expect(within(letters[0]!).queryByTestId("raw-full")).toBeNull();
    fireEvent.click(within(letters[0]!).getByTestId("raw-toggle"));
    expect(within(letters[0]!).getByTestId("raw-full").textContent).toContain('"amount":"12,50"');

    const outbox = within(screen.getByTestId("outbox-table")).getAllByTestId("outbox-row");
    expect(outbox.map((r) => r.dataset.status)).toEqual(["queued", "refused"]);
    expect(outbox[0]!.textContent).toContain("Marco Ruiz");
    expect(outbox[0]!.textContent).toMatch(/in \d+ s/);
    expect(outbox[1]!.textContent).toContain("409 · stale version");

    // Another card shows that connection's details.
    fireEvent.click(card(NORDWIND_CONNECTION));
    await waitFor(() =>
      expect(
        within(screen.getByTestId("dead-letters-table"))
          .getAllByTestId("dead-letter-row")
          .map((l) => l.dataset.deadLetterId),
      ).toEqual(["3"]),
    );
    expect(callsTo("connection_runs").at(-1)?.args).toEqual({ connectionId: NORDWIND_CONNECTION });
    const failed = within(screen.getByTestId("runs-table")).getAllByTestId("run-row")[0]!;
    expect(failed.dataset.status).toBe("failed");
  });

  it("replays a dead letter and shows the outcome", async () => {
    await renderHealth();
    const table = () => screen.getByTestId("dead-letters-table");
    const letter = (id: string) =>
      within(table())
        .getAllByTestId("dead-letter-row")
        .find((r) => r.dataset.deadLetterId === id)!;

    fireEvent.click(within(letter("1")).getByTestId("replay-button"));
    const ok = await screen.findByTestId("notice-toast");
    expect(ok.dataset.tone).toBe("ok");
    expect(ok.textContent).toContain("Replayed (fetched again from the source)");
    expect(callsTo("replay_dead_letter").map((c) => c.args)).toEqual([{ id: 1 }]);
    await waitFor(() =>
      expect(within(table()).getAllByTestId("dead-letter-row").map((r) => r.dataset.deadLetterId)).toEqual(["2"]),
    );
    await waitFor(() =>
      expect(within(card(AP_CONNECTION)).getByTestId("health-dead-letters").textContent).toBe("1"),
    );

    fireEvent.click(within(letter("2")).getByTestId("replay-button"));
    await waitFor(() =>
      expect(screen.getAllByTestId("notice-toast").some((t) => t.dataset.tone === "warn")).toBe(true),
    );
    const failed = screen.getAllByTestId("notice-toast").find((t) => t.dataset.tone === "warn")!;
    expect(failed.textContent).toContain('Still failing: the source still sends it: currency: unknown ISO 4217 code "EURO"');
    expect(callsTo("replay_dead_letter").map((c) => c.args)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(letter("2")).toBeDefined();
  });

  it("sets the demo fault mode", async () => {
    await renderHealth();
    const select = screen.getByTestId<HTMLSelectElement>("fault-mode");
    await waitFor(() => expect(select.value).toBe("0"));
    expect(Array.from(select.options).map((o) => o.value)).toEqual(["0", "50", "200", "500"]);

    fireEvent.change(select, { target: { value: "200" } });
    await waitFor(() => expect(callsTo("set_demo_faults").map((c) => c.args)).toEqual([{ faults: { perMille: 200 } }]));
    await waitFor(() => expect(select.value).toBe("200"));
    expect(backend.health.faults.perMille).toBe(200);
    expect((await screen.findByTestId("notice-toast")).textContent).toContain("20% of requests");
  });

  it("refetches when the mirror changed", async () => {
    await renderHealth();
    const before = callsTo("integration_health").length;
    const runsBefore = within(screen.getByTestId("runs-table")).getAllByTestId("run-row").length;
    await act(async () => {
      backend.health.recordRun(AP_CONNECTION, {
        startedAt: new Date().toISOString(),
        finishedAt: new Date().toISOString(),
        status: "ok",
        records: 3,
        bytes: 4_000,
        malformed: 0,
        durationMs: 120,
        error: null,
      });
      await emit("mirror-changed", { reason: "sync" });
    });
    await waitFor(() => expect(callsTo("integration_health").length).toBeGreaterThan(before));
    await waitFor(() =>
      expect(within(screen.getByTestId("runs-table")).getAllByTestId("run-row")).toHaveLength(runsBefore + 1),
    );
  });
});

describe("navigation", () => {
  const current = () => screen.getByRole("main").getAttribute("aria-label");

  it("switches screens from the nav and with g a / g h", async () => {
    render(<App />);
    await screen.findAllByTestId("approval-row");
    expect(current()).toBe("Approvals");
    expect(screen.getByTestId("nav-approvals").getAttribute("aria-current")).toBe("page");
    expect(screen.getByTestId("nav-health").textContent).toContain("g h");

    fireEvent.click(screen.getByTestId("nav-health"));
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(current()).toBe("Integration health");
    expect(window.location.hash).toBe("#/health");
    expect(screen.getByTestId("nav-health").getAttribute("aria-current")).toBe("page");

    fireEvent.click(screen.getByTestId("nav-approvals"));
    await screen.findAllByTestId("approval-row");
    expect(window.location.hash).toBe("#/approvals");

    press("g");
    press("h");
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(current()).toBe("Integration health");

    // g a goes back, and its a approves nothing.
    press("g");
    press("a");
    await screen.findAllByTestId("approval-row");
    expect(current()).toBe("Approvals");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(callsTo("decide")).toEqual([]);
  });

  it("leaves the screen's own keys alone outside a shortcut", async () => {
    render(<App />);
    await screen.findAllByTestId("approval-row");
    // h alone does nothing; g then j ends the shortcut and j moves as usual.
    press("h");
    press("g");
    press("j");
    expect(current()).toBe("Approvals");
    const selected = screen.getAllByTestId("approval-row").find((r) => r.getAttribute("aria-selected") === "true");
    expect(selected?.getAttribute("aria-rowindex")).toBe("3");
    // g a on Approvals stays there, and its a is not an approval.
    press("g");
    press("a");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(callsTo("decide")).toEqual([]);
    expect(current()).toBe("Approvals");
    // Typing g h into the search box types it.
    const search = screen.getByTestId("filter-search");
    press("g", search);
    press("h", search);
    expect(current()).toBe("Approvals");
  });

  it("opens the screen named in the address", async () => {
    await renderHealth();
    expect(current()).toBe("Integration health");
  });
});
