import type { PendingAction } from "../bindings";
import { formatTimestamp } from "../time";

interface Props {
  action: PendingAction;
  onDismiss: (action: PendingAction) => void;
}

const DELIVERED: Record<PendingAction["decision"], { label: string; tone: string; dismissable: boolean }> = {
  approve: { label: "Approved ✓", tone: "ok", dismissable: false },
  reject: { label: "Rejected", tone: "muted", dismissable: false },
  delegate: { label: "Handed on ✓", tone: "ok", dismissable: false },
};

function describe(action: PendingAction): { label: string; tone: string; dismissable: boolean } {
  switch (action.status) {
    case "queued":
      // A queued action with a message is waiting to retry after an outage.
      return action.attempts > 0 && action.sourceMessage
        ? { label: `Retrying (${action.attempts} attempts): ${action.sourceMessage}`, tone: "warn", dismissable: false }
        : { label: "Queued", tone: "info", dismissable: false };
    case "delivering":
      return { label: "Sending…", tone: "info", dismissable: false };
    case "delivered":
      return DELIVERED[action.decision];
    case "refused":
      return {
        label: `Refused by source: ${action.sourceMessage ?? "no reason given"}`,
        tone: "danger",
        dismissable: true,
      };
  }
}

export function PendingActionBadge({ action, onDismiss }: Props) {
  const { label, tone, dismissable } = describe(action);
  const verb = { approve: "Approve", reject: "Reject", delegate: "Delegate" }[action.decision];
  const title = [
    `${verb} · ${label}`,
    action.reason ? `Reason: ${action.reason}` : null,
    `Queued ${formatTimestamp(action.queuedAt)}`,
    action.attempts > 0 ? `${action.attempts} delivery attempts` : null,
  ]
    .filter(Boolean)
    .join("\n");

  return (
    <span className="pending-action" data-testid="pending-action" data-status={action.status}>
      <span className={`badge badge-${tone}`} title={title}>
        {action.decision !== "approve" && (action.status === "queued" || action.status === "delivering") && (
          <span className="badge-decision">{verb} · </span>
        )}
        {label}
      </span>
      {dismissable && (
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
