import { describe, expect, it } from "vitest";
import { CommandFailure, errorCode, errorMessage, unwrap } from "./api";

describe("unwrap", () => {
  it("returns data for ok results", async () => {
    await expect(unwrap(Promise.resolve({ status: "ok", data: 42 }))).resolves.toBe(42);
  });

  it("throws a CommandFailure carrying the backend's code and message", async () => {
    const call = unwrap(
      Promise.resolve({
        status: "error" as const,
        error: { code: "segregationOfDuties" as const, message: "You submitted this invoice" },
      }),
    );
    await expect(call).rejects.toBeInstanceOf(CommandFailure);
    const err: unknown = await call.catch((e: unknown) => e);
    expect(errorCode(err)).toBe("segregationOfDuties");
    expect(errorMessage(err)).toBe("You submitted this invoice");
  });

  it("surfaces non-CommandError rejections as internal failures", async () => {
    const bad = { status: "error", error: "command approval_queue not found" } as unknown as {
      status: "error";
      error: { code: "internal"; message: string };
    };
    const err: unknown = await unwrap(Promise.resolve(bad)).catch((e: unknown) => e);
    expect(errorCode(err)).toBe("internal");
    expect(errorMessage(err)).toBe("command approval_queue not found");
  });

  it("passes thrown Errors through untouched", async () => {
    const boom = new Error("ipc down");
    await expect(unwrap(Promise.reject(boom))).rejects.toBe(boom);
    expect(errorMessage(boom)).toBe("ipc down");
  });
});
