import type { ApprovalRow, PendingAction, QueuePage } from "./bindings";

/**
 * State of the loaded part of the approval queue.
 *
 * Local changes (a decision just made, an action dismissed) are kept as
 * overlays on top of the rows from the backend until a full reload that was
 * *issued after* the change arrives; that reload is authoritative. This keeps
 * an older in-flight response from wiping out a decision the user just made.
 */
export interface Overlay {
  action: PendingAction | null;
  /** Id of the last request issued when the change was made. */
  atSeq: number;
}

export interface QueueState {
  rows: ApprovalRow[];
  total: number;
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  loaded: boolean;
  overlays: Readonly<Record<string, Overlay>>;
}

export type QueueEvent =
  | { type: "reset" }
  | { type: "loadMoreStarted" }
  | { type: "loaded"; page: QueuePage; replace: boolean; seq: number }
  | { type: "loadFailed" }
  | { type: "actionRecorded"; approvalId: string; action: PendingAction | null; atSeq: number };

export const initialQueueState: QueueState = {
  rows: [],
  total: 0,
  nextCursor: null,
  loading: true,
  loadingMore: false,
  loaded: false,
  overlays: {},
};

function appendUnique(existing: ApprovalRow[], incoming: ApprovalRow[]): ApprovalRow[] {
  const seen = new Set(existing.map((r) => r.approvalId));
  const fresh = incoming.filter((r) => !seen.has(r.approvalId));
  return fresh.length === 0 ? existing : [...existing, ...fresh];
}

function pruneOverlays(overlays: Readonly<Record<string, Overlay>>, seq: number) {
  const kept: Record<string, Overlay> = {};
  for (const [id, overlay] of Object.entries(overlays)) {
    if (overlay.atSeq >= seq) kept[id] = overlay;
  }
  return kept;
}

export function queueReducer(state: QueueState, event: QueueEvent): QueueState {
  switch (event.type) {
    case "reset":
      return { ...initialQueueState, overlays: state.overlays };
    case "loadMoreStarted":
      return { ...state, loadingMore: true };
    case "loaded": {
      const { page, replace, seq } = event;
      return {
        ...state,
        rows: replace ? page.rows : appendUnique(state.rows, page.rows),
        total: page.total,
        nextCursor: page.nextCursor,
        loading: false,
        loadingMore: false,
        loaded: true,
        overlays: replace ? pruneOverlays(state.overlays, seq) : state.overlays,
      };
    }
    case "loadFailed":
      return { ...state, loading: false, loadingMore: false };
    case "actionRecorded":
      return {
        ...state,
        overlays: {
          ...state.overlays,
          [event.approvalId]: { action: event.action, atSeq: event.atSeq },
        },
      };
  }
}

/** The rows as the user should see them: backend rows with local changes applied. */
export function visibleRows(state: QueueState): ApprovalRow[] {
  if (Object.keys(state.overlays).length === 0) return state.rows;
  return state.rows.map((row) => {
    const overlay = state.overlays[row.approvalId];
    return overlay ? { ...row, pendingAction: overlay.action } : row;
  });
}
