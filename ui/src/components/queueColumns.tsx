import { createColumnHelper, type ColumnDef } from "@tanstack/react-table";
import type { ReactNode } from "react";
import { bucketLabel } from "../aging";
import { uncheckableReason } from "../approvals";
import type { ApprovalRow, PendingAction, SortKey } from "../bindings";
import { formatMoney, isNegative } from "../money";
import type { ExportField } from "../tableExport";
import type { ColumnMeta } from "../tableViews";
import { calendarDate, isPastDue } from "../time";
import { DelegateBadge } from "./DelegateBadge";
import { LockIcon } from "./icons";
import { PendingActionBadge } from "./PendingActionBadge";

/** What QueueTable reads of a TanStack column: its grid width, sort key and alignment. */
export interface QueueColumnMeta {
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

/**
 * One data column of the approval queue: what the column chooser lists, how the
 * cell renders and what the export writes (raw values: ISO dates, exact amounts).
 * The checkbox column is not one of these: it is a control, always first, never exported.
 */
export interface QueueColumn extends ColumnMeta, QueueColumnMeta {
  header: string;
  cell: (row: ApprovalRow, ctx: CellContext) => ReactNode;
  export: readonly ExportField<ApprovalRow>[];
}

/** The id of the bulk-approval checkbox column (not in the chooser). */
export const CHECK_COLUMN_ID = "check";

/** A pending action as a spreadsheet reads it: "approve queued", "reject refused: …". */
function pendingActionText(action: PendingAction | null): string | null {
  if (action === null) return null;
  const text = `${action.decision} ${action.status}`;
  return action.sourceMessage ? `${text}: ${action.sourceMessage}` : text;
}

export const QUEUE_COLUMNS: readonly QueueColumn[] = [
  {
    id: "supplierName",
    label: "Supplier",
    header: "Supplier",
    width: "minmax(160px, 2fr)",
    sortKey: "supplier",
    export: [{ header: "Supplier", type: "text", value: (r) => r.supplierName }],
    cell: ({ supplierName, blockedReason }) => (
      <>
        {blockedReason !== null && <LockIcon title={blockedReason} />}
        <span className="truncate" title={blockedReason ?? supplierName}>
          {supplierName}
        </span>
      </>
    ),
  },
  {
    id: "entityCode",
    label: "Entity",
    header: "Entity",
    width: "72px",
    export: [
      { header: "Entity", type: "text", value: (r) => r.entityCode },
      { header: "Entity name", type: "text", value: (r) => r.entityName },
    ],
    cell: (row) => (
      <span className="entity-code" title={row.entityName}>
        {row.entityCode}
      </span>
    ),
  },
  {
    id: "invoiceNumber",
    label: "Invoice #",
    header: "Invoice #",
    width: "112px",
    sortKey: "invoiceNumber",
    export: [{ header: "Invoice #", type: "text", value: (r) => r.invoiceNumber }],
    cell: (row, ctx) => (
      <button
        type="button"
        className="link-button mono truncate"
        data-testid="invoice-trace-link"
        title="Trace this invoice (t)"
        onClick={() => ctx.onOpenTrace(row.invoiceId)}
      >
        {row.invoiceNumber}
      </button>
    ),
  },
  {
    id: "amount",
    label: "Amount",
    header: "Amount",
    width: "150px",
    sortKey: "amount",
    align: "right",
    export: [{ header: "Amount", type: "money", value: (r) => r.amount }],
    cell: ({ amount }) => (
      <span className={isNegative(amount.amount) ? "num negative" : "num"}>{formatMoney(amount)}</span>
    ),
  },
  {
    id: "invoiceDate",
    label: "Invoice date",
    header: "Invoice date",
    width: "92px",
    export: [{ header: "Invoice date", type: "date", value: (r) => r.invoiceDate }],
    cell: (row) => <span className="num">{calendarDate(row.invoiceDate)}</span>,
  },
  {
    id: "dueDate",
    label: "Due",
    header: "Due",
    width: "92px",
    sortKey: "dueDate",
    export: [{ header: "Due date", type: "date", value: (r) => r.dueDate }],
    cell: ({ dueDate, entityCode }, ctx) => {
      const overdue = isPastDue(dueDate, ctx.todayFor(entityCode));
      return (
        <span className={overdue ? "num overdue" : "num"} title={overdue ? "Past due" : undefined}>
          {calendarDate(dueDate)}
        </span>
      );
    },
  },
  {
    id: "ageBusinessDays",
    label: "Age",
    header: "Age",
    width: "100px",
    sortKey: "age",
    export: [
      { header: "Age (business days)", type: "integer", value: (r) => r.ageBusinessDays },
      { header: "Age bucket", type: "text", value: (r) => bucketLabel(r.bucket) },
    ],
    cell: ({ ageBusinessDays, bucket }) => (
      <span className="age" title={`${ageBusinessDays} business days since assigned`}>
        <span className="num age-days">{ageBusinessDays}d</span>
        <span className={`bucket-badge bucket-${bucket}`}>{bucketLabel(bucket)}</span>
      </span>
    ),
  },
  {
    id: "step",
    label: "Step",
    header: "Step",
    width: "150px",
    // The cell shows "2 of 3 · CFO"; a spreadsheet wants them apart.
    export: [
      { header: "Step", type: "integer", value: (r) => r.step },
      { header: "Steps", type: "integer", value: (r) => r.stepCount },
      { header: "Step name", type: "text", value: (r) => r.stepName },
    ],
    cell: ({ step, stepCount, stepName }) => {
      const text = `${step} of ${stepCount} · ${stepName}`;
      return (
        <span className="truncate" title={text}>
          {text}
        </span>
      );
    },
  },
  {
    id: "pendingAction",
    label: "Status",
    header: "Status",
    width: "minmax(180px, 1.6fr)",
    export: [
      { header: "Status", type: "text", value: (r) => r.status },
      { header: "Pending action", type: "text", value: (r) => pendingActionText(r.pendingAction) },
      { header: "Blocked reason", type: "text", value: (r) => r.blockedReason },
    ],
    cell: (row, ctx) => {
      const action = row.pendingAction;
      const delegate = action ? ctx.delegations.get(action.actionId) : undefined;
      if (action && delegate !== undefined) {
        return <DelegateBadge action={action} to={delegate} onDismiss={(a) => ctx.onDismiss(row, a)} />;
      }
      return action ? (
        <PendingActionBadge action={action} onDismiss={(a) => ctx.onDismiss(row, a)} />
      ) : (
        <span className="muted truncate">{row.status}</span>
      );
    },
  },
  // Off until chosen: for people who sort and filter in a spreadsheet.
  {
    id: "assignedOn",
    label: "Assigned on",
    header: "Assigned",
    defaultHidden: true,
    width: "92px",
    export: [{ header: "Assigned on", type: "date", value: (r) => r.assignedOn }],
    cell: (row) => <span className="num">{calendarDate(row.assignedOn)}</span>,
  },
  {
    id: "approvalId",
    label: "Approval ID",
    header: "Approval ID",
    defaultHidden: true,
    width: "120px",
    export: [{ header: "Approval ID", type: "text", value: (r) => r.approvalId }],
    cell: (row) => (
      <span className="mono truncate" title={row.approvalId}>
        {row.approvalId}
      </span>
    ),
  },
];

const column = createColumnHelper<ApprovalRow>();

/** The TanStack columns: the checkbox, then every data column (QueueTable shows the chosen ones). */
export function buildColumns(ctx: CellContext): ColumnDef<ApprovalRow>[] {
  return [
    column.display({
      id: CHECK_COLUMN_ID,
      header: () => <span className="appr-sr-only">Checked for bulk approval</span>,
      meta: { width: "32px" } satisfies QueueColumnMeta,
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
    ...QUEUE_COLUMNS.map((c) =>
      column.display({
        id: c.id,
        header: c.header,
        meta: { width: c.width, sortKey: c.sortKey, align: c.align } satisfies QueueColumnMeta,
        cell: (info) => c.cell(info.row.original, ctx),
      }),
    ),
  ];
}

export function columnMeta(def: { meta?: unknown }): QueueColumnMeta {
  return (def.meta as QueueColumnMeta | undefined) ?? { width: "1fr" };
}
