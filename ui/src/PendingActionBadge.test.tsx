// @vitest-environment happy-dom
// The badge says what a queued action does, including a hand-on after a restart, when the
// queue row only has the outbox's record of it.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { PendingAction } from "./bindings";
import { PendingActionBadge } from "./components/PendingActionBadge";

const base: PendingAction = {
  actionId: "act-1",
  decision: "approve",
  status: "queued",
  reason: null,
  sourceMessage: null,
  queuedAt: "2026-11-20T09:00:00Z",
  attempts: 0,
};

afterEach(cleanup);

describe("PendingActionBadge", () => {
  it("names a queued delegation as a delegation, not an approval", () => {
    render(<PendingActionBadge action={{ ...base, decision: "delegate", reason: "on leave" }} onDismiss={() => {}} />);
    const badge = screen.getByTestId("pending-action");
    expect(badge.textContent).toContain("Delegate · Queued");
    expect(badge.querySelector("[title]")?.getAttribute("title")).toMatch(/^Delegate · Queued\nReason: on leave/);
  });

  it("says what each delivered action did", () => {
    const { rerender } = render(
      <PendingActionBadge action={{ ...base, status: "delivered", decision: "delegate" }} onDismiss={() => {}} />,
    );
    expect(screen.getByTestId("pending-action").textContent).toBe("Handed on ✓");
    rerender(<PendingActionBadge action={{ ...base, status: "delivered", decision: "approve" }} onDismiss={() => {}} />);
    expect(screen.getByTestId("pending-action").textContent).toBe("Approved ✓");
    rerender(<PendingActionBadge action={{ ...base, status: "delivered", decision: "reject" }} onDismiss={() => {}} />);
    expect(screen.getByTestId("pending-action").textContent).toBe("Rejected");
  });
});
