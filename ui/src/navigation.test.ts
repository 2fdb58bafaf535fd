import { describe, expect, it } from "vitest";
import type { KeyLike } from "./keyboard";
import { GO_TIMEOUT_MS, goToKey, screenFromHash } from "./navigation";

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: { tagName: "DIV" },
  ...extra,
});

describe("screenFromHash", () => {
  it("reads the screen from the address, defaulting to Approvals", () => {
    expect(screenFromHash("#/health")).toBe("health");
    expect(screenFromHash("#health")).toBe("health");
    expect(screenFromHash("#/HEALTH/runs")).toBe("health");
    expect(screenFromHash("#/approvals")).toBe("approvals");
    expect(screenFromHash("")).toBe("approvals");
    expect(screenFromHash("#/nope")).toBe("approvals");
  });
});

describe("goToKey", () => {
  it("goes to a screen on g then its key, consuming both", () => {
    const g = goToKey(key("g"), null, 1000);
    expect(g).toEqual({ screen: null, pendingSince: 1000, consume: true });
    expect(goToKey(key("h"), 1000, 1200)).toEqual({ screen: "health", pendingSince: null, consume: true });
    expect(goToKey(key("a"), 1000, 1200)).toEqual({ screen: "approvals", pendingSince: null, consume: true });
  });

  it("leaves other keys, late keys, repeats and modified keys to the screen", () => {
    const idle = { screen: null, pendingSince: null, consume: false };
    expect(goToKey(key("a"), null, 1000)).toEqual(idle);
    expect(goToKey(key("j"), 1000, 1100)).toEqual(idle);
    expect(goToKey(key("h"), 1000, 1000 + GO_TIMEOUT_MS + 1)).toEqual(idle);
    expect(goToKey(key("h", { repeat: true }), 1000, 1100)).toEqual(idle);
    expect(goToKey(key("g", { repeat: true }), null, 1000)).toEqual(idle);
    expect(goToKey(key("g", { ctrlKey: true }), null, 1000)).toEqual(idle);
    expect(goToKey(key("g", { target: { tagName: "INPUT" } }), null, 1000)).toEqual(idle);
    expect(goToKey(key("h", { target: { tagName: "INPUT" } }), 1000, 1100)).toEqual(idle);
  });

  it("keeps waiting after g g", () => {
    expect(goToKey(key("g"), 1000, 1300)).toEqual({ screen: null, pendingSince: 1300, consume: true });
  });
});

describe("landing screens", () => {
  it("sends each role to its own workspace, approver first", async () => {
    const { landingScreen, queueOfRoles } = await import("./navigation");
    expect(landingScreen(["ap_clerk"])).toBe("exceptions");
    expect(landingScreen(["controller"])).toBe("close");
    expect(landingScreen(["treasury_analyst"])).toBe("payments");
    expect(landingScreen(["controller", "approver"])).toBe("approvals");
    expect(landingScreen([])).toBe("approvals");
    expect(queueOfRoles(["treasury_analyst"])).toBe("treasury_analyst");
    expect(queueOfRoles([])).toBeNull();
  });
});
