import { describe, expect, it } from "vitest";
import type { ExceptionRow } from "./bindings";
import {
  ACTION_INFO,
  breachIncrease,
  defaultFilter,
  exceptionCommandForKey,
  isBreached,
  isNewSince,
  isValidIban,
  kindLabel,
  lastVisitKey,
  needsDialog,
  outcomeMessage,
  pageRequest,
  readLastVisit,
  sentStatusInfo,
  writeLastVisit,
} from "./exceptions";
import type { KeyLike } from "./keyboard";

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: { tagName: "DIV" },
  ...extra,
});

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe("isNewSince (the 'new since last visit' marker)", () => {
  const visit = "2024-05-01T12:00:00Z";

  it("marks rows updated after the last visit only", () => {
    expect(isNewSince("2024-05-01T12:00:01Z", visit)).toBe(true);
    expect(isNewSince("2024-05-01T12:00:00Z", visit)).toBe(false);
    expect(isNewSince("2024-04-30T23:59:59Z", visit)).toBe(false);
  });

  it("compares instants, not strings, across offsets", () => {
    // 13:30+02:00 is 11:30Z: before the visit although the string sorts after it.
    expect(isNewSince("2024-05-01T13:30:00+02:00", visit)).toBe(false);
    expect(isNewSince("2024-05-01T08:30:00-04:00", visit)).toBe(true);
    expect(isNewSince("2024-05-01T12:00:00.001Z", visit)).toBe(true);
  });

  it("marks nothing on a first visit or with unreadable times", () => {
    expect(isNewSince("2024-05-02T00:00:00Z", null)).toBe(false);
    expect(isNewSince("not a time", visit)).toBe(false);
    expect(isNewSince("2024-05-02T00:00:00Z", "garbage")).toBe(false);
  });
});

describe("last visit storage", () => {
  it("is kept per user", () => {
    const storage = memoryStorage();
    writeLastVisit(storage, "u-ana", "2024-05-01T12:00:00Z");
    writeLastVisit(storage, "u-tom", "2024-06-01T08:00:00Z");
    expect(readLastVisit(storage, "u-ana")).toBe("2024-05-01T12:00:00Z");
    expect(readLastVisit(storage, "u-tom")).toBe("2024-06-01T08:00:00Z");
    expect(readLastVisit(storage, "u-new")).toBeNull();
    expect(storage.data.has(lastVisitKey("u-ana"))).toBe(true);
  });

  it("ignores junk and storage that throws", () => {
    expect(readLastVisit(memoryStorage({ [lastVisitKey("u")]: "yesterday-ish" }), "u")).toBeNull();
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
    };
    expect(readLastVisit(broken, "u")).toBeNull();
    expect(() => writeLastVisit(broken, "u", "2024-05-01T12:00:00Z")).not.toThrow();
    expect(readLastVisit(null, "u")).toBeNull();
  });
});

describe("breachIncrease", () => {
  it("reports only rises, and nothing on the first reading", () => {
    expect(breachIncrease(null, 5)).toBe(0);
    expect(breachIncrease(2, 5)).toBe(3);
    expect(breachIncrease(5, 5)).toBe(0);
    expect(breachIncrease(5, 1)).toBe(0);
    expect(breachIncrease(5, null)).toBe(0);
  });
});

describe("actions", () => {
  it("ask for a reason exactly where the backend requires one", () => {
    const withReason = Object.entries(ACTION_INFO)
      .filter(([, info]) => info.needsReason)
      .map(([action]) => action)
      .sort();
    expect(withReason).toEqual(["not_duplicate", "override", "place_hold", "request_credit_note"]);
    expect(needsDialog("correct_and_resend")).toBe(true);
    expect(needsDialog("accept_variance")).toBe(false);
  });

  it("have distinct shortcuts that do not clash with navigation", () => {
    const keys = Object.values(ACTION_INFO).map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const taken of ["j", "k", "t", "g", "/"]) expect(keys).not.toContain(taken);
  });

  it("describe the outcome and the sent action", () => {
    expect(outcomeMessage({ queuedAction: "act-1", overridden: false })).toBe("Queued — sent to the source");
    expect(outcomeMessage({ queuedAction: null, overridden: true })).toMatch(/^Overridden/);
    const sent = { actionId: "a", kind: "payment_resend", sourceMessage: null, attempts: 0 };
    expect(sentStatusInfo({ ...sent, status: "refused" })).toEqual({ label: "Refused by the source", tone: "danger" });
    expect(sentStatusInfo({ ...sent, status: "queued", attempts: 3 }).label).toContain("3 attempts");
  });
});

describe("isValidIban", () => {
  it("accepts valid IBANs with spaces and any case, rejects bad check digits", () => {
    expect(isValidIban("DE89 3704 0044 0532 0130 00")).toBe(true);
    expect(isValidIban("gb82west12345698765432")).toBe(true);
    expect(isValidIban("DE89 3704 0044 0532 0130 01")).toBe(false);
    expect(isValidIban("DE89")).toBe(false);
  });
});

describe("exceptionCommandForKey", () => {
  it("maps movement, detail, trace, search and action keys", () => {
    expect(exceptionCommandForKey(key("j"))).toBe("next");
    expect(exceptionCommandForKey(key("ArrowUp"))).toBe("prev");
    expect(exceptionCommandForKey(key("Enter"))).toBe("open");
    expect(exceptionCommandForKey(key("Escape"))).toBe("close");
    expect(exceptionCommandForKey(key("t"))).toBe("trace");
    expect(exceptionCommandForKey(key("/"))).toBe("focusSearch");
    expect(exceptionCommandForKey(key("o"))).toBe("override");
    expect(exceptionCommandForKey(key("x"))).toBeNull();
  });

  it("leaves keys to form controls, Enter to buttons, and never repeats an action", () => {
    expect(exceptionCommandForKey(key("j", { target: { tagName: "INPUT" } }))).toBeNull();
    expect(exceptionCommandForKey(key("Enter", { target: { tagName: "BUTTON" } }))).toBeNull();
    expect(exceptionCommandForKey(key("j", { target: { tagName: "BUTTON" } }))).toBe("next");
    expect(exceptionCommandForKey(key("a", { repeat: true }))).toBeNull();
    expect(exceptionCommandForKey(key("j", { repeat: true }))).toBe("next");
    expect(exceptionCommandForKey(key("t", { ctrlKey: true }))).toBeNull();
  });
});

describe("pageRequest", () => {
  it("sends no empty search and keeps the limit within the backend's bounds", () => {
    const f = { ...defaultFilter("ap_clerk"), search: "   " };
    expect(pageRequest(f, null, 100)).toMatchObject({ queue: "ap_clerk", status: "open", search: null, limit: 100 });
    expect(pageRequest({ ...f, search: " INV-7 " }, "c1", 9999)).toMatchObject({ search: "INV-7", after: "c1", limit: 500 });
  });
});

describe("isBreached and kindLabel", () => {
  const row = {
    breached: false,
    status: "open",
    slaDue: "2024-05-01T12:00:00Z",
  } as ExceptionRow;

  it("trusts the backend's flag and also counts an SLA that passed on screen", () => {
    const due = Date.parse(row.slaDue);
    expect(isBreached(row, due - 1)).toBe(false);
    expect(isBreached(row, due)).toBe(true);
    expect(isBreached({ ...row, status: "resolved" }, due + 1)).toBe(false);
    expect(isBreached({ ...row, breached: true }, due - 1)).toBe(true);
  });

  it("prefers the backend's label", () => {
    expect(kindLabel("price_variance", null)).toBe("Price variance");
    expect(
      kindLabel("missing_po", [{ kind: "missing_po", label: "Missing PO", open: 1, breached: 0, amounts: [] }]),
    ).toBe("Missing PO");
  });
});

describe("links to one exception", () => {
  it("reads the exception id from #/exceptions/<id>", async () => {
    const { exceptionIdFromHash } = await import("./exceptions");
    expect(exceptionIdFromHash("#/exceptions/bank_rejection%3Atreasury%3API-1")).toBe("bank_rejection:treasury:PI-1");
    expect(exceptionIdFromHash("#/exceptions")).toBeNull();
    expect(exceptionIdFromHash("#/exceptions/%E0%A4%A")).toBeNull();
    expect(exceptionIdFromHash("#/payments/x")).toBeNull();
  });
});
