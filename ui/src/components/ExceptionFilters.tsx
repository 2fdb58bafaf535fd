import type { KeyboardEvent, RefObject } from "react";
import type { EntityInfo, ExceptionKindCount, Kind } from "../bindings";
import {
  defaultFilter,
  isSort,
  kindLabel,
  KINDS,
  QUEUES,
  SORTS,
  STATUSES,
  type ExceptionFilter,
} from "../exceptions";
import { formatCount } from "../format";

interface Props {
  filter: ExceptionFilter;
  /** The signed-in person's own queue: what "Clear filters" returns to. */
  ownQueue: string | null;
  entities: EntityInfo[];
  summary: readonly ExceptionKindCount[] | null;
  total: number;
  /** `total` is a lower bound: a text search stops counting at 1,000. */
  totalCapped: boolean;
  loading: boolean;
  searchRef: RefObject<HTMLInputElement>;
  onChange: (patch: Partial<ExceptionFilter>) => void;
}

const blurOnEscape = (e: KeyboardEvent<HTMLElement>) => {
  if (e.key === "Escape") e.currentTarget.blur();
};

/** Same look and habits as the approvals FiltersBar (Escape leaves a control, / focuses search). */
export function ExceptionFilters(props: Props) {
  const { filter, ownQueue, entities, summary, total, totalCapped, loading, searchRef, onChange } = props;
  const initial = defaultFilter(ownQueue);
  const filtered =
    filter.queue !== initial.queue ||
    filter.kind !== initial.kind ||
    filter.entity !== initial.entity ||
    filter.status !== initial.status ||
    filter.breachedOnly ||
    filter.search.trim() !== "";

  return (
    <div className="filters-bar exc-filters" role="search">
      <select
        aria-label="Queue"
        data-testid="exc-filter-queue"
        value={filter.queue ?? ""}
        onKeyDown={blurOnEscape}
        onChange={(e) => onChange({ queue: e.target.value === "" ? null : e.target.value, kind: null })}
      >
        <option value="">All queues</option>
        {QUEUES.map((q) => (
          <option key={q.id} value={q.id}>
            {q.label}
            {q.id === ownQueue ? " (mine)" : ""}
          </option>
        ))}
      </select>

      <select
        aria-label="Kind"
        data-testid="exc-filter-kind"
        value={filter.kind ?? ""}
        onKeyDown={blurOnEscape}
        onChange={(e) => onChange({ kind: KINDS.find((k) => k === e.target.value) ?? null })}
      >
        <option value="">All kinds</option>
        {KINDS.map((k: Kind) => (
          <option key={k} value={k}>
            {kindLabel(k, summary)}
          </option>
        ))}
      </select>

      <select
        aria-label="Entity"
        data-testid="exc-filter-entity"
        value={filter.entity ?? ""}
        onKeyDown={blurOnEscape}
        onChange={(e) => onChange({ entity: e.target.value === "" ? null : e.target.value })}
      >
        <option value="">All entities</option>
        {entities.map((info) => (
          <option key={info.code} value={info.code}>
            {info.code} · {info.name}
          </option>
        ))}
      </select>

      <select
        aria-label="Status"
        data-testid="exc-filter-status"
        value={filter.status ?? ""}
        onKeyDown={blurOnEscape}
        onChange={(e) => onChange({ status: STATUSES.find((s) => s.id === e.target.value)?.id ?? null })}
      >
        <option value="">Any status</option>
        {STATUSES.map((s) => (
          <option key={s.id} value={s.id}>
            {s.label}
          </option>
        ))}
      </select>

      <div className="search-box">
        <input
          ref={searchRef}
          type="search"
          data-testid="exc-filter-search"
          aria-label="Search exceptions"
          placeholder="Search supplier, invoice, summary"
          value={filter.search}
          spellCheck={false}
          onChange={(e) => onChange({ search: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === "Escape" || e.key === "Enter") e.currentTarget.blur();
          }}
        />
        <kbd className="search-hint">/</kbd>
      </div>

      <label className="exc-check">
        <input
          type="checkbox"
          data-testid="exc-filter-breached"
          checked={filter.breachedOnly}
          onChange={(e) => onChange({ breachedOnly: e.target.checked })}
        />
        Past SLA only
      </label>

      <select
        aria-label="Sort by"
        data-testid="exc-sort"
        value={filter.sort}
        onKeyDown={blurOnEscape}
        onChange={(e) => {
          const sort = e.target.value;
          if (!isSort(sort)) return;
          // Each sort starts in its most-urgent-first direction.
          onChange({ sort, descending: SORTS.find((s) => s.id === sort)?.firstDescending ?? true });
        }}
      >
        {SORTS.map((s) => (
          <option key={s.id} value={s.id}>
            Sort: {s.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button small"
        data-testid="exc-sort-direction"
        aria-label={filter.descending ? "Descending; switch to ascending" : "Ascending; switch to descending"}
        title={filter.descending ? "Descending" : "Ascending"}
        onClick={() => onChange({ descending: !filter.descending })}
      >
        {filter.descending ? "↓" : "↑"}
      </button>

      {filtered && (
        <button type="button" className="link-button" onClick={() => onChange(initial)}>
          Reset filters
        </button>
      )}

      <span className="spacer" />
      <span className="total-count" data-testid="exceptions-total">
        {loading
          ? "Loading…"
          : `${formatCount(total)}${totalCapped ? "+" : ""} ${total === 1 && !totalCapped ? "exception" : "exceptions"}`}
      </span>
    </div>
  );
}
