import { describe, expect, it } from "vitest";
import type { ApprovalRow, PendingAction, QueuePage } from "./bindings";
import { initialQueueState, queueReducer, visibleRows, type QueueState } from "./queueState";

function row(id: string, pendingAction: PendingAction | null = null): ApprovalRow {
  return {
    approvalId: id,
    invoiceId: `inv-${id}`,
    invoiceNumber: `INV-${id}`,
    supplierName: "Supplier",
    entityCode: "DE01",
    entityName: "Acme GmbH",
    amount: { amount: "10.00", currency: "EUR" },
    invoiceDate: "2025-01-01",
    dueDate: "2025-02-01",
    assignedOn: "2025-01-02",
    ageBusinessDays: 3,
    bucket: "d3_5",
    step: 1,
    stepCount: 2,
    stepName: "Approver",
    status: "pending",
    blockedReason: null,
    pendingAction,
  };
}

const action = (status: PendingAction["status"]): PendingAction => ({
  actionId: "act-1",
  decision: "approve",
  status,
  reason: null,
  sourceMessage: null,
  queuedAt: "2025-01-03T10:00:00Z",
  attempts: 0,
});

const page = (rows: ApprovalRow[], nextCursor: string | null, total = 10): QueuePage => ({
  rows,
  nextCursor,
  total,
});

function load(state: QueueState, p: QueuePage, replace: boolean, seq: number) {
  return queueReducer(state, { type: "loaded", page: p, replace, seq });
}

describe("queueReducer", () => {
  it("replaces on the first page and appends later pages without duplicates", () => {
    let s = load(initialQueueState, page([row("1"), row("2")], "c1"), true, 1);
    expect(s.loading).toBe(false);
    expect(s.nextCursor).toBe("c1");
    s = queueReducer(s, { type: "loadMoreStarted" });
    expect(s.loadingMore).toBe(true);
    s = load(s, page([row("2"), row("3")], null), false, 2);
    expect(s.rows.map((r) => r.approvalId)).toEqual(["1", "2", "3"]);
    expect(s.loadingMore).toBe(false);
    expect(s.nextCursor).toBeNull();
  });

  it("applies a recorded action immediately", () => {
    let s = load(initialQueueState, page([row("1"), row("2")], null), true, 1);
    s = queueReducer(s, { type: "actionRecorded", approvalId: "2", action: action("queued"), atSeq: 1 });
    expect(visibleRows(s)[1]?.pendingAction?.status).toBe("queued");
    expect(visibleRows(s)[0]?.pendingAction).toBeNull();
  });

  it("keeps the local action over a response issued before it", () => {
    let s = load(initialQueueState, page([row("1")], null), true, 1);
    s = queueReducer(s, { type: "actionRecorded", approvalId: "1", action: action("queued"), atSeq: 2 });
    s = load(s, page([row("1")], null), true, 2); // request 2 was in flight before the decision
    expect(visibleRows(s)[0]?.pendingAction?.status).toBe("queued");
  });

  it("lets a reload issued after the action win", () => {
    let s = load(initialQueueState, page([row("1")], null), true, 1);
    s = queueReducer(s, { type: "actionRecorded", approvalId: "1", action: action("queued"), atSeq: 1 });
    s = load(s, page([row("1", action("delivered"))], null), true, 2);
    expect(visibleRows(s)[0]?.pendingAction?.status).toBe("delivered");
    expect(s.overlays).toEqual({});
  });

  it("can clear an action locally (dismiss)", () => {
    let s = load(initialQueueState, page([row("1", action("refused"))], null), true, 1);
    s = queueReducer(s, { type: "actionRecorded", approvalId: "1", action: null, atSeq: 1 });
    expect(visibleRows(s)[0]?.pendingAction).toBeNull();
  });

  it("starts over on reset but stops loading on failure", () => {
    let s = load(initialQueueState, page([row("1")], "c"), true, 1);
    s = queueReducer(s, { type: "reset" });
    expect(s.rows).toEqual([]);
    expect(s.loading).toBe(true);
    s = queueReducer(s, { type: "loadFailed" });
    expect(s.loading).toBe(false);
  });
});
