import { useMemo } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { bucketFromLabel, chartData } from "../aging";
import type { AgingBucket, AgingSummary } from "../bindings";

export const CHART_WIDTH = 300;
export const CHART_HEIGHT = 150;

const PALETTE = ["#4f6bed", "#14a38b", "#e8a33d", "#9b59d0", "#e0607e", "#3aa0d8", "#7a8797"];

interface Props {
  summary: AgingSummary;
  selectedBucket: AgingBucket | null;
  onBucketClick: (bucket: AgingBucket) => void;
}

/** Counts (never amounts) of open approvals per aging bucket, stacked by entity. */
export function AgingChart({ summary, selectedBucket, onBucketClick }: Props) {
  const data = useMemo(() => chartData(summary), [summary]);

  return (
    <div className="aging-chart" data-testid="aging-chart">
      <BarChart
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
        data={data}
        margin={{ top: 4, right: 8, bottom: 0, left: -16 }}
        barCategoryGap="24%"
        style={{ cursor: "pointer" }}
        onClick={(state) => {
          const bucket = bucketFromLabel(state.activeLabel);
          if (bucket) onBucketClick(bucket);
        }}
      >
        <CartesianGrid vertical={false} stroke="#eceef2" />
        <XAxis
          dataKey="label"
          tickLine={false}
          axisLine={{ stroke: "#d9dde3" }}
          tick={{ fontSize: 11, fill: "#5f6b7a" }}
        />
        <YAxis
          allowDecimals={false}
          tickLine={false}
          axisLine={false}
          width={44}
          tick={{ fontSize: 11, fill: "#8a94a3" }}
        />
        <Tooltip
          cursor={{ fill: "rgba(79, 107, 237, 0.06)" }}
          contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: "#e3e6eb" }}
          labelFormatter={(label) => (typeof label === "string" ? `${label} business days` : "")}
        />
        <Legend iconType="square" iconSize={8} wrapperStyle={{ fontSize: 11 }} />
        {summary.entities.map((entity, i) => (
          <Bar
            key={entity.entityCode}
            dataKey={entity.entityCode}
            name={entity.entityCode}
            stackId="entities"
            fill={PALETTE[i % PALETTE.length]}
            isAnimationActive={false}
          >
            {data.map((datum) => (
              <Cell
                key={datum.bucket}
                fillOpacity={selectedBucket && selectedBucket !== datum.bucket ? 0.3 : 1}
              />
            ))}
          </Bar>
        ))}
      </BarChart>
    </div>
  );
}
