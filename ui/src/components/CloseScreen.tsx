import type { WorkspaceProps } from "../screenProps";

// Being written.
export function CloseScreen(_props: WorkspaceProps) {
  return null;
}
