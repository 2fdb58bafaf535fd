/**
 * The reconciliation part of the fake backend: two bank accounts with bank lines and
 * ledger entries, automatic matches, suggestions, manual matching, the account
 * reconciliation sheet with certification and lock, and intercompany pairs.
 * Amounts are integer minor units turned into decimal strings.
 */
import type {
  BankImportResult,
  BankItem,
  Certification,
  CommandError,
  IntercompanyView,
  LedgerImportResult,
  LedgerItem,
  LinePage,
  LineRow,
  LineState,
  MatchKind,
  MatchStatus,
  MatchView,
  Money,
  OpenItem,
  RecSheet,
  ReconAccount,
  ReconLinesRequest,
  ReconOverview,
  ReconRun,
  SimulationView,
  SuggestionPage,
} from "../bindings";
import { sumDecimals } from "../money";

function fail(code: CommandError["code"], message: string): never {
  const error: CommandError = { code, message };
  // Tauri rejects a failed command with the serialized error object, not an Error.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw error;
}

function dec(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = String(Math.abs(minor)).padStart(3, "0");
  return `${sign}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

interface Acct {
  iban: string;
  name: string;
  entityCode: string;
  currency: string;
  openingMinor: number;
  flagged: number;
}

interface MockMatch {
  matchId: number;
  kind: MatchKind;
  status: MatchStatus;
  rule: string;
  confidenceBp: number;
  reason: string;
  bankIds: number[];
  ledgerIds: string[];
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
  note: string | null;
}

export const RECON_ACCOUNT = "DE89370400440532013000";
export const RECON_USD_ACCOUNT = "US33000123456789012345";

const COUNTERPARTIES = [
  "Northwind Traders", "Contoso Facilities", "Globex Logistics", "Initech Software",
  "Umbrella Office Supply", "Stark Industrial", "Wayne Freight", "Hooli Cloud",
  "Vandelay Imports", "Tyrell Components",
];

const RULES_JSON = JSON.stringify({
  autoThresholdBp: 9000,
  dateToleranceDays: 5,
  passes: [
    { name: "end-to-end id", key: "endToEndId", confidenceBp: 9900 },
    { name: "reference + amount", key: "reference", amountTolerance: "0.00", confidenceBp: 9600 },
    { name: "amount + date", dateToleranceDays: 3, confidenceBp: 7500 },
    { name: "counterparty + amount", amountTolerance: "1.00", confidenceBp: 6200 },
  ],
});

export interface MockRecon {
  handle(cmd: string, a: Record<string, unknown>, userId: string): { value: unknown } | null;
  matches: MockMatch[];
  certifications: Map<string, Certification>;
  period: string;
}

export function createMockRecon(now = new Date()): MockRecon {
  const period = now.toISOString().slice(0, 7);
  const day = (d: number) => `${period}-${String(d).padStart(2, "0")}`;
  const accounts: Acct[] = [
    { iban: RECON_ACCOUNT, name: "Acme GmbH operating", entityCode: "DE01", currency: "EUR", openingMinor: 4_825_000, flagged: 1 },
    { iban: RECON_USD_ACCOUNT, name: "Acme Inc. payroll", entityCode: "US01", currency: "USD", openingMinor: 12_000_000, flagged: 0 },
  ];
  const bank: BankItem[] = [];
  const ledger: LedgerItem[] = [];
  const matches: MockMatch[] = [];
  const certifications = new Map<string, Certification>();
  let bankSeq = 1000;
  let matchSeq = 500;
  let runSeq = 7;
  const stamp = (d: number) => `${day(d)}T09:30:00Z`;

  const addBank = (acct: Acct, d: number, minor: number, cp: number, ref: string, remittance: string): BankItem => {
    const item: BankItem = {
      id: ++bankSeq,
      accountIban: acct.iban,
      entryKey: `ACSV-${bankSeq}`,
      bookingDate: day(d),
      valueDate: day(d),
      amount: { amount: dec(minor), currency: acct.currency },
      reversal: false,
      endToEndId: minor < 0 ? `E2E-${bankSeq}` : "NOTPROVIDED",
      reference: ref,
      counterpartyName: COUNTERPARTIES[cp % COUNTERPARTIES.length] ?? "",
      counterpartyIban: `DE${String(10 + cp)}500105170000${String(cp).padStart(6, "0")}`,
      remittance,
      bankTxCode: minor < 0 ? "PMNT-ICDT-ESCT" : "PMNT-RCDT-ESCT",
      openSince: null,
    };
    bank.push(item);
    return item;
  };
  const addLedger = (acct: Acct, d: number, minor: number, cp: number, ref: string, desc: string): LedgerItem => {
    const item: LedgerItem = {
      id: `${acct.entityCode}-JE-${String(ledger.length + 7001)}`,
      accountIban: acct.iban,
      bookingDate: day(d),
      amount: { amount: dec(minor), currency: acct.currency },
      reference: ref,
      counterparty: COUNTERPARTIES[cp % COUNTERPARTIES.length] ?? "",
      description: desc,
      source: "demo",
      openSince: null,
    };
    ledger.push(item);
    return item;
  };
  const addMatch = (kind: MatchKind, rule: string, bp: number, reason: string, b: BankItem[], l: LedgerItem[]) => {
    matches.push({
      matchId: ++matchSeq, kind, status: "active", rule, confidenceBp: bp, reason,
      bankIds: b.map((x) => x.id), ledgerIds: l.map((x) => x.id),
      createdAt: stamp(Math.min(28, 3 + matches.length % 20)), createdBy: "engine",
      decidedAt: null, decidedBy: null, note: null,
    });
  };

  for (const acct of accounts) {
    const scale = acct.currency === "USD" ? 3 : 1;
    for (let i = 0; i < 36; i++) {
      const d = 1 + ((i * 7) % 27);
      const cp = (i * 3) % COUNTERPARTIES.length;
      const out = i % 3 !== 0;
      const minor = (out ? -1 : 1) * (((i * 7919) % 900_000) + 12_345) * scale;
      const inv = `INV-${acct.entityCode}-${24100 + i}`;
      const b = addBank(acct, d, minor, cp, out ? `PAY-${inv}` : `RF18${inv.replace(/-/g, "")}`, `${out ? "Payment" : "Receipt"} ${inv}`);
      if (i % 9 === 4) continue; // bank only: fee, unknown receipt
      const ledgerDay = Math.max(1, d - (i % 3));
      if (i % 7 === 5) {
        // booked with a different amount: a suggestion by counterparty + amount tolerance
        const l = addLedger(acct, ledgerDay, minor + (out ? -75 : 75), cp, inv, `${out ? "AP payment" : "AR receipt"} ${inv}`);
        addMatch("suggested", "counterparty + amount", 6200 + (i % 5) * 317, `same counterparty, amount differs by 0.75 ${acct.currency}, dates ${i % 3} days apart`, [b], [l]);
        continue;
      }
      const l = addLedger(acct, ledgerDay, minor, cp, inv, `${out ? "AP payment" : "AR receipt"} ${inv}`);
      if (i % 6 === 2) {
        addMatch("suggested", "amount + date", 7500 + (i % 4) * 450, `same amount, dates ${i % 3} days apart, reference not found in remittance`, [b], [l]);
      } else if (i % 5 !== 3) {
        addMatch("auto", i % 2 ? "reference + amount" : "end-to-end id", i % 2 ? 9600 : 9900, `invoice ${inv} in remittance, amounts equal`, [b], [l]);
      }
    }
    // ledger only: a cheque not yet presented
    addLedger(acct, 26, -245_000 * scale, 5, `CHQ-${acct.entityCode}-0042`, "Cheque to Stark Industrial, not presented");
  }

  const activeMatchOf = (side: "bank" | "ledger", id: number | string) =>
    matches.find((m) => m.status === "active" && (side === "bank" ? m.bankIds.includes(id as number) : m.ledgerIds.includes(id as string)));
  const isLocked = (iban: string, date: string) => certifications.get(`${iban}|${date.slice(0, 7)}`)?.locked === true;

  const rowOf = <T extends BankItem | LedgerItem>(side: "bank" | "ledger", item: T): LineRow<T> => {
    const m = activeMatchOf(side, item.id);
    const state: LineState = !m ? "unmatched" : m.kind === "suggested" ? "suggested" : "matched";
    return {
      item: { ...item, openSince: state === "matched" ? null : `${item.bookingDate}T00:00:00Z` },
      state,
      match: m ? { matchId: m.matchId, kind: m.kind, rule: m.rule, confidenceBp: m.confidenceBp } : null,
    };
  };

  const page = <T extends BankItem | LedgerItem>(side: "bank" | "ledger", items: T[], req: ReconLinesRequest): LinePage<T> => {
    if (req.limit <= 0 || req.limit > 500) fail("invalidInput", "limit must be between 1 and 500");
    const f = req.filter;
    const q = f.search?.toLowerCase() ?? null;
    const list = items
      .filter((i) => (f.account === null || i.accountIban === f.account) && (f.period === null || i.bookingDate.startsWith(f.period)))
      .map((i) => rowOf(side, i))
      .filter((r) => {
        if (f.state === "open" && r.state === "matched") return false;
        if (f.state !== null && f.state !== "open" && r.state !== f.state) return false;
        if (q === null) return true;
        const text = JSON.stringify(r.item).toLowerCase();
        return text.includes(q);
      })
      .sort((a, b) => a.item.bookingDate.localeCompare(b.item.bookingDate) || String(a.item.id).localeCompare(String(b.item.id)));
    const start = req.after === null ? 0 : list.findIndex((r) => String(r.item.id) === req.after) + 1;
    const rows = list.slice(start, start + req.limit);
    const last = rows[rows.length - 1];
    return { rows, nextCursor: start + req.limit < list.length && last ? String(last.item.id) : null, total: list.length };
  };

  const view = (m: MockMatch): MatchView => ({
    matchId: m.matchId, kind: m.kind, status: m.status, rule: m.rule, confidenceBp: m.confidenceBp, reason: m.reason,
    createdAt: m.createdAt, createdBy: m.createdBy, decidedAt: m.decidedAt, decidedBy: m.decidedBy, note: m.note,
    bank: bank.filter((b) => m.bankIds.includes(b.id)),
    ledger: ledger.filter((l) => m.ledgerIds.includes(l.id)),
  });

  const findMatch = (id: unknown) => matches.find((m) => m.matchId === id) ?? fail("notFound", `No match #${String(id)}`);
  const guardLocked = (m: { bankIds: number[]; ledgerIds: string[] }) => {
    const dates = [
      ...bank.filter((b) => m.bankIds.includes(b.id)).map((b) => [b.accountIban, b.bookingDate] as const),
      ...ledger.filter((l) => m.ledgerIds.includes(l.id)).map((l) => [l.accountIban, l.bookingDate] as const),
    ];
    const locked = dates.find(([iban, date]) => isLocked(iban, date));
    if (locked) fail("conflict", `The period ${locked[1].slice(0, 7)} of ${locked[0]} is locked: it was reviewed, changes are refused.`);
  };

  const account = (a: Acct): ReconAccount => {
    const rowsB = bank.filter((b) => b.accountIban === a.iban).map((b) => rowOf("bank", b));
    const rowsL = ledger.filter((l) => l.accountIban === a.iban).map((l) => rowOf("ledger", l));
    const sugg = new Set(matches.filter((m) => m.status === "active" && m.kind === "suggested" && rowsB.some((r) => m.bankIds.includes(r.item.id))).map((m) => m.matchId));
    const closing = sumDecimals([dec(a.openingMinor), ...rowsB.map((r) => r.item.amount.amount)]);
    return {
      iban: a.iban, entityCode: a.entityCode, currency: a.currency, name: a.name,
      bankLines: rowsB.length, bankOpen: rowsB.filter((r) => r.state !== "matched").length,
      ledgerEntries: rowsL.length, ledgerOpen: rowsL.filter((r) => r.state !== "matched").length,
      suggestions: sugg.size, statements: 4, flaggedStatements: a.flagged,
      lastClosing: closing === null ? null : { amount: closing, currency: a.currency }, lastClosingDate: day(28),
    };
  };

  const lastRun = (): ReconRun => {
    const active = matches.filter((m) => m.status === "active");
    return {
      runId: runSeq, startedAt: new Date(now.getTime() - 60_000).toISOString(), finishedAt: now.toISOString(), actorId: "engine",
      bankLines: bank.length, ledgerEntries: ledger.length,
      automatic: active.filter((m) => m.kind === "auto").length,
      suggested: active.filter((m) => m.kind === "suggested").length,
      manual: active.filter((m) => m.kind === "manual").length,
      added: 3, removed: 1, changed: 1, unchanged: active.length - 4,
      openBank: bank.filter((b) => rowOf("bank", b).state !== "matched").length,
      openLedger: ledger.filter((l) => rowOf("ledger", l).state !== "matched").length,
      breaksNew: 4, breaksPersisting: 9, breaksResolved: 2,
      passes: [
        { name: "end-to-end id", automatic: 14, suggested: 0 },
        { name: "reference + amount", automatic: 16, suggested: 0 },
        { name: "amount + date", automatic: 0, suggested: 6 },
      ],
    };
  };

  const sheet = (iban: string, p: string): RecSheet => {
    const a = accounts.find((x) => x.iban === iban) ?? fail("notFound", `No bank account ${iban}`);
    const cur = a.currency;
    const m = (amount: string): Money => ({ amount, currency: cur });
    const rowsB = bank.filter((b) => b.accountIban === iban && b.bookingDate.startsWith(p)).map((b) => rowOf("bank", b));
    const rowsL = ledger.filter((l) => l.accountIban === iban && l.bookingDate.startsWith(p)).map((l) => rowOf("ledger", l));
    const opening = dec(a.openingMinor);
    const closing = sumDecimals([opening, ...rowsB.map((r) => r.item.amount.amount)]) ?? "0";
    const ledgerBalance = sumDecimals([opening, ...rowsL.map((r) => r.item.amount.amount)]) ?? "0";
    const difference = sumDecimals([closing], [ledgerBalance]) ?? "0";
    const items: OpenItem[] = [];
    for (const r of rowsB.filter((x) => x.state !== "matched")) {
      items.push({
        kind: "bankNotInLedger", bankEntryId: r.item.id, ledgerEntryId: null, matchId: null, reference: r.item.reference,
        date: r.item.bookingDate, description: `${r.item.counterpartyName} · ${r.item.remittance}`, amount: r.item.amount,
        effect: r.item.amount, openSince: r.item.openSince, suggestionId: r.match?.matchId ?? null,
      });
    }
    for (const r of rowsL.filter((x) => x.state !== "matched")) {
      items.push({
        kind: "ledgerNotInBank", bankEntryId: null, ledgerEntryId: r.item.id, matchId: null, reference: r.item.reference,
        date: r.item.bookingDate, description: r.item.description, amount: r.item.amount,
        effect: m(sumDecimals([], [r.item.amount.amount]) ?? "0"), openSince: r.item.openSince, suggestionId: r.match?.matchId ?? null,
      });
    }
    for (const mm of matches.filter((x) => x.status === "active" && x.kind !== "suggested")) {
      const v = view(mm);
      if (!v.bank.some((b) => b.accountIban === iban && b.bookingDate.startsWith(p))) continue;
      const diff = sumDecimals(v.bank.map((b) => b.amount.amount), v.ledger.map((l) => l.amount.amount)) ?? "0";
      if (!/[1-9]/.test(diff)) continue;
      items.push({
        kind: "matchDifference", bankEntryId: null, ledgerEntryId: null, matchId: mm.matchId, reference: `match #${mm.matchId}`,
        date: v.bank[0]?.bookingDate ?? null, description: mm.reason, amount: m(diff), effect: m(diff), openSince: null, suggestionId: null,
      });
    }
    const cert = certifications.get(`${iban}|${p}`) ?? null;
    const total = sumDecimals(items.map((i) => i.effect.amount)) ?? "0";
    return {
      accountIban: iban, accountName: a.name, entityCode: a.entityCode, currency: cur, period: p, asOf: now.toISOString(),
      statementClosing: m(closing), statementClosingDate: day(28), statementRef: `STMT-${p}-${a.entityCode}`,
      flaggedStatements: a.flagged, ledgerOpening: m(opening), ledgerOpeningDate: day(1), openingSource: "bankStatement",
      ledgerBalance: m(ledgerBalance), difference: m(difference), openItems: items, openItemCount: items.length,
      openItemsTotal: m(total), certification: cert, locked: cert?.locked ?? false,
    };
  };

  const intercompany = (p: string): IntercompanyView => {
    const e = (amount: string, currency = "EUR"): Money => ({ amount, currency });
    return {
      period: p,
      groupCurrency: "EUR",
      missingRates: [],
      pairs: [
        {
          entityA: "DE01", entityB: "US01",
          totals: [{ currency: "USD", a: e("185400.00", "USD"), b: e("-183900.00", "USD"), difference: e("1500.00", "USD") }],
          groupA: e("171666.67"), groupB: e("-170277.78"), groupDifference: e("1388.89"),
          documents: 6, documentsAgreeing: 4,
          mismatches: [
            {
              reference: "IC-2024-0317", issue: "amountDiffers",
              a: { entries: ["DE01-JE-9120"], amount: e("42000.00", "USD"), groupAmount: e("38888.89") },
              b: { entries: ["US01-JE-3311"], amount: e("-40500.00", "USD"), groupAmount: e("-37500.00") },
              difference: e("1500.00", "USD"), groupDifference: e("1388.89"),
            },
            {
              reference: "IC-2024-0322", issue: "missingAtB",
              a: { entries: ["DE01-JE-9133"], amount: e("0.00", "USD"), groupAmount: e("0.00") },
              b: { entries: [], amount: null, groupAmount: null },
              difference: null, groupDifference: null,
            },
          ],
        },
        {
          entityA: "DE01", entityB: "JP01",
          totals: [{ currency: "JPY", a: e("-2450000", "JPY"), b: e("2450000", "JPY"), difference: e("0", "JPY") }],
          groupA: e("-15123.46"), groupB: e("15123.46"), groupDifference: e("0.00"),
          documents: 3, documentsAgreeing: 3, mismatches: [],
        },
      ],
    };
  };

  const handle: MockRecon["handle"] = (cmd, a, userId) => {
    const done = (value: unknown) => ({ value });
    switch (cmd) {
      case "recon_overview": {
        const o: ReconOverview = {
          accounts: accounts.map(account), lastRun: lastRun(), currentPeriod: period, periods: [period],
          certifications: [...certifications.values()],
        };
        return done(o);
      }
      case "recon_bank_lines":
        return done(page("bank", bank, a.req as ReconLinesRequest));
      case "recon_ledger_entries":
        return done(page("ledger", ledger, a.req as ReconLinesRequest));
      case "recon_suggestions": {
        const acct = a.account as string | null;
        const list = matches
          .filter((m) => m.status === "active" && m.kind === "suggested")
          .map(view)
          .filter((v) => acct === null || v.bank.some((b) => b.accountIban === acct) || v.ledger.some((l) => l.accountIban === acct))
          .sort((x, y) => y.confidenceBp - x.confidenceBp || x.matchId - y.matchId);
        const start = a.after === null ? 0 : list.findIndex((v) => String(v.matchId) === a.after) + 1;
        const limit = a.limit as number;
        const rows = list.slice(start, start + limit);
        const last = rows[rows.length - 1];
        const p: SuggestionPage = { rows, nextCursor: start + limit < list.length && last ? String(last.matchId) : null, total: list.length };
        return done(p);
      }
      case "recon_match":
        return done(view(findMatch(a.matchId)));
      case "recon_match_manual": {
        const bankIds = a.bankEntryIds as number[];
        const ledgerIds = a.ledgerEntryIds as string[];
        if (bankIds.length + ledgerIds.length < 2) fail("invalidInput", "a match needs at least two items");
        guardLocked({ bankIds, ledgerIds });
        const taken = [...bankIds.map((id) => activeMatchOf("bank", id)), ...ledgerIds.map((id) => activeMatchOf("ledger", id))].find(
          (m) => m && m.kind !== "suggested",
        );
        if (taken) fail("conflict", `An item is already in match #${taken.matchId}; unmatch it first.`);
        for (const m of matches) {
          if (m.status === "active" && m.kind === "suggested" && (m.bankIds.some((id) => bankIds.includes(id)) || m.ledgerIds.some((id) => ledgerIds.includes(id)))) {
            m.status = "rejected";
          }
        }
        const m: MockMatch = {
          matchId: ++matchSeq, kind: "manual", status: "active", rule: "manual", confidenceBp: 10000, reason: "matched by hand",
          bankIds, ledgerIds, createdAt: new Date().toISOString(), createdBy: userId, decidedAt: new Date().toISOString(), decidedBy: userId, note: (a.note as string | null) ?? null,
        };
        matches.push(m);
        return done(view(m));
      }
      case "recon_unmatch": {
        const m = findMatch(a.matchId);
        guardLocked(m);
        m.status = "unmatched";
        m.decidedBy = userId;
        m.note = (a.note as string | null) ?? null;
        return done(null);
      }
      case "recon_accept": {
        const m = findMatch(a.matchId);
        if (m.kind !== "suggested" || m.status !== "active") fail("conflict", `Match #${m.matchId} is not an open suggestion.`);
        guardLocked(m);
        m.kind = "manual";
        m.decidedAt = new Date().toISOString();
        m.decidedBy = userId;
        return done(view(m));
      }
      case "recon_reject": {
        const m = findMatch(a.matchId);
        if (m.kind !== "suggested" || m.status !== "active") fail("conflict", `Match #${m.matchId} is not an open suggestion.`);
        guardLocked(m);
        m.status = "rejected";
        m.decidedBy = userId;
        m.note = (a.note as string | null) ?? null;
        return done(null);
      }
      case "recon_rules":
        return done(RULES_JSON);
      case "recon_run": {
        if (typeof a.rules === "string") {
          try {
            JSON.parse(a.rules);
          } catch {
            fail("invalidInput", "rules: not valid JSON");
          }
        }
        runSeq++;
        return done({ ...lastRun(), actorId: userId, added: 0, removed: 0, changed: 0, breaksNew: 0, breaksResolved: 0 });
      }
      case "recon_simulate": {
        try {
          JSON.parse(a.rules as string);
        } catch {
          fail("invalidInput", "rules: not valid JSON");
        }
        const sugg = matches.filter((m) => m.status === "active" && m.kind === "suggested");
        const sim = (m: MockMatch, kind: MatchKind, bp: number) => ({
          matchId: m.matchId, kind, rule: m.rule, confidenceBp: bp, reason: m.reason, bankEntryIds: m.bankIds,
          bankKeys: m.bankIds.map((id) => `ACSV-${id}`), ledgerEntryIds: m.ledgerIds,
        });
        const v: SimulationView = {
          added: [], removed: [],
          changed: sugg.slice(0, 3).map((m) => ({ before: sim(m, "suggested", m.confidenceBp), after: sim(m, "auto", m.confidenceBp + 1500) })),
          addedCount: 0, removedCount: 0, changedCount: Math.min(3, sugg.length),
          unchanged: matches.filter((m) => m.status === "active").length - Math.min(3, sugg.length),
          automatic: matches.filter((m) => m.status === "active" && m.kind === "auto").length + Math.min(3, sugg.length),
          suggested: Math.max(0, sugg.length - 3),
        };
        return done(v);
      }
      case "import_bank_files": {
        const results: BankImportResult[] = (a.paths as string[]).map((file) =>
          /\.(xml|sta|mt940|bai|bai2|txt)$/i.test(file)
            ? {
                file, error: null, format: file.endsWith(".xml") ? "camt.053" : "MT940", statusReports: 0, newEntries: 12, duplicates: 3, flagged: 0,
                statements: [{ statementRef: `STMT-${file.length}`, account: RECON_ACCOUNT, currency: "EUR", version: "001.02", entries: 15, newEntries: 12, duplicates: 3, refusedLocked: 0, undated: 0, alreadyImported: false, balanceCheck: "addsUp", balanceNote: null, refused: null }],
              }
            : { file, error: "not a bank file: no camt, MT940/942 or BAI2 content found", format: null, statements: [], statusReports: 0, newEntries: 0, duplicates: 0, flagged: 0 },
        );
        return done(results);
      }
      case "import_ledger_csv": {
        const file = a.path as string;
        if (!file.toLowerCase().endsWith(".csv")) fail("invalidInput", `${file}: line 1, field "booking_date": missing header`);
        const r: LedgerImportResult = { file, entries: 40, newEntries: 38, duplicates: 2, conflicts: [], conflictCount: 0, refusedLocked: 0, refused: [], refusedCount: 0 };
        return done(r);
      }
      case "account_rec_sheet":
        return done(sheet(a.account as string, a.period as string));
      case "certify": {
        const iban = a.account as string;
        const p = a.period as string;
        const key = `${iban}|${p}`;
        const current = sheet(iban, p);
        const existing = certifications.get(key);
        if (existing?.locked) fail("conflict", `${p} is locked: it was reviewed by ${existing.reviewedBy ?? "someone"}.`);
        if (a.step === "prepare") {
          certifications.set(key, {
            accountIban: iban, period: p, statementClosing: current.statementClosing!, ledgerBalance: current.ledgerBalance,
            difference: current.difference!, openItems: current.openItemsTotal, openItemCount: current.openItemCount,
            preparedBy: userId, preparedAt: new Date().toISOString(), reviewedBy: null, reviewedAt: null, locked: false,
          });
        } else {
          if (!existing) fail("conflict", "Prepare the sheet before review.");
          if (existing.preparedBy === userId) fail("segregationOfDuties", "You prepared this sheet: another person must review it.");
          certifications.set(key, { ...existing, reviewedBy: userId, reviewedAt: new Date().toISOString(), locked: true });
        }
        return done(sheet(iban, p));
      }
      case "intercompany":
        return done(intercompany(a.period as string));
      default:
        return null;
    }
  };

  return { handle, matches, certifications, period };
}
