import { useCallback, useEffect, useState } from "react";
import { unwrap } from "../api";
import { commands, type CertifyStep, type RecSheet, type User } from "../bindings";
import { useNotify, useReportError } from "../errors";
import { formatMoney, isNegative } from "../money";
import { openItemLabel, periodLabel, selectionDifference } from "../recon";
import { LockIcon } from "./icons";

interface Props {
  account: string;
  period: string;
  version: number;
  user: User;
  users: readonly User[];
  onChanged: () => void;
}

function when(iso: string | null): string {
  if (!iso) return "";
  return iso.replace("T", " ").slice(0, 16);
}

/** Why a certification button is disabled, or null when it may be pressed. */
export function certifyBlock(sheet: RecSheet, step: CertifyStep, userId: string, name: (id: string) => string): string | null {
  const cert = sheet.certification;
  if (sheet.locked) {
    return cert?.reviewedBy
      ? `Locked: reviewed by ${name(cert.reviewedBy)} on ${when(cert.reviewedAt)}; changes are refused`
      : "Locked: the period is closed";
  }
  if (step === "prepare") return null;
  if (!cert) return "Prepare the sheet first";
  if (cert.preparedBy === userId) return "You prepared this sheet: another person must review it (segregation of duties)";
  return null;
}

/** The account reconciliation sheet: statement closing − ledger balance = Σ open items. */
export function RecSheetPanel({ account, period, version, user, users, onChanged }: Props) {
  const report = useReportError();
  const notify = useNotify();
  const [sheet, setSheet] = useState<RecSheet | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    unwrap(commands.accountRecSheet(account, period)).then((s) => {
      if (!cancelled) setSheet(s);
    }, report);
    return () => {
      cancelled = true;
    };
  }, [account, period, version, report]);

  const name = useCallback((id: string) => users.find((u) => u.id === id)?.name ?? id, [users]);

  const certify = (step: CertifyStep) => {
    setBusy(true);
    unwrap(commands.certify(account, period, step))
      .then((next) => {
        setSheet(next);
        notify({
          tone: "ok",
          title: step === "prepare" ? "Sheet prepared" : "Sheet reviewed: the period is locked",
          message: `${next.accountName} · ${periodLabel(period)}`,
        });
      }, report)
      .finally(() => {
        setBusy(false);
        onChanged();
      });
  };

  if (!sheet || sheet.accountIban !== account || sheet.period !== period) {
    return (
      <section className="panel rec-sheet" data-testid="rec-sheet">
        <p className="muted panel-loading">Loading the reconciliation sheet…</p>
      </section>
    );
  }

  const cert = sheet.certification;
  const prepareBlock = certifyBlock(sheet, "prepare", user.id, name);
  const reviewBlock = certifyBlock(sheet, "review", user.id, name);
  const changedSincePrepared =
    cert && sheet.difference && !sheet.locked
      ? selectionDifference([sheet.difference], [cert.difference])
      : null;
  const figuresChanged = changedSincePrepared !== null && /[1-9]/.test(changedSincePrepared.amount);

  return (
    <section className="panel rec-sheet" data-testid="rec-sheet" data-locked={sheet.locked ? "true" : undefined}>
      <header className="panel-title">
        <h2>Account reconciliation · {periodLabel(sheet.period)}</h2>
        <span className="muted truncate">
          {sheet.accountName} · {sheet.accountIban} · {sheet.entityCode ?? "no entity"} · as of {when(sheet.asOf)}
        </span>
        {sheet.locked && (
          <span className="badge badge-ok locked-badge" data-testid="rec-locked">
            <LockIcon /> Locked
          </span>
        )}
      </header>

      <div className="sheet-body">
        <div className="sheet-figures">
          <dl className="figures">
            <dt>Statement closing</dt>
            <dd className="num" data-testid="sheet-closing">
              {sheet.statementClosing ? formatMoney(sheet.statementClosing) : "no statement"}
              <small className="muted">
                {sheet.statementClosingDate ?? ""} {sheet.statementRef ? `· ${sheet.statementRef}` : ""}
              </small>
            </dd>
            <dt>Ledger balance</dt>
            <dd className="num">
              {formatMoney(sheet.ledgerBalance)}
              <small className="muted">
                opening {formatMoney(sheet.ledgerOpening)} ({sheet.openingSource === "bankStatement" ? "from statement" : sheet.openingSource})
              </small>
            </dd>
            <dt className="total">Difference</dt>
            <dd className="num total" data-testid="sheet-difference">
              {sheet.difference ? formatMoney(sheet.difference) : "—"}
            </dd>
            <dt>Explained by {sheet.openItemCount} open items</dt>
            <dd className="num">{formatMoney(sheet.openItemsTotal)}</dd>
          </dl>
          {sheet.flaggedStatements > 0 && (
            <p className="warning small-note">
              ⚠ {sheet.flaggedStatements} statement{sheet.flaggedStatements === 1 ? "" : "s"} whose balances do not add up
            </p>
          )}

          <div className="certs">
            <div className="cert">
              <span className="cert-step">Preparer</span>
              {cert ? (
                <span data-testid="prepared-by">
                  <strong>{name(cert.preparedBy)}</strong> <span className="muted">{when(cert.preparedAt)}</span>
                </span>
              ) : (
                <span className="muted">not prepared</span>
              )}
              <button
                type="button"
                className="button small"
                data-testid="certify-prepare"
                disabled={busy || prepareBlock !== null}
                title={prepareBlock ?? "Certify the sheet as it stands"}
                onClick={() => certify("prepare")}
              >
                {cert ? "Prepare again" : "Prepare"}
              </button>
            </div>
            <div className="cert">
              <span className="cert-step">Reviewer</span>
              {cert?.reviewedBy ? (
                <span data-testid="reviewed-by">
                  <strong>{name(cert.reviewedBy)}</strong> <span className="muted">{when(cert.reviewedAt)}</span>
                </span>
              ) : (
                <span className="muted">not reviewed</span>
              )}
              <button
                type="button"
                className="button small primary"
                data-testid="certify-review"
                disabled={busy || reviewBlock !== null}
                title={reviewBlock ?? "Review the prepared figures; this locks the period"}
                onClick={() => certify("review")}
              >
                Review &amp; lock
              </button>
            </div>
            {(reviewBlock ?? prepareBlock) && (
              <p className="muted small-note" data-testid="certify-blocked">
                {prepareBlock ?? reviewBlock}
              </p>
            )}
            {figuresChanged && (
              <p className="warning small-note">The figures changed since they were prepared: prepare again before review.</p>
            )}
          </div>
        </div>

        <div className="sheet-items">
          <table className="plain-table">
            <thead>
              <tr>
                <th>Open item</th>
                <th>Date</th>
                <th>Reference</th>
                <th className="right">Amount</th>
                <th className="right">Effect</th>
              </tr>
            </thead>
            <tbody>
              {sheet.openItems.map((item, i) => (
                <tr key={`${item.kind}:${item.bankEntryId ?? item.ledgerEntryId ?? item.matchId ?? i}`} data-testid="open-item">
                  <td>
                    {openItemLabel(item.kind)}
                    {item.suggestionId !== null && <span className="badge badge-info">suggested</span>}
                  </td>
                  <td className="num">{item.date ?? ""}</td>
                  <td className="truncate" title={item.description}>
                    <span className="mono">{item.reference}</span> <span className="muted">{item.description}</span>
                  </td>
                  <td className={`num right${isNegative(item.amount.amount) ? " negative" : ""}`}>{formatMoney(item.amount)}</td>
                  <td className={`num right${isNegative(item.effect.amount) ? " negative" : ""}`}>{formatMoney(item.effect)}</td>
                </tr>
              ))}
              {sheet.openItems.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    Nothing open: the statement and the ledger agree.
                  </td>
                </tr>
              )}
            </tbody>
            {sheet.openItemCount > sheet.openItems.length && (
              <tfoot>
                <tr>
                  <td colSpan={5} className="muted">
                    Showing the first {sheet.openItems.length} of {sheet.openItemCount}; the total covers all.
                  </td>
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      </div>
    </section>
  );
}
