import type { WorkspaceProps } from "../screenProps";

// Being written.
export function PaymentsScreen(_props: WorkspaceProps) {
  return null;
}
