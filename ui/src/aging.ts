import type { AgingBucket, AgingSummary, EntityAging } from "./bindings";

export const BUCKETS: readonly AgingBucket[] = ["d0_2", "d3_5", "d6_10", "d11_20", "over20"];

export const BUCKET_LABELS: Readonly<Record<AgingBucket, string>> = {
  d0_2: "0–2",
  d3_5: "3–5",
  d6_10: "6–10",
  d11_20: "11–20",
  over20: ">20",
};

export function bucketLabel(bucket: AgingBucket): string {
  return BUCKET_LABELS[bucket];
}

export function isBucket(value: string): value is AgingBucket {
  return (BUCKETS as readonly string[]).includes(value);
}

export function bucketFromLabel(label: unknown): AgingBucket | null {
  return BUCKETS.find((b) => BUCKET_LABELS[b] === label) ?? null;
}

/** One chart datum per bucket: { bucket, label, [entityCode]: count }. */
export type ChartDatum = { bucket: AgingBucket; label: string } & Record<string, number | string>;

export function chartData(summary: AgingSummary): ChartDatum[] {
  return BUCKETS.map((bucket) => {
    const datum: ChartDatum = { bucket, label: BUCKET_LABELS[bucket] };
    for (const entity of summary.entities) {
      datum[entity.entityCode] = cellFor(entity, bucket)?.count ?? 0;
    }
    return datum;
  });
}

export function cellFor(entity: EntityAging, bucket: AgingBucket) {
  return entity.cells.find((c) => c.bucket === bucket);
}

export function entityTotal(entity: EntityAging): number {
  return entity.cells.reduce((sum, c) => sum + c.count, 0);
}

export function bucketTotal(summary: AgingSummary, bucket: AgingBucket): number {
  return summary.entities.reduce((sum, e) => sum + (cellFor(e, bucket)?.count ?? 0), 0);
}
