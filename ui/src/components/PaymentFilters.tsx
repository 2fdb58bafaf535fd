import type { RefObject } from "react";
import type { InstructionFilter } from "../bindings";
import { formatCount } from "../format";
import { INSTRUCTION_FILTERS } from "../payments";

interface Props {
  filter: InstructionFilter;
  counts: Partial<Record<InstructionFilter, number>>;
  runId: string | null;
  searchText: string;
  /** Rows loaded so far. */
  shown: number;
  /** More pages follow as the list scrolls. */
  hasMore: boolean;
  loading: boolean;
  searchRef: RefObject<HTMLInputElement>;
  onFilterChange: (filter: InstructionFilter) => void;
  onClearRun: () => void;
  onSearchChange: (text: string) => void;
}

/** Filter chips (status), the run the list is narrowed to, and the search box. */
export function PaymentFilters(props: Props) {
  const { filter, counts, runId, searchText, shown, hasMore, loading, searchRef } = props;
  return (
    <div className="filters-bar pay-filters">
      <div className="pay-chips" role="radiogroup" aria-label="Show instructions">
        {INSTRUCTION_FILTERS.map((f) => {
          const count = counts[f.value];
          const active = f.value === filter;
          return (
            <button
              key={f.value}
              type="button"
              role="radio"
              aria-checked={active}
              className={`pay-chip${active ? " active" : ""}${f.value === "rejected" && (count ?? 0) > 0 ? " alarm" : ""}`}
              data-testid={`filter-${f.value}`}
              onClick={() => props.onFilterChange(f.value)}
            >
              {f.label}
              {count !== undefined && <span className="pay-chip-count num">{formatCount(count)}</span>}
            </button>
          );
        })}
      </div>
      {runId !== null && (
        <span className="chip pay-run-chip" data-testid="run-filter">
          Run <span className="mono">{runId}</span>
          <button
            type="button"
            className="toast-close"
            aria-label="Show instructions of every run"
            data-testid="clear-run"
            onClick={props.onClearRun}
          >
            ×
          </button>
        </span>
      )}
      <span className="spacer" />
      <span className="total-count" data-testid="instructions-count">
        {loading
          ? "Loading…"
          : hasMore
            ? `first ${formatCount(shown)}, more as you scroll`
            : `${formatCount(shown)} shown`}
      </span>
      <div className="search-box">
        <input
          ref={searchRef}
          type="search"
          placeholder="Creditor, end-to-end ID, invoice…"
          aria-label="Search instructions"
          data-testid="instructions-search"
          value={searchText}
          spellCheck={false}
          onChange={(e) => props.onSearchChange(e.target.value)}
          onKeyDown={(e) => {
            // Back to the list's keys (j/k, t) without reaching for the mouse.
            if (e.key === "Escape" || e.key === "Enter") e.currentTarget.blur();
          }}
        />
        <kbd className="search-hint">/</kbd>
      </div>
    </div>
  );
}
