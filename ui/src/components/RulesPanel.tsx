import { useEffect, useState } from "react";
import { unwrap } from "../api";
import { commands, type SimulatedMatch, type SimulationView } from "../bindings";
import { useReportError } from "../errors";
import { formatConfidence } from "../recon";

interface Props {
  onApply: (rules: string) => Promise<void>;
}

function Sim({ m }: { m: SimulatedMatch }) {
  return (
    <span className="sim-match">
      <span className="badge badge-muted">{m.kind}</span> {m.rule} · {formatConfidence(m.confidenceBp)} · bank{" "}
      <span className="mono">{m.bankKeys.join(", ") || "—"}</span> ⇄ ledger{" "}
      <span className="mono">{m.ledgerEntryIds.join(", ") || "—"}</span>
      {m.reason && <span className="muted"> · {m.reason}</span>}
    </span>
  );
}

/** "What would change" under edited matching rules, and applying them as a run. */
export function RulesPanel({ onApply }: Props) {
  const report = useReportError();
  const [rules, setRules] = useState<string | null>(null);
  const [result, setResult] = useState<SimulationView | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    unwrap(commands.reconRules()).then((text) => {
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // keep it as the backend sent it
      }
      setRules((current) => current ?? pretty);
    }, report);
  }, [report]);

  const simulate = () => {
    if (rules === null) return;
    setBusy(true);
    unwrap(commands.reconSimulate(rules))
      .then(setResult, report)
      .finally(() => setBusy(false));
  };

  const apply = () => {
    if (rules === null) return;
    setBusy(true);
    void onApply(rules).finally(() => setBusy(false));
  };

  return (
    <section className="panel rules-panel" aria-label="Simulate rule change">
      <header className="panel-title">
        <h2>Simulate rule change</h2>
        <span className="muted">edit the matching rules, see what would change, then apply them as a run</span>
      </header>
      <div className="rules-body">
        <div className="rules-editor">
          <textarea
            className="rules-text mono"
            data-testid="rules-json"
            spellCheck={false}
            aria-label="Matching rules (JSON)"
            value={rules ?? "Loading…"}
            disabled={rules === null}
            onChange={(e) => {
              setRules(e.target.value);
              setResult(null);
            }}
          />
          <div className="rules-actions">
            <button type="button" className="button" data-testid="simulate" disabled={busy || rules === null} onClick={simulate}>
              Simulate
            </button>
            <button
              type="button"
              className="button primary"
              data-testid="apply-rules"
              disabled={busy || rules === null || result === null}
              title={result === null ? "Simulate first" : "Run matching with these rules"}
              onClick={apply}
            >
              Apply (run matching)
            </button>
          </div>
        </div>
        <div className="rules-result" data-testid="simulation">
          {result === null ? (
            <p className="muted">Simulate to see which matches these rules would add, remove or change. Nothing is written.</p>
          ) : (
            <>
              <div className="sim-counts">
                <span className="badge badge-ok">+{result.addedCount} added</span>
                <span className="badge badge-danger">−{result.removedCount} removed</span>
                <span className="badge badge-info">~{result.changedCount} changed</span>
                <span className="muted">
                  {result.unchanged} unchanged · {result.automatic} automatic, {result.suggested} suggested in all
                </span>
              </div>
              {result.added.length > 0 && <h3>Added</h3>}
              <ul className="sim-list">
                {result.added.slice(0, 5).map((m, i) => (
                  <li key={`a${i}`}>
                    <Sim m={m} />
                  </li>
                ))}
              </ul>
              {result.removed.length > 0 && <h3>Removed</h3>}
              <ul className="sim-list">
                {result.removed.slice(0, 5).map((m, i) => (
                  <li key={`r${i}`}>
                    <Sim m={m} />
                  </li>
                ))}
              </ul>
              {result.changed.length > 0 && <h3>Changed</h3>}
              <ul className="sim-list">
                {result.changed.slice(0, 5).map((c, i) => (
                  <li key={`c${i}`}>
                    <Sim m={c.before} />
                    <br />→ <Sim m={c.after} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
