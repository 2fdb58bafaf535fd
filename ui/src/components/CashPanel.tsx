import { useMemo } from "react";
import { unwrap } from "../api";
import { commands } from "../bindings";
import { useReportError } from "../errors";
import { plural } from "../format";
import { formatMoney, isNegative } from "../money";
import { accountLabel, cashCharts } from "../payments";
import { CashChart, seriesColor } from "./CashChart";
import { useFetched } from "./PaymentData";

// Module-level so its identity is stable: useFetched reloads only on mirrorVersion.
const loadCash = () => unwrap(commands.cashPosition());

/** Cash position: totals per currency (summed exactly by the backend) and balances over time. */
export function CashPanel({ mirrorVersion }: { mirrorVersion: number }) {
  const report = useReportError();
  const { data: cash, loading } = useFetched(loadCash, mirrorVersion, report);
  const charts = useMemo(() => (cash ? cashCharts(cash) : []), [cash]);

  if (cash === null) {
    return <p className="muted pad">{loading ? "Loading the cash position…" : "No cash position available."}</p>;
  }

  return (
    <div className="cash-panel" data-testid="cash-panel">
      <div className="cash-totals">
        {cash.totals.map((t) => (
          <section key={t.currency} className="panel cash-card" data-testid="cash-total" data-currency={t.currency}>
            <div className="muted">{t.currency}</div>
            <div className={`cash-card-amount num${isNegative(t.total.amount) ? " negative" : ""}`}>
              {formatMoney(t.total)}
            </div>
            <div className="muted">{plural(t.accounts, "account", "accounts")} · latest closing balances</div>
          </section>
        ))}
        {cash.totals.length === 0 && <p className="muted">No balances reported by the banks yet.</p>}
      </div>

      <div className="cash-charts">
        {charts.map((chart) => (
          <section key={chart.currency} className="panel cash-chart-panel" aria-label={`${chart.currency} balances`}>
            <div className="panel-title">
              <h2>{chart.currency} balances, last 3 months</h2>
              <span className="muted">closing booked, per account</span>
            </div>
            {chart.data.length > 0 ? (
              <CashChart chart={chart} />
            ) : (
              <p className="muted pad">No balance history yet.</p>
            )}
            <table className="plain-table cash-accounts">
              <thead>
                <tr>
                  <th>Account</th>
                  <th>IBAN</th>
                  <th className="right">Latest</th>
                </tr>
              </thead>
              <tbody>
                {chart.series.map((s, i) => (
                  <tr key={s.accountId} data-testid="cash-account" data-account-id={s.accountId}>
                    <td className="truncate" title={accountLabel(s)}>
                      <span className="cash-swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
                      {accountLabel(s)}
                    </td>
                    <td className="mono">{s.iban}</td>
                    <td className={`right num${s.latest && isNegative(s.latest.amount) ? " negative" : ""}`}>
                      {s.latest ? formatMoney(s.latest) : <span className="muted">no balance</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </div>
  );
}
