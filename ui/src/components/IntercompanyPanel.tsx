import { Fragment, useEffect, useState } from "react";
import { unwrap } from "../api";
import { commands, type IntercompanyView, type Money } from "../bindings";
import { useReportError } from "../errors";
import { formatMoney, isNegative } from "../money";
import { icIssueLabel, isZeroMoney, periodLabel } from "../recon";

function M({ m }: { m: Money | null }) {
  if (!m) return <span className="muted">—</span>;
  return <span className={isNegative(m.amount) ? "negative" : undefined}>{formatMoney(m)}</span>;
}

/** Intercompany pairs of a period: what each entity booked with the other, and where they disagree. */
export function IntercompanyPanel({ period, version }: { period: string; version: number }) {
  const report = useReportError();
  const [view, setView] = useState<IntercompanyView | null>(null);

  useEffect(() => {
    let cancelled = false;
    unwrap(commands.intercompany(period)).then((v) => {
      if (!cancelled) setView(v);
    }, report);
    return () => {
      cancelled = true;
    };
  }, [period, version, report]);

  return (
    <section className="panel ic-panel" aria-label="Intercompany">
      <header className="panel-title">
        <h2>Intercompany · {periodLabel(period)}</h2>
        <span className="muted">
          receivables vs payables per entity pair, in transaction currency and at the period rate
          {view ? ` in ${view.groupCurrency}` : ""}
        </span>
      </header>
      {view && view.missingRates.length > 0 && (
        <p className="warning small-note pad">No {periodLabel(period)} rate for {view.missingRates.join(", ")}: group amounts are incomplete.</p>
      )}
      <div className="ic-scroll">
        {view === null && <p className="muted pad">Loading…</p>}
        {view?.pairs.length === 0 && <p className="muted pad">No intercompany entries in this period.</p>}
        {view && view.pairs.length > 0 && (
          <table className="plain-table ic-table" data-testid="intercompany-table">
            <thead>
              <tr>
                <th>Pair / document</th>
                <th>Currency / issue</th>
                <th className="right">Entity A</th>
                <th className="right">Entity B</th>
                <th className="right">Difference</th>
                <th className="right">Group difference</th>
              </tr>
            </thead>
            <tbody>
              {view.pairs.map((p) => (
                <Fragment key={`${p.entityA}-${p.entityB}`}>
                  <tr className="ic-pair" data-testid="ic-pair">
                    <th colSpan={2}>
                      {p.entityA} ⇄ {p.entityB}{" "}
                      <span className={p.mismatches.length > 0 ? "badge badge-danger" : "badge badge-ok"}>
                        {p.documentsAgreeing}/{p.documents} documents agree
                      </span>
                    </th>
                    <td className="num right">
                      <M m={p.groupA} />
                    </td>
                    <td className="num right">
                      <M m={p.groupB} />
                    </td>
                    <td />
                    <td className={`num right${isZeroMoney(p.groupDifference) ? "" : " strong"}`}>
                      <M m={p.groupDifference} />
                    </td>
                  </tr>
                  {p.totals.map((t) => (
                    <tr key={t.currency} className="ic-total">
                      <td className="indent muted">total</td>
                      <td>{t.currency}</td>
                      <td className="num right">
                        <M m={t.a} />
                      </td>
                      <td className="num right">
                        <M m={t.b} />
                      </td>
                      <td className={`num right${isZeroMoney(t.difference) ? "" : " strong"}`}>
                        <M m={t.difference} />
                      </td>
                      <td />
                    </tr>
                  ))}
                  {p.mismatches.map((d) => (
                    <tr key={d.reference} className="ic-mismatch" data-testid="ic-mismatch" title={[...d.a.entries, ...d.b.entries].join(", ")}>
                      <td className="indent mono">{d.reference}</td>
                      <td>
                        <span className="badge badge-danger">{icIssueLabel(d.issue, p.entityA, p.entityB)}</span>
                      </td>
                      <td className="num right">
                        <M m={d.a.amount} />
                      </td>
                      <td className="num right">
                        <M m={d.b.amount} />
                      </td>
                      <td className="num right strong">
                        <M m={d.difference} />
                      </td>
                      <td className="num right">
                        <M m={d.groupDifference} />
                      </td>
                    </tr>
                  ))}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
