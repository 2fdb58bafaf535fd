import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { unwrap } from "../api";
import {
  commands,
  type LineStateFilter,
  type MatchView,
  type Money,
  type ReconLinesFilter,
  type ReconOverview,
  type ReconRun,
  type User,
} from "../bindings";
import { useNotify, useReportError } from "../errors";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { useReconLines } from "../hooks/useReconLines";
import { isTypingTarget } from "../keyboard";
import { formatMoney } from "../money";
import { STATE_FILTERS, periodLabel, selectionDifference, sumMoney } from "../recon";
import { IntercompanyPanel } from "./IntercompanyPanel";
import { ImportPanel, type ImportMode } from "./ImportPanel";
import { RecSheetPanel } from "./RecSheetPanel";
import { bankView, ledgerView, ReconLinesTable, type LineView } from "./ReconLinesTable";
import { RulesPanel } from "./RulesPanel";
import { SuggestionsPanel } from "./SuggestionsPanel";

type Tab = "matching" | "sheet" | "intercompany" | "rules";
type Side = "bank" | "ledger";

const TABS: readonly { id: Tab; label: string }[] = [
  { id: "matching", label: "Matching" },
  { id: "sheet", label: "Reconciliation sheet" },
  { id: "intercompany", label: "Intercompany" },
  { id: "rules", label: "Simulate rule change" },
];

/** Mirror changes arriving in a burst reload the screen once. */
const LIVE_DEBOUNCE_MS = 300;
const SUGGESTION_PAGE = 50;

interface Props {
  mirrorVersion: number;
  user: User;
  users: readonly User[];
}

interface Selected {
  view: LineView;
}

function plural(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

export function runSummary(run: ReconRun): string {
  return (
    `${run.automatic} automatic, ${run.suggested} suggested, ${run.manual} manual kept · ` +
    `+${run.added} −${run.removed} ~${run.changed} · breaks: ${run.breaksNew} new, ` +
    `${run.breaksPersisting} persisting, ${run.breaksResolved} resolved`
  );
}

function matchDifference(view: MatchView): Money | null {
  return selectionDifference(
    view.bank.map((b) => b.amount),
    view.ledger.map((l) => l.amount),
  );
}

/** Where keys go: Tab and space are left to buttons and links. */
function isControl(target: unknown): boolean {
  if (typeof target !== "object" || target === null) return false;
  const tag = (target as { tagName?: unknown }).tagName;
  return typeof tag === "string" && ["BUTTON", "A", "SELECT"].includes(tag.toUpperCase());
}

/** One side of the matching view: its title and count, its filters and its table. */
function ReconSide(props: {
  side: "bank" | "ledger";
  title: string;
  lines: { total: number; loading: boolean; loadingMore: boolean; hasMore: boolean; loadMore: () => void };
  rows: LineView[];
  filters: Omit<Parameters<typeof LineFilters>[0], "testid">;
  active: boolean;
  focusedId: string | null;
  selected: ReadonlySet<string>;
  reasons: ReadonlyMap<number, string>;
  onFocusRow: (id: string) => void;
  onToggle: (id: string) => void;
  onHoverMatch: (matchId: number) => void;
}) {
  const { side, title, lines, filters } = props;
  return (
    <section className={`panel table-panel recon-side${props.active ? " active" : ""}`} aria-label={title}>
      <header className="side-title">
        <h2>{title}</h2>
        <span className="total-count" data-testid={`${side}-total`}>
          {lines.total}
        </span>
        <span className="spacer" />
        <LineFilters testid={side} {...filters} />
      </header>
      <ReconLinesTable
        side={side}
        label={title}
        rows={props.rows}
        total={lines.total}
        loading={lines.loading}
        loadingMore={lines.loadingMore}
        hasMore={lines.hasMore}
        active={props.active}
        focusedId={props.focusedId}
        selected={props.selected}
        reasons={props.reasons}
        onFocusRow={props.onFocusRow}
        onToggle={props.onToggle}
        onHoverMatch={props.onHoverMatch}
        onLoadMore={lines.loadMore}
      />
    </section>
  );
}

function LineFilters(props: {
  state: LineStateFilter | "all";
  search: string;
  onState: (s: LineStateFilter | "all") => void;
  onSearch: (s: string) => void;
  testid: string;
}) {
  return (
    <div className="line-filters">
      <select
        aria-label="State"
        data-testid={`${props.testid}-state`}
        value={props.state}
        onChange={(e) => props.onState(e.target.value as LineStateFilter | "all")}
      >
        {STATE_FILTERS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <input
        type="search"
        placeholder="Search counterparty, reference…"
        aria-label="Search"
        data-testid={`${props.testid}-search`}
        value={props.search}
        onChange={(e) => props.onSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") (e.target as HTMLInputElement).blur();
        }}
      />
    </div>
  );
}

/** Reconciliation: bank lines against ledger entries, suggestions, the sheet, intercompany, rules. */
export function ReconScreen({ mirrorVersion, user, users }: Props) {
  const report = useReportError();
  const notify = useNotify();

  const [overview, setOverview] = useState<ReconOverview | null>(null);
  const [account, setAccount] = useState<string | null>(null);
  const [period, setPeriod] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>("matching");
  const [importMode, setImportMode] = useState<ImportMode | null>(null);
  const [running, setRunning] = useState(false);

  // Live: mirror changes (debounced) and our own actions both bump the version.
  const liveVersion = useDebouncedValue(mirrorVersion, LIVE_DEBOUNCE_MS);
  const [ownVersion, setOwnVersion] = useState(0);
  const version = liveVersion + ownVersion;
  const changed = useCallback(() => setOwnVersion((v) => v + 1), []);

  useEffect(() => {
    unwrap(commands.reconOverview()).then((o) => {
      setOverview(o);
      setAccount((a) => (a !== null && o.accounts.some((x) => x.iban === a) ? a : (o.accounts[0]?.iban ?? null)));
      setPeriod((p) => p ?? o.periods[0] ?? o.currentPeriod);
    }, report);
  }, [version, report]);

  const acct = overview?.accounts.find((a) => a.iban === account) ?? null;
  const periods = useMemo(() => {
    if (!overview) return [];
    const list = [...overview.periods];
    if (!list.includes(overview.currentPeriod)) list.unshift(overview.currentPeriod);
    return list;
  }, [overview]);

  // ----- the two tables -----
  const [bankState, setBankState] = useState<LineStateFilter | "all">("open");
  const [ledgerState, setLedgerState] = useState<LineStateFilter | "all">("open");
  const [bankSearch, setBankSearch] = useState("");
  const [ledgerSearch, setLedgerSearch] = useState("");
  const bankSearchD = useDebouncedValue(bankSearch, 250);
  const ledgerSearchD = useDebouncedValue(ledgerSearch, 250);
  const filterFor = (state: LineStateFilter | "all", search: string): ReconLinesFilter | null =>
    account === null
      ? null
      : { account, period, state: state === "all" ? null : state, search: search.trim() || null };
  const bank = useReconLines("bank", filterFor(bankState, bankSearchD), version, report);
  const ledger = useReconLines("ledger", filterFor(ledgerState, ledgerSearchD), version, report);
  const bankRows = useMemo(() => bank.rows.map(bankView), [bank.rows]);
  const ledgerRows = useMemo(() => ledger.rows.map(ledgerView), [ledger.rows]);

  const [activeSide, setActiveSide] = useState<Side>("bank");
  const [selection, setSelection] = useState<Record<Side, Map<string, Selected>>>({
    bank: new Map(),
    ledger: new Map(),
  });

  // The focus stays on its row while that is listed, else falls to the first one.
  const [chosenFocus, setFocus] = useState<Record<Side, string | null>>({ bank: null, ledger: null });
  const fixFocus = (rows: LineView[], id: string | null) =>
    id !== null && rows.some((r) => r.id === id) ? id : (rows[0]?.id ?? null);
  const focus: Record<Side, string | null> = {
    bank: fixFocus(bankRows, chosenFocus.bank),
    ledger: fixFocus(ledgerRows, chosenFocus.ledger),
  };

  const toggle = useCallback((side: Side, view: LineView | undefined) => {
    if (!view) return;
    setSelection((s) => {
      const next = new Map(s[side]);
      if (next.has(view.id)) next.delete(view.id);
      else next.set(view.id, { view });
      return { ...s, [side]: next };
    });
  }, []);

  const [reasons, setReasons] = useState<ReadonlyMap<number, string>>(new Map());
  const loadingReasons = useRef(new Set<number>());
  const loadReason = useCallback(
    (matchId: number) => {
      if (loadingReasons.current.has(matchId)) return;
      loadingReasons.current.add(matchId);
      unwrap(commands.reconMatch(matchId)).then(
        (m) => setReasons((r) => new Map(r).set(matchId, m.reason)),
        () => loadingReasons.current.delete(matchId),
      );
    },
    [],
  );

  const rowsOf = (side: Side) => (side === "bank" ? bankRows : ledgerRows);
  const focusedView = (side: Side) => rowsOf(side).find((r) => r.id === focus[side]);
  const activeFocused = focusedView(activeSide);
  useEffect(() => {
    if (activeFocused?.match) loadReason(activeFocused.match.matchId);
  }, [activeFocused?.match, loadReason]);

  // ----- suggestions -----
  const [suggestions, setSuggestions] = useState<MatchView[] | null>(null);
  const [suggTotal, setSuggTotal] = useState(0);
  const [suggCursor, setSuggCursor] = useState<string | null>(null);
  const [suggSelected, setSuggSelected] = useState<number | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<number>>(new Set());
  const [rejecting, setRejecting] = useState<{ matchId: number; note: string } | null>(null);

  useEffect(() => {
    if (account === null) return;
    let cancelled = false;
    unwrap(commands.reconSuggestions(account, null, SUGGESTION_PAGE)).then((page) => {
      if (cancelled) return;
      setSuggestions(page.rows);
      setSuggTotal(page.total);
      setSuggCursor(page.nextCursor);
      setSuggSelected((sel) =>
        sel !== null && page.rows.some((r) => r.matchId === sel) ? sel : (page.rows[0]?.matchId ?? null),
      );
    }, report);
    return () => {
      cancelled = true;
    };
  }, [account, version, report]);

  const loadMoreSuggestions = () => {
    if (account === null || suggCursor === null) return;
    unwrap(commands.reconSuggestions(account, suggCursor, SUGGESTION_PAGE)).then((page) => {
      setSuggestions((s) => [...(s ?? []), ...page.rows]);
      setSuggCursor(page.nextCursor);
    }, report);
  };

  const withBusy = (matchId: number, work: Promise<unknown>) => {
    setBusy((b) => new Set(b).add(matchId));
    void work.finally(() => {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(matchId);
        return next;
      });
      changed();
    });
  };

  const nextSuggestionAfter = (matchId: number) => {
    const list = suggestions ?? [];
    const i = list.findIndex((s) => s.matchId === matchId);
    return list[i + 1]?.matchId ?? list[i - 1]?.matchId ?? null;
  };

  const accept = (matchId: number) => {
    if (busy.has(matchId)) return;
    setSuggSelected(nextSuggestionAfter(matchId));
    withBusy(
      matchId,
      unwrap(commands.reconAccept(matchId)).then((m) => {
        const diff = matchDifference(m);
        notify({
          tone: "ok",
          title: `Accepted: match #${m.matchId} is now manual`,
          message: diff && /[1-9]/.test(diff.amount) ? `Difference ${formatMoney(diff)} stays open on the sheet.` : undefined,
        });
      }, report),
    );
  };

  const confirmReject = () => {
    if (!rejecting) return;
    const { matchId, note } = rejecting;
    setRejecting(null);
    setSuggSelected(nextSuggestionAfter(matchId));
    withBusy(
      matchId,
      unwrap(commands.reconReject(matchId, note.trim() || null)).then(() => {
        notify({ tone: "info", title: `Rejected suggestion #${matchId}`, message: "No run will propose it again." });
      }, report),
    );
  };

  // ----- manual match / unmatch -----
  const matchSelection = () => {
    const b = [...selection.bank.values()].map((s) => s.view);
    const l = [...selection.ledger.values()].map((s) => s.view);
    if (b.length + l.length < 2) {
      notify({ tone: "warn", title: "Select at least two lines to match", message: "space selects the focused row; Tab switches tables." });
      return;
    }
    const bankIds = b.map((v) => v.bankId).filter((id): id is number => id !== null);
    unwrap(commands.reconMatchManual(bankIds, l.map((v) => v.id), null)).then((m) => {
      const diff = matchDifference(m);
      const unequal = diff !== null && /[1-9]/.test(diff.amount);
      notify({
        tone: unequal ? "warn" : "ok",
        title: `Matched ${plural(m.bank.length, "bank line", "bank lines")} with ${plural(m.ledger.length, "ledger entry", "ledger entries")}`,
        message: unequal ? `The amounts differ by ${formatMoney(diff)}: it stays open on the reconciliation sheet.` : undefined,
      });
      setSelection({ bank: new Map(), ledger: new Map() });
      changed();
    }, report);
  };

  const unmatchFocused = () => {
    const view = focusedView(activeSide);
    const m = view?.match;
    if (!view || !m) {
      notify({ tone: "info", title: "The focused row is not in a match" });
      return;
    }
    if (m.kind === "suggested") {
      notify({ tone: "info", title: "That is a suggestion", message: "Reject it in the suggestions list (n)." });
      return;
    }
    unwrap(commands.reconUnmatch(m.matchId, null)).then(() => {
      notify({ tone: "ok", title: `Unmatched #${m.matchId}`, message: "Its lines are open again." });
      changed();
    }, report);
  };

  // ----- run matching -----
  const run = useCallback(
    async (rules: string | null) => {
      setRunning(true);
      try {
        const r = await unwrap(commands.reconRun(rules));
        notify({ tone: "ok", title: `Matching run #${r.runId} done`, message: runSummary(r) });
      } catch (error) {
        report(error);
      } finally {
        setRunning(false);
        changed();
      }
    },
    [changed, notify, report],
  );

  // ----- keyboard -----
  const onKey = (event: KeyboardEvent) => {
    if (tab !== "matching" || rejecting) return;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTypingTarget(event.target) || document.querySelector('[aria-modal="true"]')) return;
    const key = event.key;
    const move = (side: Side, delta: 1 | -1) => {
      const rows = rowsOf(side);
      const i = rows.findIndex((r) => r.id === focus[side]);
      const next = rows[Math.min(rows.length - 1, Math.max(0, i + delta))];
      if (next) setFocus((f) => ({ ...f, [side]: next.id }));
    };
    const moveSuggestion = (delta: 1 | -1) => {
      const list = suggestions ?? [];
      const i = list.findIndex((s) => s.matchId === suggSelected);
      const next = list[Math.min(list.length - 1, Math.max(0, i + delta))];
      if (next) setSuggSelected(next.matchId);
    };
    let handled = true;
    if (key === "Tab" && !isControl(event.target)) setActiveSide((s) => (s === "bank" ? "ledger" : "bank"));
    else if (key === " " && !isControl(event.target)) toggle(activeSide, focusedView(activeSide));
    else if (key === "ArrowDown") move(activeSide, 1);
    else if (key === "ArrowUp") move(activeSide, -1);
    else if (event.repeat && key !== "j" && key !== "k") handled = false;
    else if (key === "j") moveSuggestion(1);
    else if (key === "k") moveSuggestion(-1);
    else if (key === "y" && suggSelected !== null) accept(suggSelected);
    else if (key === "n" && suggSelected !== null) setRejecting({ matchId: suggSelected, note: "" });
    else if (key === "m") matchSelection();
    else if (key === "u") unmatchFocused();
    else if (key === "Escape") setSelection({ bank: new Map(), ledger: new Map() });
    else handled = false;
    if (handled) event.preventDefault();
  };
  const onKeyRef = useRef(onKey);
  useLayoutEffect(() => {
    onKeyRef.current = onKey;
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKeyRef.current(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  const selBank = [...selection.bank.values()].map((s) => s.view.amount);
  const selLedger = [...selection.ledger.values()].map((s) => s.view.amount);
  const selDiff = selectionDifference(selBank, selLedger);
  const bankSum = sumMoney(selBank);
  const ledgerSum = sumMoney(selLedger);
  const selectedSets = useMemo(
    () => ({ bank: new Set(selection.bank.keys()), ledger: new Set(selection.ledger.keys()) }),
    [selection],
  );
  const focusBank = useCallback((id: string) => {
    setActiveSide("bank");
    setFocus((f) => ({ ...f, bank: id }));
  }, []);
  const focusLedger = useCallback((id: string) => {
    setActiveSide("ledger");
    setFocus((f) => ({ ...f, ledger: id }));
  }, []);
  const toggleBank = useCallback((id: string) => toggle("bank", bankRows.find((r) => r.id === id)), [toggle, bankRows]);
  const toggleLedger = useCallback((id: string) => toggle("ledger", ledgerRows.find((r) => r.id === id)), [toggle, ledgerRows]);

  const focusedMatch = activeFocused?.match ?? null;

  return (
    <div className="recon-screen" data-testid="recon-screen">
      <header className="screen-header recon-header-bar">
        <h1>Reconciliation</h1>
        <select
          aria-label="Account"
          data-testid="recon-account"
          className="account-select"
          value={account ?? ""}
          onChange={(e) => {
            setAccount(e.target.value);
            setSelection({ bank: new Map(), ledger: new Map() });
          }}
        >
          {overview?.accounts.map((a) => (
            <option key={a.iban} value={a.iban}>
              {a.name} · {a.iban} · {a.entityCode ?? "—"} · {a.currency} · {a.bankOpen + a.ledgerOpen} open, {a.suggestions} suggested
              {a.flaggedStatements > 0 ? ` · ⚠ ${a.flaggedStatements} flagged` : ""}
            </option>
          ))}
        </select>
        <select aria-label="Period" data-testid="recon-period" value={period ?? ""} onChange={(e) => {
            setPeriod(e.target.value);
            setSelection({ bank: new Map(), ledger: new Map() });
          }}>
          {periods.map((p) => (
            <option key={p} value={p}>
              {periodLabel(p)}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <button type="button" className="button" data-testid="import-bank" onClick={() => setImportMode("bank")}>
          Import bank files…
        </button>
        <button type="button" className="button" data-testid="import-ledger" onClick={() => setImportMode("ledger")}>
          Import ledger CSV…
        </button>
        <button type="button" className="button primary" data-testid="run-matching" disabled={running} onClick={() => void run(null)}>
          {running ? "Matching…" : "Run matching"}
        </button>
      </header>

      {acct && (
        <div className="account-strip" data-testid="account-strip">
          <span>
            <strong>{acct.name}</strong> <span className="mono muted">{acct.iban}</span>
          </span>
          <span className="chip">{acct.entityCode ?? "no entity"}</span>
          <span className="chip">{acct.currency}</span>
          <span>
            bank <strong className="num">{acct.bankOpen}</strong>/<span className="num">{acct.bankLines}</span> open
          </span>
          <span>
            ledger <strong className="num">{acct.ledgerOpen}</strong>/<span className="num">{acct.ledgerEntries}</span> open
          </span>
          <span>
            <strong className="num">{acct.suggestions}</strong> suggested
          </span>
          {acct.lastClosing && (
            <span className="muted">
              last closing {formatMoney(acct.lastClosing)} on {acct.lastClosingDate}
            </span>
          )}
          {acct.flaggedStatements > 0 && (
            <span className="badge badge-danger" data-testid="flagged-warning" title="Opening + entries ≠ closing: kept as the bank sent it">
              ⚠ {plural(acct.flaggedStatements, "statement does", "statements do")} not add up
            </span>
          )}
          {overview?.lastRun && (
            <span className="muted run-info" title={runSummary(overview.lastRun)}>
              last run #{overview.lastRun.runId}: {overview.lastRun.breaksNew} new / {overview.lastRun.breaksPersisting} persisting /{" "}
              {overview.lastRun.breaksResolved} resolved breaks
            </span>
          )}
        </div>
      )}
      {overview && overview.accounts.length === 0 && (
        <p className="muted">No bank accounts yet: import bank files to start.</p>
      )}

      {importMode && <ImportPanel key={importMode} mode={importMode} onClose={() => setImportMode(null)} onImported={changed} />}

      <nav className="tabs" role="tablist" aria-label="Reconciliation views">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            data-testid={`tab-${t.id}`}
            className={`tab${tab === t.id ? " active" : ""}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>

      {tab === "matching" && account !== null && (
        <>
          <div className="recon-tables">
            <ReconSide
              side="bank"
              title="Bank lines"
              lines={bank}
              rows={bankRows}
              filters={{ state: bankState, search: bankSearch, onState: setBankState, onSearch: setBankSearch }}
              active={activeSide === "bank"}
              focusedId={focus.bank}
              selected={selectedSets.bank}
              reasons={reasons}
              onFocusRow={focusBank}
              onToggle={toggleBank}
              onHoverMatch={loadReason}
            />
            <ReconSide
              side="ledger"
              title="Ledger entries"
              lines={ledger}
              rows={ledgerRows}
              filters={{ state: ledgerState, search: ledgerSearch, onState: setLedgerState, onSearch: setLedgerSearch }}
              active={activeSide === "ledger"}
              focusedId={focus.ledger}
              selected={selectedSets.ledger}
              reasons={reasons}
              onFocusRow={focusLedger}
              onToggle={toggleLedger}
              onHoverMatch={loadReason}
            />
          </div>

          <div className="match-bar" data-testid="match-bar">
            {selection.bank.size + selection.ledger.size > 0 ? (
              <span data-testid="selection-summary">
                <strong>{plural(selection.bank.size, "bank line", "bank lines")}</strong>
                {bankSum && ` ${formatMoney(bankSum)}`} ⇄ <strong>{plural(selection.ledger.size, "ledger entry", "ledger entries")}</strong>
                {ledgerSum && ` ${formatMoney(ledgerSum)}`}
                {selDiff && (
                  <span className={/[1-9]/.test(selDiff.amount) ? "warning" : "ok-text"} data-testid="selection-difference">
                    {" "}
                    · difference {formatMoney(selDiff)}
                  </span>
                )}
              </span>
            ) : focusedMatch ? (
              <span className="truncate" data-testid="focused-match">
                Match #{focusedMatch.matchId} · {focusedMatch.kind} · {focusedMatch.rule} ·{" "}
                {reasons.get(focusedMatch.matchId) ?? "…"}
              </span>
            ) : (
              <span className="muted">Nothing selected</span>
            )}
            <span className="spacer" />
            <span className="keyboard-help">
              <kbd>↑</kbd>/<kbd>↓</kbd> row · <kbd>Tab</kbd> table · <kbd>space</kbd> select · <kbd>m</kbd> match · <kbd>u</kbd> unmatch ·{" "}
              <kbd>Esc</kbd> clear
            </span>
          </div>

          <SuggestionsPanel
            suggestions={suggestions}
            total={suggTotal}
            hasMore={suggCursor !== null}
            selectedId={suggSelected}
            busy={busy}
            rejecting={rejecting}
            onSelect={setSuggSelected}
            onAccept={accept}
            onStartReject={(id) => {
              setSuggSelected(id);
              setRejecting({ matchId: id, note: "" });
            }}
            onRejectNote={(note) => setRejecting((r) => (r ? { ...r, note } : r))}
            onConfirmReject={confirmReject}
            onCancelReject={() => setRejecting(null)}
            onLoadMore={loadMoreSuggestions}
          />
        </>
      )}

      {tab === "sheet" && account !== null && period !== null && (
        <RecSheetPanel account={account} period={period} version={version} user={user} users={users} onChanged={changed} />
      )}
      {tab === "intercompany" && period !== null && <IntercompanyPanel period={period} version={version} />}
      {tab === "rules" && <RulesPanel onApply={(rules) => run(rules)} />}
    </div>
  );
}
