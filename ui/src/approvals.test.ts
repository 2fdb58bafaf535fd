import { describe, expect, it } from "vitest";
import {
  BULK_MAX,
  bulkOutcome,
  canApproveRun,
  currencyTotals,
  delegateCandidates,
  extraCommandForKey,
  toggleChecked,
  uncheckableReason,
  type ShiftKeyLike,
} from "./approvals";
import type { ApprovalRow, RunApproval, User } from "./bindings";

const user = (id: string, name: string, roles: string[]): User => ({ id, name, email: `${id}@x`, roles });
const DANA = user("u-dana", "Dana", ["approver"]);
const USERS = [user("u-zoe", "Zoe", ["approver"]), DANA, user("u-tess", "Tess", ["treasury_analyst"]), user("u-al", "Al", ["approver", "controller"])];

const row = (id: string, amount: string, currency: string, extra: Partial<ApprovalRow> = {}): ApprovalRow => ({
  approvalId: id, invoiceId: `inv-${id}`, invoiceNumber: `N-${id}`, supplierName: "S", entityCode: "DE01",
  entityName: "E", amount: { amount, currency }, invoiceDate: "2024-05-01", dueDate: "2024-06-01",
  assignedOn: "2024-05-02", ageBusinessDays: 1, bucket: "d0_2", step: 1, stepCount: 1, stepName: "Approver",
  status: "pending", blockedReason: null, pendingAction: null, ...extra,
});

const key = (k: string, extra: Partial<ShiftKeyLike> = {}): ShiftKeyLike => ({
  key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, target: { tagName: "DIV" }, ...extra,
});

describe("delegateCandidates", () => {
  it("offers the other approvers by name, never the signed-in user or non-approvers", () => {
    expect(delegateCandidates(USERS, DANA).map((u) => u.id)).toEqual(["u-al", "u-zoe"]);
  });
});

describe("extraCommandForKey", () => {
  it("maps d, x and Shift+A", () => {
    expect(extraCommandForKey(key("d"))).toBe("delegate");
    expect(extraCommandForKey(key("x"))).toBe("toggleCheck");
    expect(extraCommandForKey(key("A", { shiftKey: true }))).toBe("bulkApprove");
    // Caps Lock: Shift+A arrives lowercase and must still be the bulk command, not a single approve.
    expect(extraCommandForKey(key("a", { shiftKey: true }))).toBe("bulkApprove");
  });

  it("ignores plain a, shifted d/x, held keys, modifiers and typing", () => {
    expect(extraCommandForKey(key("a"))).toBeNull();
    expect(extraCommandForKey(key("A"))).toBeNull();
    expect(extraCommandForKey(key("D", { shiftKey: true }))).toBeNull();
    expect(extraCommandForKey(key("x", { repeat: true }))).toBeNull();
    expect(extraCommandForKey(key("A", { shiftKey: true, repeat: true }))).toBeNull();
    expect(extraCommandForKey(key("A", { shiftKey: true, ctrlKey: true }))).toBeNull();
    expect(extraCommandForKey(key("d", { metaKey: true }))).toBeNull();
    expect(extraCommandForKey(key("x", { target: { tagName: "INPUT" } }))).toBeNull();
    expect(extraCommandForKey(key("d", { target: { tagName: "TEXTAREA" } }))).toBeNull();
  });
});

describe("checks", () => {
  it("toggles and refuses to go past the bulk limit", () => {
    const one = toggleChecked(new Set(), "a");
    expect([...one!]).toEqual(["a"]);
    expect([...toggleChecked(one!, "a")!]).toEqual([]);
    const full = new Set(Array.from({ length: BULK_MAX }, (_, i) => `id-${i}`));
    expect(toggleChecked(full, "one-more")).toBeNull();
    expect(toggleChecked(full, "id-0")?.size).toBe(BULK_MAX - 1);
  });

  it("does not let blocked rows or rows with an action on its way be checked", () => {
    expect(uncheckableReason(row("1", "1.00", "EUR"))).toBeNull();
    expect(uncheckableReason(row("1", "1.00", "EUR", { blockedReason: "over your approval limit" }))).toBe(
      "over your approval limit",
    );
    const action = { actionId: "a", decision: "approve" as const, reason: null, sourceMessage: null, queuedAt: "", attempts: 0 };
    expect(uncheckableReason(row("1", "1.00", "EUR", { pendingAction: { ...action, status: "queued" } }))).toMatch(
      /already has an action on its way/,
    );
    expect(uncheckableReason(row("1", "1.00", "EUR", { pendingAction: { ...action, status: "refused" } }))).toBeNull();
  });
});

describe("currencyTotals", () => {
  it("sums exactly per currency, without floats", () => {
    const totals = currencyTotals([
      row("1", "0.10", "EUR"),
      row("2", "90071992547409.93", "USD"),
      row("3", "0.20", "EUR"),
      row("4", "0.01", "USD"),
      row("5", "-0.30", "EUR"),
    ]);
    expect(totals).toEqual([
      { currency: "EUR", count: 3, amount: "0.00" },
      { currency: "USD", count: 2, amount: "90071992547409.94" },
    ]);
  });

  it("says unknown rather than guessing when an amount is not a decimal", () => {
    expect(currencyTotals([row("1", "n/a", "EUR")])).toEqual([{ currency: "EUR", count: 1, amount: null }]);
  });
});

describe("bulkOutcome", () => {
  it("splits queued from refused and counts unanswered ids as refused", () => {
    const sent = [row("1", "1.00", "EUR"), row("2", "2.00", "EUR"), row("3", "3.00", "EUR")];
    const out = bulkOutcome(sent, [
      { approvalId: "1", actionId: "act-1", refusal: null },
      { approvalId: "2", actionId: null, refusal: "over the bulk approval limit" },
    ]);
    expect(out.queued).toEqual([{ approvalId: "1", actionId: "act-1" }]);
    expect(out.refused.map((r) => [r.approvalId, r.row?.invoiceNumber, r.refusal])).toEqual([
      ["2", "N-2", "over the bulk approval limit"],
      ["3", "N-3", "No answer from the backend for this item."],
    ]);
  });
});

describe("canApproveRun", () => {
  const run: RunApproval = {
    id: "R", entity: "DE01", valueDate: "2024-05-02", createdBy: "u-tess", total: { amount: "1.00", currency: "EUR" },
    instructions: 1, refusals: [], pending: null,
  };
  it("only without refusals and without an approval on its way", () => {
    expect(canApproveRun(run)).toBe(true);
    expect(canApproveRun({ ...run, refusals: ["you prepared this run"] })).toBe(false);
    expect(canApproveRun({ ...run, pending: "queued" })).toBe(false);
    expect(canApproveRun({ ...run, pending: "delivering" })).toBe(false);
    // A refused approval may be tried again.
    expect(canApproveRun({ ...run, pending: "refused" })).toBe(true);
  });
});
