import type { WorkspaceProps } from "../screenProps";

// Being written.
export function ExceptionsScreen(_props: WorkspaceProps) {
  return null;
}
