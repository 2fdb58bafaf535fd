import type { ReactNode } from "react";
import type { InstructionRow } from "../bindings";
import { formatCount } from "../format";
import { formatMoney, isNegative } from "../money";
import type { ExportField } from "../tableExport";
import { ColumnTable, type TableColumn } from "./ColumnTable";
import { PaymentStatusBadge } from "./PaymentStatusBadge";

const ROW_HEIGHT = 34;
const HEADER_HEIGHT = 32;

/** One column: how it renders and what it exports (exact amounts, codes beside labels). */
export interface InstructionColumn extends TableColumn {
  cell: (row: InstructionRow) => ReactNode;
  export: readonly ExportField<InstructionRow>[];
}

export const INSTRUCTION_COLUMNS: readonly InstructionColumn[] = [
  {
    id: "creditor",
    label: "Creditor",
    width: "minmax(150px, 2fr)",
    export: [
      { header: "Creditor", type: "text", value: (r) => r.creditorName },
      { header: "Creditor IBAN", type: "text", value: (r) => r.creditorIban },
    ],
    cell: (r) => (
      <span className="truncate" title={`${r.creditorName} · ${r.creditorIban}`}>
        {r.creditorName}
      </span>
    ),
  },
  {
    id: "entity",
    label: "Entity",
    width: "64px",
    export: [{ header: "Entity", type: "text", value: (r) => r.entity }],
    cell: (r) => <span className="entity-code">{r.entity}</span>,
  },
  {
    id: "amount",
    label: "Amount",
    width: "150px",
    export: [{ header: "Amount", type: "money", value: (r) => r.amount }],
    align: "right",
    cell: (r) => (
      <span className={isNegative(r.amount.amount) ? "num negative" : "num"}>{formatMoney(r.amount)}</span>
    ),
  },
  {
    id: "endToEndId",
    label: "End-to-end ID",
    width: "minmax(120px, 1.2fr)",
    export: [{ header: "End-to-end ID", type: "text", value: (r) => r.endToEndId }],
    cell: (r) => <span className="mono truncate">{r.endToEndId}</span>,
  },
  {
    id: "invoices",
    label: "Invoices",
    width: "72px",
    // The cell counts them; the file lists them, which is what a reconciliation needs.
    export: [{ header: "Invoices", type: "text", value: (r) => r.invoiceIds.join("; ") }],
    align: "right",
    cell: (r) => (
      <span className="num" title={r.invoiceIds.join(", ")}>
        {formatCount(r.invoiceIds.length)}
      </span>
    ),
  },
  {
    id: "status",
    label: "Status",
    width: "minmax(170px, 1.4fr)",
    export: [
      { header: "Status code", type: "text", value: (r) => r.status },
      { header: "Status", type: "text", value: (r) => r.statusLabel },
      { header: "Reason", type: "text", value: (r) => r.reason },
    ],
    cell: (r) => (
      <>
        <PaymentStatusBadge code={r.status} label={r.statusLabel} />
        <span className="truncate muted" title={r.statusLabel}>
          {r.reason ?? r.statusLabel}
        </span>
      </>
    ),
  },
  {
    id: "pastSla",
    label: "Past SLA",
    width: "76px",
    export: [{ header: "Past SLA (hours)", type: "integer", value: (r) => r.unconfirmedHours }],
    align: "right",
    cell: (r) =>
      r.unconfirmedHours === null ? null : (
        <span className="num overdue" title="No final answer from the bank within the SLA" data-testid="past-sla">
          {formatCount(r.unconfirmedHours)} h
        </span>
      ),
  },
  // Off until chosen in the column chooser.
  {
    id: "run",
    label: "Run",
    defaultHidden: true,
    width: "110px",
    cell: (r) => <span className="mono truncate">{r.runId}</span>,
    export: [{ header: "Run", type: "text", value: (r) => r.runId }],
  },
  {
    id: "id",
    label: "Instruction ID",
    defaultHidden: true,
    width: "120px",
    cell: (r) => <span className="mono truncate">{r.id}</span>,
    export: [{ header: "Instruction ID", type: "text", value: (r) => r.id }],
  },
];

interface Props {
  /** Visible column ids in display order (the column chooser's). */
  columnIds: readonly string[];
  /** The pages loaded so far, newest first. */
  rows: InstructionRow[];
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Asks for the next page; called as the end of the loaded rows comes into view. */
  onLoadMore: () => void;
}

/** Payment instructions, virtualized like the approval queue and paged by cursor as it scrolls. */
export function PaymentInstructionsTable(props: Props) {
  const { columnIds, rows, loading, loadingMore, hasMore, selectedId, onSelect, onLoadMore } = props;

  return (
    <ColumnTable
      columns={INSTRUCTION_COLUMNS}
      columnIds={columnIds}
      renderCell={(c, row) => c.cell(row)}
      rows={rows}
      rowHeight={ROW_HEIGHT}
      headerHeight={HEADER_HEIGHT}
      selectedId={selectedId}
      paging={{ loading, loadingMore, hasMore, onLoadMore }}
      className="queue-scroll pay-scroll"
      testId="instructions-table"
      gridClassName="queue-grid pay-grid"
      label="Payment instructions"
      rowCount={rows.length}
      rowTestId="instruction-row"
      rowAttributes={(row) => ({ "data-instruction-id": row.id, "data-status": row.status })}
      onSelect={onSelect}
    >
      {rows.length === 0 && (
        <div className="queue-empty" data-testid="instructions-empty">
          {loading ? "Loading instructions…" : "No payment instructions match."}
        </div>
      )}
    </ColumnTable>
  );
}
