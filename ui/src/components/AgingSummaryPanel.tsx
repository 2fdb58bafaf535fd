import type { AgingBucket, AgingSummary } from "../bindings";
import { AgingChart } from "./AgingChart";
import { AgingTable } from "./AgingTable";

interface Props {
  summary: AgingSummary | null;
  selectedBucket: AgingBucket | null;
  selectedEntity: string | null;
  onBucketClick: (bucket: AgingBucket) => void;
  onCellClick: (entityCode: string, bucket: AgingBucket) => void;
}

export function AgingSummaryPanel(props: Props) {
  const { summary, ...rest } = props;
  return (
    <section className="panel aging-panel" aria-label="Aging summary">
      <header className="panel-title">
        <h2>Aging</h2>
        <span className="muted">business days since assigned · click a bucket to filter</span>
      </header>
      {summary === null ? (
        <div className="panel-loading muted">Loading summary…</div>
      ) : (
        <div className="aging-body">
          <AgingChart
            summary={summary}
            selectedBucket={rest.selectedBucket}
            onBucketClick={rest.onBucketClick}
          />
          <AgingTable summary={summary} {...rest} />
        </div>
      )}
    </section>
  );
}
