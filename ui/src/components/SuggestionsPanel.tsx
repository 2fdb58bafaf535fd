import { useEffect, useRef } from "react";
import type { BankItem, LedgerItem, MatchView } from "../bindings";
import { formatMoney } from "../money";
import { formatConfidence } from "../recon";

interface Props {
  suggestions: MatchView[] | null;
  total: number;
  hasMore: boolean;
  selectedId: number | null;
  busy: ReadonlySet<number>;
  rejecting: { matchId: number; note: string } | null;
  onSelect: (matchId: number) => void;
  onAccept: (matchId: number) => void;
  onStartReject: (matchId: number) => void;
  onRejectNote: (note: string) => void;
  onConfirmReject: () => void;
  onCancelReject: () => void;
  onLoadMore: () => void;
}

function BankSide({ items }: { items: BankItem[] }) {
  return (
    <ul className="sugg-items">
      {items.map((b) => (
        <li key={b.id} title={`${b.remittance}\n${b.endToEndId}`}>
          <span className="num muted">{b.bookingDate}</span>
          <span className="num sugg-amount">{formatMoney(b.amount)}</span>
          <span className="truncate">
            {b.counterpartyName || b.counterpartyIban || "—"} <span className="mono muted">{b.reference || b.remittance}</span>
          </span>
        </li>
      ))}
      {items.length === 0 && <li className="muted">no bank line</li>}
    </ul>
  );
}

function LedgerSide({ items }: { items: LedgerItem[] }) {
  return (
    <ul className="sugg-items">
      {items.map((l) => (
        <li key={l.id} title={l.description}>
          <span className="num muted">{l.bookingDate}</span>
          <span className="num sugg-amount">{formatMoney(l.amount)}</span>
          <span className="truncate">
            {l.counterparty || "—"} <span className="mono muted">{l.reference || l.id}</span>
          </span>
        </li>
      ))}
      {items.length === 0 && <li className="muted">no ledger entry</li>}
    </ul>
  );
}

/** Suggestions of the engine below the automatic threshold: a person accepts (y) or rejects (n). */
export function SuggestionsPanel(props: Props) {
  const { suggestions, total, hasMore, selectedId, busy, rejecting } = props;
  const listRef = useRef<HTMLUListElement>(null);
  const noteRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (selectedId === null) return;
    const el = listRef.current?.querySelector(`[data-match-id="${selectedId}"]`);
    if (el && "scrollIntoView" in el && typeof el.scrollIntoView === "function") el.scrollIntoView({ block: "nearest" });
  }, [selectedId]);

  useEffect(() => {
    if (rejecting) noteRef.current?.focus();
  }, [rejecting]);

  return (
    <section className="panel recon-suggestions" aria-label="Suggestions" data-testid="suggestions-panel">
      <header className="panel-title">
        <h2>Suggestions</h2>
        <span className="muted">
          {suggestions === null ? "loading…" : `${total} to decide`} · <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>y</kbd> accept ·{" "}
          <kbd>n</kbd> reject
        </span>
      </header>
      <ul className="sugg-list" ref={listRef}>
        {suggestions?.length === 0 && <li className="muted sugg-empty">No open suggestions for this account.</li>}
        {suggestions?.map((s) => {
          const selected = s.matchId === selectedId;
          const isRejecting = rejecting?.matchId === s.matchId;
          return (
            <li
              key={s.matchId}
              data-testid="suggestion"
              data-match-id={s.matchId}
              aria-selected={selected}
              className={`sugg${selected ? " selected" : ""}`}
              onMouseDown={() => props.onSelect(s.matchId)}
            >
              <div className="sugg-conf">
                <strong className="num">{formatConfidence(s.confidenceBp)}</strong>
                <span className="muted truncate" title={s.rule}>
                  {s.rule}
                </span>
              </div>
              <BankSide items={s.bank} />
              <span className="sugg-arrow" aria-hidden="true">
                ⇄
              </span>
              <LedgerSide items={s.ledger} />
              <div className="sugg-reason" title={s.reason}>
                {s.reason}
              </div>
              <div className="sugg-actions">
                {isRejecting ? (
                  <input
                    ref={noteRef}
                    className="input small"
                    placeholder="Note (optional) · Enter"
                    aria-label="Why reject"
                    data-testid="reject-note"
                    value={rejecting.note}
                    onChange={(e) => props.onRejectNote(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") {
                        e.preventDefault();
                        props.onConfirmReject();
                      } else if (e.key === "Escape") {
                        e.preventDefault();
                        props.onCancelReject();
                      }
                    }}
                  />
                ) : (
                  <>
                    <button
                      type="button"
                      className="button small primary"
                      disabled={busy.has(s.matchId)}
                      data-testid="accept-suggestion"
                      onClick={() => props.onAccept(s.matchId)}
                    >
                      Accept
                    </button>
                    <button
                      type="button"
                      className="button small"
                      disabled={busy.has(s.matchId)}
                      data-testid="reject-suggestion"
                      onClick={() => props.onStartReject(s.matchId)}
                    >
                      Reject
                    </button>
                  </>
                )}
              </div>
            </li>
          );
        })}
        {hasMore && (
          <li className="sugg-more">
            <button type="button" className="link-button" onClick={props.onLoadMore}>
              Load more suggestions
            </button>
          </li>
        )}
      </ul>
    </section>
  );
}
