import { useState } from "react";
import { unwrap } from "../api";
import { commands, type BankImportResult, type LedgerImportResult } from "../bindings";
import { useReportError } from "../errors";
import { parsePaths } from "../recon";

export type ImportMode = "bank" | "ledger";

interface Props {
  mode: ImportMode;
  onClose: () => void;
  onImported: () => void;
}

function BankResult({ r }: { r: BankImportResult }) {
  return (
    <li className={r.error ? "import-error" : undefined} data-testid="import-result">
      <span className="mono truncate">{r.file}</span>{" "}
      {r.error ? (
        <span className="error">{r.error}</span>
      ) : (
        <span>
          {r.format} · {r.statements.length} statement{r.statements.length === 1 ? "" : "s"} · {r.newEntries} new ·{" "}
          {r.duplicates} duplicates{r.flagged > 0 && <span className="warning"> · {r.flagged} flagged</span>}
          {r.statements
            .filter((s) => s.refused || s.balanceCheck === "mismatch" || s.refusedLocked > 0)
            .map((s) => (
              <span key={s.statementRef} className="warning">
                {" "}
                · {s.statementRef}: {s.refused ?? s.balanceNote ?? `${s.refusedLocked} entries in a locked period`}
              </span>
            ))}
        </span>
      )}
    </li>
  );
}

function LedgerResult({ r }: { r: LedgerImportResult }) {
  return (
    <li data-testid="import-result">
      <span className="mono truncate">{r.file}</span> {r.entries} entries · {r.newEntries} new · {r.duplicates} duplicates
      {r.conflictCount > 0 && <span className="warning"> · {r.conflictCount} conflicts kept as stored ({r.conflicts.slice(0, 3).join(", ")})</span>}
      {r.refusedLocked > 0 && <span className="warning"> · {r.refusedLocked} in a locked period</span>}
      {r.refusedCount > 0 && <span className="error"> · {r.refusedCount} refused: {r.refused.slice(0, 3).join("; ")}</span>}
    </li>
  );
}

/** Paths typed or pasted (the dialog plugin is not installed), one result or error per file. */
export function ImportPanel({ mode, onClose, onImported }: Props) {
  const report = useReportError();
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [bankResults, setBankResults] = useState<BankImportResult[] | null>(null);
  const [ledgerResults, setLedgerResults] = useState<{ path: string; result: LedgerImportResult | null; error: string | null }[] | null>(null);

  const submit = async () => {
    const paths = parsePaths(text);
    if (paths.length === 0) return;
    setBusy(true);
    try {
      if (mode === "bank") {
        setBankResults(await unwrap(commands.importBankFiles(paths)));
      } else {
        const results = [];
        for (const path of paths) {
          try {
            results.push({ path, result: await unwrap(commands.importLedgerCsv(path)), error: null });
          } catch (error) {
            results.push({ path, result: null, error: error instanceof Error ? error.message : String(error) });
          }
        }
        setLedgerResults(results);
      }
      onImported();
    } catch (error) {
      report(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel import-panel" data-testid="import-panel">
      <header className="panel-title">
        <h2>{mode === "bank" ? "Import bank files" : "Import ledger CSV"}</h2>
        <span className="muted">
          {mode === "bank"
            ? "camt.052/053/054, MT940/942 or BAI2 (told from content) · absolute paths, one per line; drop files here"
            : "LEDGER.csv · absolute path (several: one per line); drop files here"}
        </span>
        <span className="spacer" />
        <button type="button" className="link-button" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="import-body">
        <textarea
          className="import-paths mono"
          rows={2}
          aria-label="File paths"
          data-testid="import-paths"
          placeholder={mode === "bank" ? "/home/me/statements/2024-03.camt053.xml" : "/home/me/ledger/LEDGER.csv"}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            // Some webviews give file paths on drop; where they do not, the name alone is not enough.
            const files = [...e.dataTransfer.files] as (File & { path?: string })[];
            const paths = files.map((f) => f.path).filter((p): p is string => typeof p === "string" && p.length > 0);
            if (paths.length > 0) {
              e.preventDefault();
              setText((t) => [t.trim(), ...paths].filter(Boolean).join("\n"));
            }
          }}
        />
        <button type="button" className="button primary" data-testid="import-submit" disabled={busy || parsePaths(text).length === 0} onClick={() => void submit()}>
          {busy ? "Importing…" : "Import"}
        </button>
      </div>
      {(bankResults ?? ledgerResults) && (
        <ul className="import-results">
          {bankResults?.map((r) => <BankResult key={r.file} r={r} />)}
          {ledgerResults?.map((r) =>
            r.result ? (
              <LedgerResult key={r.path} r={r.result} />
            ) : (
              <li key={r.path} className="import-error" data-testid="import-result">
                <span className="mono truncate">{r.path}</span> <span className="error">{r.error}</span>
              </li>
            ),
          )}
        </ul>
      )}
    </section>
  );
}
