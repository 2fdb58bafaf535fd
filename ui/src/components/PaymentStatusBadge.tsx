import { statusClass } from "../payments";

/** An ISO 20022 payment status: the code, coloured by code, with the words as its tooltip. */
export function PaymentStatusBadge({ code, label }: { code: string; label: string }) {
  return (
    <span
      className={`badge pay-status pay-status-${statusClass(code)}`}
      title={label}
      data-testid="payment-status"
      data-status={code}
    >
      <span className="mono">{code}</span>
    </span>
  );
}

/** Where the AP exception a payment raised stands: open is the one to act on. */
export function ExceptionStatusBadge({ status }: { status: string }) {
  const tone = status === "open" ? "badge-danger" : status === "resolved" ? "badge-ok" : "badge-muted";
  return (
    <span className={`badge ${tone}`} data-testid="exception-status">
      {status}
    </span>
  );
}
