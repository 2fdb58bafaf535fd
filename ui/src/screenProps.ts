import type { User } from "./bindings";

/** What every role workspace receives from the shell. */
export interface WorkspaceProps {
  /** Bumped when a sync lands: refetch. */
  mirrorVersion: number;
  /** The signed-in user. */
  user: User;
  /** The sources' user directory, for names. */
  users: User[];
  /** Opens the invoice trace (AP capture → … → statement) of an AP invoice id. */
  onOpenTrace: (invoiceId: string) => void;
}
