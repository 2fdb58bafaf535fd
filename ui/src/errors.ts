import { createContext, useContext } from "react";

export type ReportError = (error: unknown) => void;

export const ReportErrorContext = createContext<ReportError>((error) => {
  console.error(error);
});

/** Every failed command goes through this, so no error is swallowed. */
export function useReportError(): ReportError {
  return useContext(ReportErrorContext);
}
