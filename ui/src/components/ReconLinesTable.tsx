import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useMemo } from "react";
import type { BankItem, LedgerItem, LineMatch, LineRow, LineState, Money } from "../bindings";
import { formatMoney, isNegative } from "../money";
import { formatConfidence, matchKindLabel, stateBadgeClass } from "../recon";
import { VirtualTable } from "./VirtualTable";

const ROW_HEIGHT = 32;
const HEADER_HEIGHT = 30;

/** A bank line or ledger entry as the table shows it. */
export interface LineView {
  id: string;
  /** The bank line's numeric id (what reconMatchManual takes); null for ledger entries. */
  bankId: number | null;
  date: string;
  amount: Money;
  counterparty: string;
  reference: string;
  detail: string;
  state: LineState;
  match: LineMatch | null;
}

export function bankView(row: LineRow<BankItem>): LineView {
  const i = row.item;
  return {
    id: String(i.id),
    bankId: i.id,
    date: i.bookingDate,
    amount: i.amount,
    counterparty: i.counterpartyName || i.counterpartyIban,
    reference: i.reference || i.endToEndId || i.entryKey,
    detail: i.remittance,
    state: row.state,
    match: row.match,
  };
}

export function ledgerView(row: LineRow<LedgerItem>): LineView {
  const i = row.item;
  return {
    id: i.id,
    bankId: null,
    date: i.bookingDate,
    amount: i.amount,
    counterparty: i.counterparty,
    reference: i.reference || i.id,
    detail: i.description,
    state: row.state,
    match: row.match,
  };
}

/** "matched · amount+reference · 98.50 %" and, on hover, why. */
export function matchTitle(match: LineMatch, reason: string | undefined): string {
  const head = `Match #${match.matchId} · ${matchKindLabel(match.kind)} · rule ${match.rule} · ${formatConfidence(match.confidenceBp)}`;
  return reason ? `${head}\n${reason}` : head;
}

const col = createColumnHelper<LineView>();

interface Props {
  side: "bank" | "ledger";
  label: string;
  rows: LineView[];
  total: number;
  loading: boolean;
  loadingMore: boolean;
  hasMore: boolean;
  active: boolean;
  focusedId: string | null;
  selected: ReadonlySet<string>;
  reasons: ReadonlyMap<number, string>;
  onFocusRow: (id: string) => void;
  onToggle: (id: string) => void;
  onHoverMatch: (matchId: number) => void;
  onLoadMore: () => void;
}

export function ReconLinesTable(props: Props) {
  const { side, label, rows, total, loading, loadingMore, hasMore, active, focusedId, selected, reasons } = props;
  const { onFocusRow, onToggle, onHoverMatch, onLoadMore } = props;

  const columns = useMemo(
    () => [
      col.display({
        id: "sel",
        header: "",
        cell: (c) => (
          <input
            type="checkbox"
            tabIndex={-1}
            aria-label="Select for matching"
            checked={selected.has(c.row.original.id)}
            onChange={() => onToggle(c.row.original.id)}
          />
        ),
      }),
      col.accessor("date", { header: "Date", cell: (c) => <span className="num">{c.getValue()}</span> }),
      col.accessor("amount", {
        header: "Amount",
        cell: (c) => (
          <span className={`num${isNegative(c.getValue().amount) ? " negative" : ""}`}>{formatMoney(c.getValue())}</span>
        ),
      }),
      col.accessor("counterparty", {
        header: "Counterparty",
        cell: (c) => <span className="truncate">{c.getValue() || "—"}</span>,
      }),
      col.accessor("reference", {
        header: side === "bank" ? "Reference / remittance" : "Reference / description",
        cell: (c) => (
          <span className="truncate two-line" title={`${c.getValue()}\n${c.row.original.detail}`}>
            <span className="mono">{c.getValue()}</span>
            {c.row.original.detail && <span className="muted"> · {c.row.original.detail}</span>}
          </span>
        ),
      }),
      col.accessor("state", {
        header: "State",
        cell: (c) => {
          const m = c.row.original.match;
          return (
            <span
              className={stateBadgeClass(c.getValue())}
              data-testid="line-state"
              title={m ? matchTitle(m, reasons.get(m.matchId)) : undefined}
              onMouseEnter={m ? () => onHoverMatch(m.matchId) : undefined}
            >
              {c.getValue()}
              {m && m.kind !== "suggested" && ` · ${m.kind === "manual" ? "manual" : m.rule}`}
            </span>
          );
        },
      }),
    ],
    [side, selected, reasons, onToggle, onHoverMatch],
  );

  // TanStack Table returns non-memoizable functions; it is used as documented.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: (r) => r.id });
  const tableRows = table.getRowModel().rows;
  const template = "24px 92px 112px minmax(80px, 1fr) minmax(100px, 1.3fr) 104px";

  const focusedIndex = focusedId === null ? -1 : rows.findIndex((r) => r.id === focusedId);

  return (
    <VirtualTable
      rows={tableRows}
      rowHeight={ROW_HEIGHT}
      headerHeight={HEADER_HEIGHT}
      overscan={10}
      rowKey={(r) => r.id}
      selectedIndex={focusedIndex}
      paging={{ loading, loadingMore, hasMore, onLoadMore }}
      gridTemplateColumns={template}
      className={`queue-scroll recon-scroll${active ? " active" : ""}`}
      testId={side === "bank" ? "bank-lines-table" : "ledger-table"}
      active={active}
      gridClassName="queue-grid recon-grid"
      label={label}
      rowCount={total}
      multiselectable
      header={
        <div role="row" className="queue-header recon-header" style={{ gridTemplateColumns: template }}>
          {table.getHeaderGroups()[0]?.headers.map((h) => (
            <div key={h.id} role="columnheader" className={`cell${h.id === "amount" ? " right" : ""}`}>
              {flexRender(h.column.columnDef.header, h.getContext())}
            </div>
          ))}
        </div>
      }
      renderRow={(row, { index, style }) => {
        const focused = row.id === focusedId;
        const isSelected = selected.has(row.id);
        return (
          <div
            role="row"
            aria-selected={isSelected}
            aria-current={focused ? "true" : undefined}
            data-testid={`${side}-row`}
            data-line-id={row.id}
            data-state={row.original.state}
            data-match-id={row.original.match?.matchId}
            className={`queue-row recon-row${focused ? " focused" : ""}${isSelected ? " checked" : ""}${
              index % 2 ? " odd" : ""
            } state-${row.original.state}`}
            style={style}
            onMouseDown={() => onFocusRow(row.id)}
          >
            {row.getVisibleCells().map((cell) => (
              <div key={cell.id} role="gridcell" className={`cell${cell.column.id === "amount" ? " right" : ""}`}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </div>
            ))}
          </div>
        );
      }}
    >
      {!loading && rows.length === 0 && <div className="queue-empty">No {side === "bank" ? "bank lines" : "ledger entries"} here.</div>}
      {loading && rows.length === 0 && <div className="queue-empty">Loading…</div>}
    </VirtualTable>
  );
}
