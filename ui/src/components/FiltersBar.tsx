import type { KeyboardEvent, RefObject } from "react";
import { BUCKETS, bucketLabel, isBucket } from "../aging";
import type { AgingBucket, EntityInfo } from "../bindings";
import { formatCount } from "../format";

interface Props {
  entities: EntityInfo[];
  entity: string | null;
  bucket: AgingBucket | null;
  searchText: string;
  total: number;
  loading: boolean;
  searchRef: RefObject<HTMLInputElement>;
  onEntityChange: (entity: string | null) => void;
  onBucketChange: (bucket: AgingBucket | null) => void;
  onSearchChange: (text: string) => void;
  onClear: () => void;
}

export function FiltersBar(props: Props) {
  const { entities, entity, bucket, searchText, total, loading, searchRef } = props;
  const blurOnEscape = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === "Escape") e.currentTarget.blur();
  };
  const filtered = entity !== null || bucket !== null || searchText.trim() !== "";

  return (
    <div className="filters-bar" role="search">
      <select
        data-testid="filter-entity"
        aria-label="Entity"
        value={entity ?? ""}
        onKeyDown={blurOnEscape}
        onChange={(e) => props.onEntityChange(e.target.value === "" ? null : e.target.value)}
      >
        <option value="">All entities</option>
        {entities.map((info) => (
          <option key={info.code} value={info.code}>
            {info.code} · {info.name}
          </option>
        ))}
      </select>

      <select
        data-testid="filter-bucket"
        aria-label="Age"
        value={bucket ?? ""}
        onKeyDown={blurOnEscape}
        onChange={(e) => props.onBucketChange(isBucket(e.target.value) ? e.target.value : null)}
      >
        <option value="">All ages</option>
        {BUCKETS.map((b) => (
          <option key={b} value={b}>
            {bucketLabel(b)} business days
          </option>
        ))}
      </select>

      <div className="search-box">
        <input
          ref={searchRef}
          type="search"
          data-testid="filter-search"
          aria-label="Search supplier or invoice number"
          placeholder="Search supplier or invoice #"
          value={searchText}
          spellCheck={false}
          onChange={(e) => props.onSearchChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape" || e.key === "Enter") e.currentTarget.blur();
          }}
        />
        <kbd className="search-hint">/</kbd>
      </div>

      {filtered && (
        <button type="button" className="link-button" onClick={props.onClear}>
          Clear filters
        </button>
      )}

      <span className="spacer" />
      <span className="total-count" data-testid="queue-total">
        {loading ? "Loading…" : `${formatCount(total)} pending`}
      </span>
    </div>
  );
}
