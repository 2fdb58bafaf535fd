import type { CommandError, CommandErrorCode, Result } from "./bindings";

const ERROR_CODES: readonly CommandErrorCode[] = [
  "notFound",
  "forbidden",
  "segregationOfDuties",
  "invalidInput",
  "conflict",
  "unavailable",
  "internal",
];

/** A CommandError from the backend, thrown so callers can use try/catch. */
export class CommandFailure extends Error {
  readonly code: CommandErrorCode;

  constructor(error: CommandError) {
    super(error.message);
    this.name = "CommandFailure";
    this.code = error.code;
  }
}

export function isCommandError(value: unknown): value is CommandError {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return (
    typeof message === "string" &&
    typeof code === "string" &&
    (ERROR_CODES as readonly string[]).includes(code)
  );
}

/**
 * Turns a tauri-specta Result into a value or a thrown error.
 * The generated bindings return { status: "error" } for whatever the command
 * rejected with; if that is not a CommandError (e.g. a plain string from
 * Tauri itself), it is still surfaced, as an "internal" failure.
 */
export async function unwrap<T>(call: Promise<Result<T, CommandError>>): Promise<T> {
  const result = await call;
  if (result.status === "ok") return result.data;
  const error: unknown = result.error;
  if (isCommandError(error)) throw new CommandFailure(error);
  throw new CommandFailure({ code: "internal", message: describeUnknown(error) });
}

function describeUnknown(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The text to show a person for any error that reached the UI. */
export function errorMessage(error: unknown): string {
  if (error instanceof CommandFailure) return error.message;
  if (isCommandError(error)) return error.message;
  return describeUnknown(error) || "Something went wrong";
}

export function errorCode(error: unknown): CommandErrorCode | null {
  if (error instanceof CommandFailure) return error.code;
  if (isCommandError(error)) return error.code;
  return null;
}
