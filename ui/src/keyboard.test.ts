import { describe, expect, it } from "vitest";
import {
  commandForKey,
  isTypingTarget,
  moveSelection,
  reconcileSelection,
  selectionAfterAction,
  type KeyLike,
} from "./keyboard";

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: { tagName: "DIV" },
  ...extra,
});

describe("commandForKey", () => {
  it("maps the documented keys", () => {
    expect(commandForKey(key("j"))).toBe("next");
    expect(commandForKey(key("ArrowDown"))).toBe("next");
    expect(commandForKey(key("k"))).toBe("prev");
    expect(commandForKey(key("ArrowUp"))).toBe("prev");
    expect(commandForKey(key("a"))).toBe("approve");
    expect(commandForKey(key("r"))).toBe("reject");
    expect(commandForKey(key("/"))).toBe("focusSearch");
    expect(commandForKey(key("x"))).toBeNull();
    expect(commandForKey(key("A"))).toBeNull();
  });

  it("ignores keys while typing in form controls", () => {
    for (const tagName of ["INPUT", "SELECT", "TEXTAREA", "input"]) {
      expect(commandForKey(key("a", { target: { tagName } }))).toBeNull();
    }
    expect(commandForKey(key("a", { target: { tagName: "DIV", isContentEditable: true } }))).toBeNull();
    expect(isTypingTarget(null)).toBe(false);
  });

  it("ignores shortcuts with modifiers and IME composition", () => {
    expect(commandForKey(key("a", { ctrlKey: true }))).toBeNull();
    expect(commandForKey(key("r", { metaKey: true }))).toBeNull();
    expect(commandForKey(key("j", { altKey: true }))).toBeNull();
    expect(commandForKey(key("j", { isComposing: true }))).toBeNull();
  });

  it("repeats movement but never a decision when a key is held", () => {
    expect(commandForKey(key("j", { repeat: true }))).toBe("next");
    expect(commandForKey(key("ArrowUp", { repeat: true }))).toBe("prev");
    expect(commandForKey(key("a", { repeat: true }))).toBeNull();
    expect(commandForKey(key("r", { repeat: true }))).toBeNull();
  });
});

describe("selection", () => {
  const ids = ["a", "b", "c"];

  it("moves within bounds", () => {
    expect(moveSelection(ids, null, 1)).toBe("a");
    expect(moveSelection(ids, "a", 1)).toBe("b");
    expect(moveSelection(ids, "c", 1)).toBe("c");
    expect(moveSelection(ids, "a", -1)).toBe("a");
    expect(moveSelection(ids, "gone", -1)).toBe("a");
    expect(moveSelection([], "a", 1)).toBeNull();
  });

  it("advances after an action", () => {
    expect(selectionAfterAction(ids, "a")).toBe("b");
    expect(selectionAfterAction(ids, "c")).toBe("c");
  });

  it("keeps the selection by id across reloads", () => {
    expect(reconcileSelection(["x", "b", "y"], "b", 0)).toBe("b");
    expect(reconcileSelection(["x", "y"], "b", 1)).toBe("y");
    expect(reconcileSelection(["x", "y"], "b", 9)).toBe("y");
    expect(reconcileSelection(["x"], null, 0)).toBe("x");
    expect(reconcileSelection([], "b", 0)).toBeNull();
  });
});
