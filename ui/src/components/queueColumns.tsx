import { createColumnHelper, type ColumnDef } from "@tanstack/react-table";
import { bucketLabel } from "../aging";
import { uncheckableReason } from "../approvals";
import type { ApprovalRow, PendingAction, SortKey } from "../bindings";
import { formatMoney, isNegative } from "../money";
import { calendarDate, isPastDue } from "../time";
import { DelegateBadge } from "./DelegateBadge";
import { LockIcon } from "./icons";
import { PendingActionBadge } from "./PendingActionBadge";

export interface ColumnMeta {
  width: string;
  sortKey?: SortKey;
  align?: "right";
}

export interface CellContext {
  /** YYYY-MM-DD today in an entity's time zone. */
  todayFor: (entityCode: string) => string;
  onDismiss: (row: ApprovalRow, action: PendingAction) => void;
  /** Opens the invoice trace of an AP invoice id. */
  onOpenTrace: (invoiceId: string) => void;
  /** Approval ids checked for bulk approval. */
  checked: ReadonlySet<string>;
  onToggleCheck: (row: ApprovalRow) => void;
  /** Delegations sent from this screen: action id → the delegate's name. */
  delegations: ReadonlyMap<string, string>;
}

const column = createColumnHelper<ApprovalRow>();

export function buildColumns(ctx: CellContext): ColumnDef<ApprovalRow>[] {
  return [
    column.display({
      id: "check",
      header: () => <span className="appr-sr-only">Checked for bulk approval</span>,
      meta: { width: "32px" },
      cell: (info) => {
        const row = info.row.original;
        const checked = ctx.checked.has(row.approvalId);
        const reason = uncheckableReason(row);
        // A button with the checkbox role, not an <input>: focus on an input would turn the
        // queue's single-key shortcuts off (keyboard.ts treats inputs as typing).
        return (
          <button
            type="button"
            role="checkbox"
            aria-checked={checked}
            aria-label={`Check invoice ${row.invoiceNumber} for bulk approval (x)`}
            className={`appr-check${checked ? " checked" : ""}`}
            data-testid="row-check"
            disabled={reason !== null && !checked}
            title={reason ?? "Check for bulk approval (x)"}
            onClick={(event) => {
              event.stopPropagation();
              ctx.onToggleCheck(row);
            }}
          />
        );
      },
    }),
    column.display({
      id: "supplierName",
      header: "Supplier",
      meta: { width: "minmax(160px, 2fr)", sortKey: "supplier" },
      cell: (info) => {
        const { supplierName, blockedReason } = info.row.original;
        return (
          <>
            {blockedReason !== null && <LockIcon title={blockedReason} />}
            <span className="truncate" title={blockedReason ?? supplierName}>
              {supplierName}
            </span>
          </>
        );
      },
    }),
    column.display({
      id: "entityCode",
      header: "Entity",
      meta: { width: "72px" },
      cell: (info) => (
        <span className="entity-code" title={info.row.original.entityName}>
          {info.row.original.entityCode}
        </span>
      ),
    }),
    column.display({
      id: "invoiceNumber",
      header: "Invoice #",
      meta: { width: "112px", sortKey: "invoiceNumber" },
      cell: (info) => (
        <button
          type="button"
          className="link-button mono truncate"
          data-testid="invoice-trace-link"
          title="Trace this invoice (t)"
          onClick={() => ctx.onOpenTrace(info.row.original.invoiceId)}
        >
          {info.row.original.invoiceNumber}
        </button>
      ),
    }),
    column.display({
      id: "amount",
      header: "Amount",
      meta: { width: "150px", sortKey: "amount", align: "right" },
      cell: (info) => {
        const amount = info.row.original.amount;
        return (
          <span className={isNegative(amount.amount) ? "num negative" : "num"}>
            {formatMoney(amount)}
          </span>
        );
      },
    }),
    column.display({
      id: "invoiceDate",
      header: "Invoice date",
      meta: { width: "92px" },
      cell: (info) => <span className="num">{calendarDate(info.row.original.invoiceDate)}</span>,
    }),
    column.display({
      id: "dueDate",
      header: "Due",
      meta: { width: "92px", sortKey: "dueDate" },
      cell: (info) => {
        const { dueDate, entityCode } = info.row.original;
        const overdue = isPastDue(dueDate, ctx.todayFor(entityCode));
        return (
          <span className={overdue ? "num overdue" : "num"} title={overdue ? "Past due" : undefined}>
            {calendarDate(dueDate)}
          </span>
        );
      },
    }),
    column.display({
      id: "ageBusinessDays",
      header: "Age",
      meta: { width: "100px", sortKey: "age" },
      cell: (info) => {
        const { ageBusinessDays, bucket } = info.row.original;
        return (
          <span className="age" title={`${ageBusinessDays} business days since assigned`}>
            <span className="num age-days">{ageBusinessDays}d</span>
            <span className={`bucket-badge bucket-${bucket}`}>{bucketLabel(bucket)}</span>
          </span>
        );
      },
    }),
    column.display({
      id: "step",
      header: "Step",
      meta: { width: "150px" },
      cell: (info) => {
        const { step, stepCount, stepName } = info.row.original;
        const text = `${step} of ${stepCount} · ${stepName}`;
        return (
          <span className="truncate" title={text}>
            {text}
          </span>
        );
      },
    }),
    column.display({
      id: "pendingAction",
      header: "Status",
      meta: { width: "minmax(180px, 1.6fr)" },
      cell: (info) => {
        const row = info.row.original;
        const delegate = row.pendingAction ? ctx.delegations.get(row.pendingAction.actionId) : undefined;
        if (row.pendingAction && delegate !== undefined) {
          const action = row.pendingAction;
          return <DelegateBadge action={action} to={delegate} onDismiss={(a) => ctx.onDismiss(row, a)} />;
        }
        return row.pendingAction ? (
          <PendingActionBadge
            action={row.pendingAction}
            onDismiss={(action) => ctx.onDismiss(row, action)}
          />
        ) : (
          <span className="muted truncate">{row.status}</span>
        );
      },
    }),
  ];
}

export function columnMeta(def: { meta?: unknown }): ColumnMeta {
  return (def.meta as ColumnMeta | undefined) ?? { width: "1fr" };
}
