// @vitest-environment happy-dom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CloseBoard, CloseTaskRow, CommandError, User } from "./bindings";
import { CloseScreen } from "./components/CloseScreen";
import { ErrorToasts } from "./components/ErrorToasts";

// The shared mock backend has no close board yet, so this file answers the two
// commands itself, through the same Tauri IPC mock, so the real bindings run.

const USERS: User[] = [
  { id: "u-dana", name: "Dana Whitfield", email: "dana@acme.example", roles: ["approver"] },
  { id: "u-marco", name: "Marco Ruiz", email: "marco@acme.example", roles: ["controller"] },
];
const P = "CT-DE01-2026-11-";

function task(key: string, status: string, due: string, extra: Partial<CloseTaskRow> = {}): CloseTaskRow {
  return {
    id: `${P}${key}`, name: `Task ${key}`, category: "review", owner: "u-dana", reviewer: "u-marco", status,
    dayLabel: "BD+1", due, durationDays: 1, dependsOn: [], blockedBy: [], state: "on_track",
    projectedFinish: due, slackDays: 0, critical: false, signal: null, note: null, submittedBy: null,
    reviewedBy: null, moves: [], pending: null, ...extra,
  };
}

function makeBoard(): CloseBoard {
  return {
    entities: ["DE01", "US01"], periods: ["2026-11", "2026-10"], entity: "DE01", period: "2026-11",
    today: "2026-12-02",
    tasks: [
      task("CUTOFF", "not_started", "2026-11-26", { critical: true, state: "late", moves: ["in_progress", "submitted"] }),
      task("APCLOSE", "in_progress", "2026-11-27", {
        signal: "ap_subledger_closed", blockedBy: [`${P}OPENPO`], dependsOn: [`${P}OPENPO`], state: "blocked", moves: ["submitted"],
      }),
      task("OPENPO", "submitted", "2026-11-27", { submittedBy: "u-dana", moves: ["reviewed", "sent_back"] }),
      task("BSREC", "reviewed", "2026-12-01", { state: "done" }),
      task("GRNI", "sent_back", "2026-12-01", { note: "tie out the IC", moves: ["in_progress", "submitted"] }),
      task("TBREV", "not_started", "2026-12-03", { critical: true, dependsOn: [`${P}CUTOFF`] }),
      task("GLCLOSE", "not_started", "2026-12-04", { critical: true, dependsOn: [`${P}TBREV`] }),
    ],
    criticalPath: [`${P}CUTOFF`, `${P}TBREV`, `${P}GLCLOSE`],
    plannedClose: "2026-12-04", projectedClose: "2026-12-08", daysLate: 2,
    burndown: [
      { date: "2026-11-26", plannedRemaining: 7, actualRemaining: 7 },
      { date: "2026-12-02", plannedRemaining: 3, actualRemaining: 6 },
      { date: "2026-12-04", plannedRemaining: 0, actualRemaining: null },
    ],
    planError: null,
  };
}

let board: CloseBoard;
let refusal: CommandError | null;
let calls: { cmd: string; args: Record<string, unknown> }[];
const callsTo = (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);

configure({ asyncUtilTimeout: 5000 });

function fail(error: CommandError): never {
  // Tauri rejects a failed command with the serialized error object, not an Error.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw error;
}

beforeEach(() => {
  board = makeBoard();
  refusal = null;
  calls = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    switch (cmd) {
      case "close_board":
        return structuredClone(board);
      case "move_close_task":
        if (refusal) fail(refusal);
        return "act-1";
      default:
        return fail({ code: "notFound", message: `Unknown command ${cmd}` });
    }
  });
});

afterEach(() => {
  cleanup();
  clearMocks();
});

function Screen({ version = 0 }: { version?: number }) {
  return (
    <ErrorToasts>
      <CloseScreen mirrorVersion={version} user={USERS[1]!} users={USERS} onOpenTrace={() => undefined} />
    </ErrorToasts>
  );
}

async function renderBoard() {
  const view = render(<Screen />);
  await waitFor(() => expect(screen.getAllByTestId("close-card")).toHaveLength(7));
  return view;
}

const card = (key: string) =>
  screen.getAllByTestId("close-card").find((c) => c.dataset.taskId === `${P}${key}`)!;
const keysIn = (testid: string) =>
  within(screen.getByTestId(testid))
    .queryAllByTestId("close-card")
    .map((c) => c.dataset.taskId!.slice(P.length));
const press = (key: string, target: Element | Window = window) =>
  act(() => {
    fireEvent.keyDown(target, { key });
  });
const moveButtons = () =>
  within(screen.getByTestId("close-moves"))
    .queryAllByRole("button")
    .map((b) => b.dataset.testid);

describe("Close board", () => {
  it("places tasks in the column of their status", async () => {
    await renderBoard();
    expect(keysIn("column-not_started")).toEqual(["CUTOFF", "TBREV", "GLCLOSE"]);
    expect(keysIn("column-in_progress")).toEqual(["APCLOSE"]);
    expect(keysIn("column-submitted")).toEqual(["OPENPO"]);
    expect(keysIn("column-reviewed")).toEqual(["BSREC"]);
    expect(keysIn("column-sent_back")).toEqual(["GRNI"]);
    expect(within(card("APCLOSE")).getByTestId("blocked-by").textContent).toBe("blocked by OPENPO");
    expect(within(card("APCLOSE")).getByTestId("signal").textContent).toContain("completes itself when the AP subledger");
    expect(callsTo("close_board")).toEqual([{ entity: null, period: null }]);
  });

  it("marks the critical path and writes it as a chain", async () => {
    await renderBoard();
    const marked = screen.getAllByTestId("close-card").filter((c) => within(c).queryByTestId("critical-mark"));
    expect(marked.map((c) => c.dataset.taskId!.slice(P.length)).sort()).toEqual(["CUTOFF", "GLCLOSE", "TBREV"]);
    expect(screen.getByTestId("critical-chain").textContent).toContain("CUTOFF → TBREV → GLCLOSE");
    fireEvent.click(screen.getByTestId("view-list"));
    const rows = screen.getAllByTestId("close-row");
    // The list is in due order, and marks the same tasks.
    expect(rows.map((r) => r.dataset.taskId!.slice(P.length))).toEqual([
      "CUTOFF", "APCLOSE", "OPENPO", "BSREC", "GRNI", "TBREV", "GLCLOSE",
    ]);
    expect(rows.filter((r) => r.dataset.critical === "true")).toHaveLength(3);
  });

  it("shows how late the close is, or that it is on time", async () => {
    const view = await renderBoard();
    expect(screen.getByTestId("days-late").textContent).toBe("2 business days late");
    expect(screen.getByTestId("projected-close").textContent).toBe("2026-12-08");
    expect(screen.getByTestId("count-late").dataset.count).toBe("1");
    const chart = screen.getByTestId("burndown-chart");
    expect(chart.dataset.points).toBe("3");
    expect(chart.dataset.today).toBe("12-02");
    // Planned and actual lines, and the today marker.
    expect(chart.querySelectorAll(".recharts-line")).toHaveLength(2);
    expect(chart.querySelectorAll(".recharts-reference-line")).toHaveLength(1);
    view.unmount();
    board = { ...makeBoard(), daysLate: 0, projectedClose: "2026-12-04" };
    await renderBoard();
    expect(screen.queryByTestId("days-late")).toBeNull();
  });

  it("shows a dependency cycle as an error and still lists the tasks", async () => {
    board = { ...makeBoard(), planError: "dependency cycle: TBREV → GLCLOSE → TBREV", criticalPath: [] };
    await renderBoard();
    expect(screen.getByTestId("plan-error").textContent).toContain("dependency cycle: TBREV → GLCLOSE → TBREV");
  });

  it("offers only the moves the backend allows", async () => {
    await renderBoard();
    fireEvent.click(card("OPENPO"));
    expect(moveButtons()).toEqual(["move-reviewed", "move-sent_back"]);
    fireEvent.click(card("BSREC"));
    expect(moveButtons()).toEqual([]);
    // A key for a move that is not offered sends nothing.
    press("r");
    press("s");
    fireEvent.click(card("CUTOFF"));
    expect(moveButtons()).toEqual(["move-in_progress", "move-submitted"]);
    press("r");
    await screen.findByText(/You cannot review CUTOFF now/);
    expect(callsTo("move_close_task")).toEqual([]);
  });

  it("starts a task with s, says it is queued and reloads", async () => {
    await renderBoard();
    fireEvent.click(card("CUTOFF"));
    press("s");
    await waitFor(() =>
      expect(callsTo("move_close_task")).toEqual([{ req: { taskId: `${P}CUTOFF`, to: "in_progress", note: null } }]),
    );
    expect((await screen.findByTestId("move-result")).textContent).toContain("Queued — sent to the ERP");
    await waitFor(() => expect(callsTo("close_board").length).toBe(2));
  });

  it("shows the backend's refusal", async () => {
    refusal = { code: "segregationOfDuties", message: "segregation of duties: u-marco submitted this task and cannot review it" };
    await renderBoard();
    fireEvent.click(card("OPENPO"));
    fireEvent.click(screen.getByTestId("move-reviewed"));
    const result = await screen.findByTestId("move-result");
    await waitFor(() => expect(result.textContent).toContain("cannot review it"));
    expect(result.dataset.ok).toBe("false");
  });

  it("sends back only with a note, and sends the note", async () => {
    await renderBoard();
    fireEvent.click(card("OPENPO"));
    press("b");
    const note = await screen.findByTestId("send-back-note");
    expect(screen.getByTestId<HTMLButtonElement>("send-back-submit").disabled).toBe(true);
    press("Enter", note);
    fireEvent.change(note, { target: { value: "   " } });
    press("Enter", note);
    expect(screen.getByText("A note is required.")).toBeTruthy();
    expect(callsTo("move_close_task")).toEqual([]);
    fireEvent.change(note, { target: { value: "accruals missing for two POs" } });
    press("Enter", note);
    await waitFor(() =>
      expect(callsTo("move_close_task")).toEqual([
        { req: { taskId: `${P}OPENPO`, to: "sent_back", note: "accruals missing for two POs" } },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId("send-back-dialog")).toBeNull());
  });

  it("keeps the dialog open with the refusal when the backend refuses a send back", async () => {
    refusal = { code: "invalidInput", message: "sending a task back needs a note saying why" };
    await renderBoard();
    fireEvent.click(card("OPENPO"));
    fireEvent.click(screen.getByTestId("move-sent_back"));
    fireEvent.change(await screen.findByTestId("send-back-note"), { target: { value: "x" } });
    fireEvent.click(screen.getByTestId("send-back-submit"));
    expect((await screen.findByTestId("send-back-refusal")).textContent).toContain("needs a note");
  });

  it("moves with j/k, opens with Enter, follows dependencies, and keeps the task on a live reload", async () => {
    const view = await renderBoard();
    press("j");
    press("j");
    expect(card("TBREV").getAttribute("aria-selected")).toBe("true");
    expect(screen.queryByTestId("close-panel")).toBeNull();
    press("Enter");
    const panel = await screen.findByTestId("close-panel");
    expect(panel.dataset.taskId).toBe(`${P}TBREV`);
    fireEvent.click(within(panel).getByTestId("dependency"));
    expect(screen.getByTestId("close-panel").dataset.taskId).toBe(`${P}CUTOFF`);

    // Someone else starts CUTOFF; the sync lands and the board moves it, still selected.
    board.tasks[0] = { ...board.tasks[0]!, status: "in_progress", moves: ["submitted"] };
    view.rerender(<Screen version={1} />);
    await waitFor(() => expect(keysIn("column-in_progress")).toEqual(["CUTOFF", "APCLOSE"]));
    expect(screen.getByTestId("close-panel").dataset.taskId).toBe(`${P}CUTOFF`);
    expect(moveButtons()).toEqual(["move-submitted"]);
    press("Escape");
    expect(screen.queryByTestId("close-panel")).toBeNull();
  });

  it("asks for another entity's board", async () => {
    await renderBoard();
    fireEvent.change(screen.getByTestId("close-entity"), { target: { value: "US01" } });
    await waitFor(() => expect(callsTo("close_board").at(-1)).toEqual({ entity: "US01", period: null }));
    fireEvent.change(screen.getByTestId("close-period"), { target: { value: "2026-10" } });
    await waitFor(() => expect(callsTo("close_board").at(-1)).toEqual({ entity: "US01", period: "2026-10" }));
  });
});
