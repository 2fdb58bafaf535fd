/** Small inline icons (SVG, so they do not depend on the system's emoji font). */

export function LockIcon({ title, className }: { title?: string; className?: string }) {
  return (
    <svg
      className={`icon lock-icon${className ? ` ${className}` : ""}`}
      width="12"
      height="12"
      viewBox="0 0 16 16"
      role={title ? "img" : undefined}
      aria-label={title}
      aria-hidden={title ? undefined : true}
      data-testid="lock-icon"
    >
      {title && <title>{title}</title>}
      <path
        d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
      <rect x="2.5" y="7" width="11" height="8" rx="1.8" fill="currentColor" />
    </svg>
  );
}

/** Check mark: the Approvals screen. */
export function CheckIcon() {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M3 8.5l3.2 3.2L13 4.8"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** Pulse line: the Integration health screen. */
export function PulseIcon() {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M1 8.5h3l2-5 3.5 9 2-4H15"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** Two columns side by side: the Reconciliation screen. */
export function BalanceIcon() {
  return (
    <svg className="icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d="M2 3.5h5M2 7h5M2 10.5h5M9 5.5h5M9 9h5M9 12.5h5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
    </svg>
  );
}
