import { createContext, useContext } from "react";

export type ReportError = (error: unknown) => void;

export const ReportErrorContext = createContext<ReportError>((error) => {
  console.error(error);
});

/** Every failed command goes through this, so no error is swallowed. */
export function useReportError(): ReportError {
  return useContext(ReportErrorContext);
}

/** A message for the person that is not an error: an outcome, or why nothing happened. */
export interface Notice {
  tone: "info" | "ok" | "warn";
  title: string;
  message?: string;
}

export type Notify = (notice: Notice) => void;

export const NotifyContext = createContext<Notify>(() => undefined);

/** Shows a short-lived toast (info and ok) or one that stays a while longer (warn). */
export function useNotify(): Notify {
  return useContext(NotifyContext);
}
