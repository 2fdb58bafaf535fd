import type { ConnectionHealth } from "../bindings";
import { formatCount, formatDuration, formatSeconds, plural } from "../format";
import { CIRCUIT_LABELS, circuitTone, connectionTone, errorRateTone, kindLabel } from "../health";
import { formatClock, formatRelative, formatTimestamp } from "../time";

interface Props {
  health: ConnectionHealth;
  selected: boolean;
  now: number;
  onSelect: (connectionId: string) => void;
}

/** One connection at a glance; clicking it shows its runs and dead letters below. */
export function HealthCard({ health: c, selected, now, onSelect }: Props) {
  const status = connectionTone(c);
  const circuitLabel = CIRCUIT_LABELS[c.circuit];
  return (
    <article
      className={`panel health-card${selected ? " selected" : ""}`}
      data-testid="health-card"
      data-connection-id={c.connectionId}
      data-tone={status.tone}
      aria-label={`${c.name}: ${status.label}`}
      aria-current={selected ? "true" : undefined}
      tabIndex={0}
      onClick={() => onSelect(c.connectionId)}
      onKeyDown={(event) => {
        if (event.key === "Enter") onSelect(c.connectionId);
      }}
    >
      <header className="health-card-head">
        <span className={`health-dot tone-${status.tone}`} aria-hidden="true" />
        <h2 className="truncate" title={c.name}>
          {c.name}
        </h2>
        <span className="chip" title="Connector kind">
          {kindLabel(c.kind)}
        </span>
        <span className="mono muted truncate endpoint" title={c.endpoint}>
          {c.endpoint}
        </span>
        <span className="spacer" />
        <span className={`status-label tone-${status.tone}`} data-testid="health-status">
          {status.label}
        </span>
      </header>

      <dl className="health-stats">
        <div>
          <dt>Last success</dt>
          <dd
            className={status.label === "Stale" ? "tone-warn" : undefined}
            title={
              c.freshnessSeconds === null ? undefined : `Data is ${formatSeconds(c.freshnessSeconds)} old`
            }
            data-testid="health-last-success"
          >
            {c.lastSuccessAt ? formatRelative(c.lastSuccessAt, now) : "never"}
          </dd>
          <dd className="sub">{c.lastSuccessAt ? `at ${formatClock(c.lastSuccessAt)}` : "no data yet"}</dd>
        </div>
        <div>
          <dt>Last run</dt>
          <dd title={c.lastRunAt ? formatTimestamp(c.lastRunAt) : undefined}>
            {c.lastRunMs === null ? "—" : formatDuration(c.lastRunMs)}
          </dd>
          <dd className="sub">
            {c.throughputPerSecond === null ? "no throughput" : `${formatCount(c.throughputPerSecond)} records/s`}
          </dd>
        </div>
        <div>
          <dt>Error rate</dt>
          <dd className={`tone-${errorRateTone(c.errorRatePercent)}`} data-testid="health-error-rate">
            {formatCount(c.errorRatePercent)}%
          </dd>
          <dd className="sub">of last {plural(c.recentRunCount, "run", "runs")}</dd>
        </div>
        <div>
          <dt>Circuit</dt>
          <dd className={`tone-${circuitTone(c.circuit)}`} data-testid="health-circuit">
            {circuitLabel}
          </dd>
          <dd className="sub">{plural(c.consecutiveFailures, "failure", "failures")} in a row</dd>
        </div>
        <div>
          <dt>Outbox</dt>
          <dd>{formatCount(c.pendingActions)} pending</dd>
          <dd className={`sub${c.refusedActions > 0 ? " tone-error" : ""}`}>
            {formatCount(c.refusedActions)} refused
          </dd>
        </div>
        <div>
          <dt>Dead letters</dt>
          <dd className={c.deadLetters > 0 ? "tone-warn" : undefined} data-testid="health-dead-letters">
            {formatCount(c.deadLetters)}
          </dd>
          <dd className="sub">{c.deadLetters > 0 ? "records that did not map" : "all records mapped"}</dd>
        </div>
      </dl>

      {c.lastError && (
        <p className="health-error" data-testid="health-last-error">
          {c.lastError}
        </p>
      )}
    </article>
  );
}
