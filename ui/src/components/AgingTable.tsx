import { BUCKETS, bucketLabel, bucketTotal, cellFor, entityTotal } from "../aging";
import type { AgingBucket, AgingSummary } from "../bindings";
import { formatCount } from "../format";
import { formatMoney } from "../money";

interface Props {
  summary: AgingSummary;
  selectedBucket: AgingBucket | null;
  selectedEntity: string | null;
  onBucketClick: (bucket: AgingBucket) => void;
  onCellClick: (entityCode: string, bucket: AgingBucket) => void;
}

/** Per entity and bucket: how many approvals and their amount in the entity's currency. */
export function AgingTable(props: Props) {
  const { summary, selectedBucket, selectedEntity, onBucketClick, onCellClick } = props;
  const cls = (bucket: AgingBucket) => (bucket === selectedBucket ? "selected" : "");

  return (
    <div className="aging-table-wrap">
      <table className="aging-table" data-testid="aging-table">
        <thead>
          <tr>
            <th className="left">Entity</th>
            {BUCKETS.map((bucket) => (
              <th key={bucket} className={cls(bucket)}>
                <button
                  type="button"
                  className="link-button"
                  data-testid={`aging-bucket-${bucket}`}
                  onClick={() => onBucketClick(bucket)}
                >
                  {bucketLabel(bucket)} d
                </button>
              </th>
            ))}
            <th>Total</th>
          </tr>
        </thead>
        <tbody>
          {summary.entities.map((entity) => (
            <tr key={entity.entityCode} className={entity.entityCode === selectedEntity ? "selected" : ""}>
              <th className="left" scope="row" title={entity.entityName}>
                <span className="entity-code">{entity.entityCode}</span>
                <span className="muted entity-name">{entity.entityName}</span>
              </th>
              {BUCKETS.map((bucket) => {
                const cell = cellFor(entity, bucket);
                const count = cell?.count ?? 0;
                return (
                  <td key={bucket} className={cls(bucket)}>
                    {count === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <button
                        type="button"
                        className="aging-cell"
                        onClick={() => onCellClick(entity.entityCode, bucket)}
                        title={`Show ${entity.entityCode}, ${bucketLabel(bucket)} business days`}
                      >
                        <span className="aging-count">{formatCount(count)}</span>
                        {cell && <span className="aging-amount">{formatMoney(cell.amount)}</span>}
                      </button>
                    )}
                  </td>
                );
              })}
              <td className="aging-count">{formatCount(entityTotal(entity))}</td>
            </tr>
          ))}
          {summary.entities.length === 0 && (
            <tr>
              <td colSpan={BUCKETS.length + 2} className="muted center">
                No open approvals.
              </td>
            </tr>
          )}
        </tbody>
        {summary.entities.length > 1 && (
          <tfoot>
            <tr>
              <th className="left">All entities</th>
              {BUCKETS.map((bucket) => (
                <td key={bucket} className={`aging-count ${cls(bucket)}`}>
                  {formatCount(bucketTotal(summary, bucket))}
                </td>
              ))}
              <td className="aging-count">
                {formatCount(summary.entities.reduce((sum, e) => sum + entityTotal(e), 0))}
              </td>
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
