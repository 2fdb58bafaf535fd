import type { PendingAction } from "../bindings";
import { formatTimestamp } from "../time";

interface Props {
  action: PendingAction;
  /** Who the step is being handed to. */
  to: string;
  onDismiss: (action: PendingAction) => void;
}

/**
 * Status of a delegation on its way. The queue row carries it as a pending action whose
 * decision the backend reports as "approve", so PendingActionBadge would read "Approved ✓"
 * once delivered; this says what actually happened.
 */
export function DelegateBadge({ action, to, onDismiss }: Props) {
  const refused = action.status === "refused";
  const label = (() => {
    switch (action.status) {
      case "queued":
        return action.attempts > 0 && action.sourceMessage
          ? `Delegating to ${to} · retrying: ${action.sourceMessage}`
          : `Delegating to ${to} · Queued`;
      case "delivering":
        return `Delegating to ${to} · Sending…`;
      case "delivered":
        return `Delegated to ${to} ✓`;
      case "refused":
        return `Delegation refused by source: ${action.sourceMessage ?? "no reason given"}`;
    }
  })();
  const tone = refused ? "danger" : action.status === "delivered" ? "ok" : "info";
  const title = [label, action.reason ? `Reason: ${action.reason}` : null, `Queued ${formatTimestamp(action.queuedAt)}`]
    .filter(Boolean)
    .join("\n");

  return (
    <span className="pending-action" data-testid="pending-action" data-status={action.status}>
      <span className={`badge badge-${tone}`} title={title} data-testid="delegation-badge">
        {label}
      </span>
      {refused && (
        <button
          type="button"
          className="link-button"
          data-testid="dismiss-action"
          onClick={(event) => {
            event.stopPropagation();
            onDismiss(action);
          }}
        >
          Dismiss
        </button>
      )}
    </span>
  );
}
