import { describe, expect, it } from "vitest";
import type { CloseTaskRow, User } from "./bindings";
import {
  closeKeyCommand,
  countByState,
  criticalChainText,
  daysLateText,
  groupByStatus,
  initials,
  navigationOrder,
  pendingText,
  shortTaskId,
  signalText,
  sortByDue,
} from "./close";

const P = "CT-DE01-2026-11-";

function task(key: string, status: string, due: string, extra: Partial<CloseTaskRow> = {}): CloseTaskRow {
  return {
    id: `${P}${key}`, name: key, category: "review", owner: "u-dana", reviewer: "u-marco", status,
    dayLabel: "BD+1", due, durationDays: 1, dependsOn: [], blockedBy: [], state: "on_track",
    projectedFinish: due, slackDays: 0, critical: false, signal: null, note: null, submittedBy: null,
    reviewedBy: null, moves: [], pending: null, ...extra,
  };
}

const key = (k: string, extra: { repeat?: boolean; target?: unknown } = {}) => ({
  key: k, ctrlKey: false, metaKey: false, altKey: false, target: extra.target ?? null, repeat: extra.repeat,
});

describe("groupByStatus", () => {
  it("puts each task in its status column, by due date", () => {
    const groups = groupByStatus([
      task("B", "submitted", "2026-12-03"),
      task("A", "submitted", "2026-12-01"),
      task("C", "sent_back", "2026-12-02"),
      task("D", "not_started", "2026-11-28"),
    ]);
    expect(groups.submitted.map((t) => t.name)).toEqual(["A", "B"]);
    expect(groups.sent_back.map((t) => t.name)).toEqual(["C"]);
    expect(groups.not_started.map((t) => t.name)).toEqual(["D"]);
    expect(groups.in_progress).toEqual([]);
    expect(groups.reviewed).toEqual([]);
  });

  it("keeps a status it does not know on the board instead of dropping it", () => {
    expect(groupByStatus([task("X", "archived", "2026-12-01")]).not_started.map((t) => t.name)).toEqual(["X"]);
  });
});

describe("ordering", () => {
  const tasks = [
    task("LATE", "not_started", "2026-12-05"),
    task("SUB", "submitted", "2026-12-01"),
    task("EARLY", "not_started", "2026-11-30"),
    task("TIE", "not_started", "2026-11-30"),
  ];
  it("sorts by due, ties by id", () => {
    expect(sortByDue(tasks).map((t) => t.name)).toEqual(["EARLY", "TIE", "SUB", "LATE"]);
  });
  it("walks the board column by column, the list by due", () => {
    expect(navigationOrder(tasks, "board").map((id) => shortTaskId(id, "DE01", "2026-11"))).toEqual([
      "EARLY", "TIE", "LATE", "SUB",
    ]);
    expect(navigationOrder(tasks, "list").map((id) => shortTaskId(id, "DE01", "2026-11"))).toEqual([
      "EARLY", "TIE", "SUB", "LATE",
    ]);
  });
});

describe("labels", () => {
  it("writes the critical chain with the task keys", () => {
    expect(criticalChainText([`${P}CUTOFF`, `${P}PAYROLL`, `${P}TBREV`, `${P}GLCLOSE`], "DE01", "2026-11")).toBe(
      "CUTOFF → PAYROLL → TBREV → GLCLOSE",
    );
    expect(criticalChainText([], "DE01", "2026-11")).toBe("");
    // Another entity's id keeps its full form rather than being cut wrongly.
    expect(shortTaskId("CT-US01-2026-11-TAX", "DE01", "2026-11")).toBe("CT-US01-2026-11-TAX");
  });

  it("counts states and says how late", () => {
    const counts = countByState([
      task("A", "reviewed", "2026-12-01", { state: "done" }),
      task("B", "not_started", "2026-12-01", { state: "late" }),
      task("C", "not_started", "2026-12-01", { state: "late" }),
    ]);
    expect(counts).toEqual({ done: 1, late: 2, blocked: 0, at_risk: 0, on_track: 0 });
    expect(daysLateText(1)).toBe("1 business day late");
    expect(daysLateText(3)).toBe("3 business days late");
  });

  it("phrases signals, initials and pending moves", () => {
    expect(signalText("ap_subledger_closed")).toBe("completes itself when the AP subledger is closed");
    expect(signalText("fx_rates_loaded")).toBe("completes itself when fx rates loaded");
    const users: User[] = [{ id: "u-dana", name: "Dana Q. Whitfield", email: "", roles: [] }];
    expect(initials("u-dana", users)).toBe("DW");
    expect(initials("U007", users)).toBe("U007");
    expect(pendingText({ actionId: "a", to: "submitted", status: "refused", sourceMessage: "period locked" })).toEqual({
      text: "Submitted: refused by the ERP — period locked",
      tone: "danger",
    });
    expect(pendingText({ actionId: "a", to: "reviewed", status: "queued", sourceMessage: null }).tone).toBe("info");
  });
});

describe("closeKeyCommand", () => {
  it("maps movement, Enter and the move keys", () => {
    expect(closeKeyCommand(key("j"))).toEqual({ kind: "next" });
    expect(closeKeyCommand(key("ArrowUp"))).toEqual({ kind: "prev" });
    expect(closeKeyCommand(key("Enter"))).toEqual({ kind: "open" });
    expect(closeKeyCommand(key("s"))).toEqual({ kind: "move", move: "in_progress" });
    expect(closeKeyCommand(key("u"))).toEqual({ kind: "move", move: "submitted" });
    expect(closeKeyCommand(key("r"))).toEqual({ kind: "move", move: "reviewed" });
    expect(closeKeyCommand(key("b"))).toEqual({ kind: "move", move: "sent_back" });
    expect(closeKeyCommand(key("x"))).toBeNull();
  });

  it("never repeats a move from a held key, and leaves typing and buttons alone", () => {
    expect(closeKeyCommand(key("u", { repeat: true }))).toBeNull();
    expect(closeKeyCommand(key("j", { repeat: true }))).toEqual({ kind: "next" });
    expect(closeKeyCommand(key("s", { target: { tagName: "TEXTAREA" } }))).toBeNull();
    expect(closeKeyCommand(key("Enter", { target: { tagName: "BUTTON" } }))).toBeNull();
    expect(closeKeyCommand({ ...key("s"), ctrlKey: true })).toBeNull();
  });
});
