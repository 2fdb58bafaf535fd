import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { CashSeries } from "../bindings";
import { formatMoney } from "../money";
import { accountLabel, compactTick, type CashChart as CashChartData, type CashDatum } from "../payments";

export const CASH_CHART_WIDTH = 560;
export const CASH_CHART_HEIGHT = 220;

/** Same palette as the aging chart, so accounts and entities look like one app. */
const PALETTE = ["#4f6bed", "#14a38b", "#e8a33d", "#9b59d0", "#e0607e", "#3aa0d8", "#7a8797"];

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length] ?? "#4f6bed";
}

/** The tooltip: every account's balance on that date, as the exact decimal string the bank sent. */
export function CashTooltip({
  datum,
  series,
  currency,
}: {
  datum: CashDatum | undefined;
  series: CashSeries[];
  currency: string;
}) {
  if (!datum) return null;
  return (
    <div className="cash-tooltip" data-testid="cash-tooltip">
      <div className="strong">{datum.date}</div>
      {series.map((s, i) => {
        const exact = datum.exact[s.accountId];
        if (exact === undefined) return null;
        return (
          <div key={s.accountId} className="cash-tooltip-line">
            <span className="cash-swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
            <span className="truncate">{accountLabel(s)}</span>
            <span className="num" data-testid="cash-tooltip-value">
              {formatMoney({ amount: exact, currency })}
            </span>
          </div>
        );
      })}
    </div>
  );
}

/** Closing booked balance per account over time, for one currency. */
export function CashChart({ chart }: { chart: CashChartData }) {
  const { currency, series, data } = chart;
  return (
    <div className="cash-chart" data-testid="cash-chart" data-currency={currency}>
      <LineChart
        width={CASH_CHART_WIDTH}
        height={CASH_CHART_HEIGHT}
        data={data}
        margin={{ top: 6, right: 12, bottom: 0, left: 4 }}
      >
        <CartesianGrid vertical={false} stroke="#eceef2" />
        <XAxis
          dataKey="date"
          tickLine={false}
          axisLine={{ stroke: "#d9dde3" }}
          tick={{ fontSize: 11, fill: "#5f6b7a" }}
          minTickGap={24}
        />
        {/* Axis ticks are scale marks recharts picked, not balances, so a compact form is fine. */}
        <YAxis
          tickLine={false}
          axisLine={false}
          width={56}
          tick={{ fontSize: 11, fill: "#8a94a3" }}
          tickFormatter={compactTick}
          domain={["auto", "auto"]}
        />
        <Tooltip
          content={({ active, payload }) => {
            // Read the exact strings off the hovered datum, never the plotted float.
            const datum = active ? (payload?.[0]?.payload as CashDatum | undefined) : undefined;
            return <CashTooltip datum={datum} series={series} currency={currency} />;
          }}
        />
        <Legend iconType="plainline" iconSize={12} wrapperStyle={{ fontSize: 11 }} />
        {series.map((s, i) => (
          <Line
            key={s.accountId}
            type="monotone"
            dataKey={(d: CashDatum) => d.plot[s.accountId]}
            name={accountLabel(s)}
            stroke={seriesColor(i)}
            strokeWidth={1.8}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </div>
  );
}
