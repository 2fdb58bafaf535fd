import { useMemo } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { BurndownPoint } from "../bindings";
import { burndownData } from "../close";

// Fixed size like AgingChart: happy-dom and the first paint have no layout to measure.
export const BURNDOWN_WIDTH = 380;
export const BURNDOWN_HEIGHT = 170;

interface Props {
  points: readonly BurndownPoint[];
  today: string;
}

/** Open tasks per business day of the close: the plan against what actually remained, today marked. */
export function BurndownChart({ points, today }: Props) {
  const data = useMemo(() => burndownData(points), [points]);
  // The today line needs a category on the axis; before or after the window there is none.
  const todayLabel = data.find((d) => d.date === today)?.label ?? null;

  if (data.length === 0) {
    return (
      <div className="burndown-chart burndown-empty muted" data-testid="burndown-chart">
        No burndown: this period has no tasks.
      </div>
    );
  }

  return (
    <div className="burndown-chart" data-testid="burndown-chart" data-points={data.length} data-today={todayLabel ?? ""}>
      <LineChart
        width={BURNDOWN_WIDTH}
        height={BURNDOWN_HEIGHT}
        data={data}
        margin={{ top: 8, right: 12, bottom: 0, left: -18 }}
      >
        <CartesianGrid vertical={false} stroke="#eceef2" />
        <XAxis
          dataKey="label"
          tickLine={false}
          axisLine={{ stroke: "#d9dde3" }}
          tick={{ fontSize: 11, fill: "#5f6b7a" }}
          minTickGap={8}
        />
        <YAxis
          allowDecimals={false}
          tickLine={false}
          axisLine={false}
          width={44}
          tick={{ fontSize: 11, fill: "#8a94a3" }}
        />
        <Tooltip
          contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: "#e3e6eb" }}
          labelFormatter={(label, payload) => {
            const date = (payload?.[0]?.payload as { date?: string } | undefined)?.date;
            return date ?? (typeof label === "string" ? label : "");
          }}
        />
        <Legend iconType="plainline" iconSize={12} wrapperStyle={{ fontSize: 11 }} />
        {todayLabel !== null && (
          <ReferenceLine
            x={todayLabel}
            stroke="#4f6bed"
            strokeDasharray="3 3"
            label={{ value: "today", position: "insideTopRight", fontSize: 10, fill: "#4f6bed" }}
          />
        )}
        <Line
          type="stepAfter"
          dataKey="planned"
          name="Planned remaining"
          stroke="#9aa3b0"
          strokeDasharray="5 4"
          dot={false}
          isAnimationActive={false}
        />
        {/* Days after today have no actual yet (null): the line stops there instead of dropping to 0. */}
        <Line
          type="linear"
          dataKey="actual"
          name="Actual remaining"
          stroke="#c8333f"
          strokeWidth={2}
          dot={{ r: 2 }}
          connectNulls={false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}
