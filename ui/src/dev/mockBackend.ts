/**
 * A fake backend for running the UI in a plain browser (npm run dev:mock) and
 * for the UI's own tests. It answers the same commands as src-tauri, through
 * Tauri's official IPC mock, so the real bindings.ts is exercised.
 * Amounts are generated as decimal strings from integer minor units.
 */
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { BUCKETS } from "../aging";
import { AP_CONNECTION, createMockHealth, NORDWIND_CONNECTION, type MockHealth } from "./mockHealth";
import { createMockRecon, type MockRecon } from "./mockRecon";
import type {
  AgingBucket,
  AgingSummary,
  ApprovalRow,
  BulkResult,
  CommandError,
  Decision,
  DemoFaults,
  EntityInfo,
  OutboxView,
  PendingAction,
  QueueFilter,
  QueuePage,
  QueuePageRequest,
  RunApproval,
  Session,
  SyncStatus,
  User,
} from "../bindings";

export interface MockOptions {
  rows?: number;
  /** Milliseconds between delivery steps of a decision; 0 disables delivery. */
  deliveryMs?: number;
  /** Milliseconds between background sync runs; 0 (the default) runs them only on "Sync now". */
  syncEveryMs?: number;
}

const USERS: User[] = [
  { id: "u-dana", name: "Dana Whitfield", email: "dana@acme.example", roles: ["approver"] },
  { id: "u-marco", name: "Marco Ruiz", email: "marco@acme.example", roles: ["approver", "controller"] },
];

const ENTITIES: EntityInfo[] = [
  { code: "DE01", name: "Acme GmbH", currency: "EUR", timeZone: "Europe/Berlin" },
  { code: "US01", name: "Acme Inc.", currency: "USD", timeZone: "America/New_York" },
  { code: "JP01", name: "Acme KK", currency: "JPY", timeZone: "Asia/Tokyo" },
];

const SUPPLIERS = [
  "Northwind Traders", "Contoso Facilities", "Globex Logistics", "Initech Software",
  "Umbrella Office Supply", "Stark Industrial", "Wayne Freight", "Hooli Cloud",
  "Vandelay Imports", "Soylent Catering", "Tyrell Components", "Wonka Packaging",
  "Dana Whitfield (expenses)",
];

const STEPS = ["Approver", "Budget owner", "Controller"];

interface MockRow extends ApprovalRow {
  /** Amount in minor units, for sorting only. */
  minor: number;
  submittedBy: string;
  /** Who made the decision in pendingAction. */
  decidedBy?: string;
}

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function bucketFor(days: number): AgingBucket {
  if (days <= 2) return "d0_2";
  if (days <= 5) return "d3_5";
  if (days <= 10) return "d6_10";
  if (days <= 20) return "d11_20";
  return "over20";
}

function isoDay(base: number, offsetDays: number): string {
  return new Date(base + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function decimalFromMinor(minor: number, digits: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0");
  return digits === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

function makeRows(count: number): MockRow[] {
  const rnd = random(42);
  const today = Date.now();
  const rows: MockRow[] = [];
  for (let i = 0; i < count; i++) {
    const entity = ENTITIES[i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0] ?? ENTITIES[0]!;
    const digits = entity.currency === "JPY" ? 0 : 2;
    const magnitude = entity.currency === "JPY" ? 100 : 1;
    let minor = Math.floor(rnd() * rnd() * 5_000_000 * magnitude) + 1000;
    if (i % 41 === 0) minor = -minor; // credit notes
    const age = Math.floor(rnd() * rnd() * 32);
    const stepCount = 1 + Math.floor(rnd() * 3);
    const step = 1 + Math.floor(rnd() * stepCount);
    const supplier = SUPPLIERS[Math.floor(rnd() * SUPPLIERS.length)] ?? "Supplier";
    const invoiceOffset = -age - 3 - Math.floor(rnd() * 10);
    rows.push({
      approvalId: `apr-${String(i + 1).padStart(5, "0")}`,
      invoiceId: `inv-${i + 1}`,
      invoiceNumber: `${entity.code}-${String(240000 + i * 7)}`,
      supplierName: supplier,
      entityCode: entity.code,
      entityName: entity.name,
      amount: { amount: decimalFromMinor(minor, digits), currency: entity.currency },
      invoiceDate: isoDay(today, invoiceOffset),
      dueDate: isoDay(today, invoiceOffset + 30 - Math.floor(rnd() * 20)),
      assignedOn: isoDay(today, -Math.round(age * 1.4)),
      ageBusinessDays: age,
      bucket: bucketFor(age),
      step,
      stepCount,
      stepName: STEPS[step - 1] ?? "Approver",
      status: "pending",
      blockedReason: null,
      pendingAction: null,
      minor,
      submittedBy: supplier.startsWith("Dana") ? "u-dana" : "u-other",
    });
  }
  return rows;
}

function fail(code: CommandError["code"], message: string): never {
  const error: CommandError = { code, message };
  // Tauri rejects a failed command with the serialized error object, not an Error.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  throw error;
}

function matches(row: MockRow, filter: QueueFilter): boolean {
  if (filter.entity !== null && row.entityCode !== filter.entity) return false;
  if (filter.bucket !== null && row.bucket !== filter.bucket) return false;
  if (filter.search) {
    const q = filter.search.toLowerCase();
    return row.supplierName.toLowerCase().includes(q) || row.invoiceNumber.toLowerCase().includes(q);
  }
  return true;
}

function compare(a: MockRow, b: MockRow, key: QueuePageRequest["sort"]["key"]): number {
  switch (key) {
    case "dueDate":
      return a.dueDate.localeCompare(b.dueDate);
    case "amount":
      return a.minor - b.minor;
    case "age":
      return a.ageBusinessDays - b.ageBusinessDays;
    case "supplier":
      return a.supplierName.localeCompare(b.supplierName);
    case "invoiceNumber":
      return a.invoiceNumber.localeCompare(b.invoiceNumber);
  }
}

/** The row as the signed-in user sees it (segregation of duties, as in domain::approval::own_work). */
function strip(row: MockRow, userId: string): ApprovalRow {
  const { minor: _minor, submittedBy, decidedBy: _decidedBy, ...rest } = row;
  return {
    ...rest,
    blockedReason:
      submittedBy === userId
        ? "segregation of duties: you created this invoice, so someone else must approve it"
        : limitRefusal(userId, row.minor, row.amount.currency, row.amount.amount),
  };
}

/** A draft payment run at the treasury, as runs_to_approve shows it before per-user refusals. */
export interface MockRun extends Omit<RunApproval, "refusals"> {
  /** The total in minor units, for the limit check only. */
  minor: number;
  /** Users who changed a payee's bank details in this run shortly before. */
  bankChangedBy: string[];
}

// Per-user approval limits and the bulk limit (as in approvals.json), in minor units per currency.
const LIMITS: Record<string, Record<string, number>> = { "u-dana": { EUR: 4_500_000 } };
const BULK_MAX: Record<string, number> = { EUR: 500_000, USD: 500_000, JPY: 500_000 };

function limitRefusal(userId: string, minor: number, currency: string, amount: string): string | null {
  const max = LIMITS[userId]?.[currency];
  if (max === undefined || minor <= max) return null;
  const limit = decimalFromMinor(max, currency === "JPY" ? 0 : 2);
  return `${amount} ${currency} is over your approval limit of ${limit} ${currency}; it needs someone with a higher limit`;
}

function seedRuns(): MockRun[] {
  const run = (id: string, entity: string, createdBy: string, minor: number, currency: string, instructions: number) => ({
    id, entity, valueDate: isoDay(Date.now(), 2), createdBy, instructions, minor, pending: null,
    total: { amount: decimalFromMinor(minor, currency === "JPY" ? 0 : 2), currency }, bankChangedBy: [] as string[],
  });
  return [
    run("PR-DE01-0042", "DE01", "u-tess", 4_125_000, "EUR", 12),
    run("PR-US01-0017", "US01", "u-dana", 912_040, "USD", 4),
    { ...run("PR-DE01-0043", "DE01", "u-tess", 18_240_000, "EUR", 31), bankChangedBy: ["u-marco"] },
  ];
}

function runRefusals(run: MockRun, userId: string): string[] {
  const why: string[] = [];
  if (run.createdBy === userId) why.push("segregation of duties: you prepared this run, so someone else must approve it");
  const overLimit = limitRefusal(userId, run.minor, run.total.currency, run.total.amount);
  if (overLimit) why.push(overLimit);
  if (run.bankChangedBy.includes(userId)) {
    why.push("segregation of duties: you changed SUP-GLOBEX's bank details on 2024-05-01, within 30 days of this payment");
  }
  return why;
}

export interface MockBackend {
  calls: { cmd: string; args: unknown }[];
  rows: MockRow[];
  runs: MockRun[];
  status: SyncStatus;
  health: MockHealth;
  recon: MockRecon;
}

/** Actions of the subsidiary's ERP, stuck behind its open circuit. */
function seedOutbox(now: number): OutboxView[] {
  return [
    {
      actionId: "act-nw-2",
      connectionId: NORDWIND_CONNECTION,
      kind: "approval_decision",
      target: "APR-NW-40211",
      actorId: "u-marco",
      status: "queued",
      attempts: 4,
      nextAttemptAt: new Date(now + 42_000).toISOString(),
      lastError: "connect timeout after 10 s (circuit open)",
      sourceStatus: null,
      sourceMessage: null,
      createdAt: new Date(now - 95_000).toISOString(),
    },
    {
      actionId: "act-nw-1",
      connectionId: NORDWIND_CONNECTION,
      kind: "approval_decision",
      target: "APR-NW-40188",
      actorId: "u-dana",
      status: "refused",
      attempts: 1,
      nextAttemptAt: new Date(now - 3_600_000).toISOString(),
      lastError: null,
      sourceStatus: 409,
      sourceMessage: "stale version: the approval changed in the source (version 3, you saw 2)",
      createdAt: new Date(now - 3_700_000).toISOString(),
    },
  ];
}

export function installMockBackend(options: MockOptions = {}): MockBackend {
  const deliveryMs = options.deliveryMs ?? 1500;
  const rows = makeRows(options.rows ?? 1250);
  let user: User = USERS[0]!;
  let actionSeq = 0;
  const status: SyncStatus = {
    connectionName: "Acme ERP (sandbox)",
    endpoint: "https://erp.acme.example/api/v2",
    lastSyncAt: new Date(Date.now() - 12_000).toISOString(),
    lastSyncOk: true,
    lastError: null,
    recordsLastRun: 1250,
    pendingActions: 0,
    failedActions: 0,
    malformedRecords: 2,
  };
  const calls: MockBackend["calls"] = [];
  const health = createMockHealth();
  const recon = createMockRecon();
  const otherOutbox = seedOutbox(Date.now());
  const runs = seedRuns();

  const changed = (reason: string) => {
    status.pendingActions = rows.filter(
      (r) => r.pendingAction && ["queued", "delivering"].includes(r.pendingAction.status),
    ).length;
    status.failedActions = rows.filter((r) => r.pendingAction?.status === "refused").length;
    void emit("mirror-changed", { reason });
  };

  const deliver = (row: MockRow, action: PendingAction) => {
    if (deliveryMs <= 0) return;
    window.setTimeout(() => {
      row.pendingAction = { ...action, status: "delivering", attempts: 1 };
      changed("action-delivering");
      window.setTimeout(() => {
        const refused = row.invoiceNumber.endsWith("3");
        row.pendingAction = refused
          ? { ...action, status: "refused", attempts: 1, sourceMessage: "Invoice is blocked for payment in ERP (block R)" }
          : { ...action, status: "delivered", attempts: 1 };
        changed("action-delivered");
      }, deliveryMs);
    }, deliveryMs);
  };

  const session = (): Session => ({ user, users: USERS });

  const outbox = (): OutboxView[] => {
    const mine = rows
      .filter((r) => r.pendingAction && r.pendingAction.status !== "delivered")
      .map((r): OutboxView => {
        const action = r.pendingAction!;
        const refused = action.status === "refused";
        return {
          actionId: action.actionId,
          connectionId: AP_CONNECTION,
          kind: "approval_decision",
          target: r.approvalId,
          actorId: r.decidedBy ?? user.id,
          status: action.status,
          attempts: action.attempts,
          nextAttemptAt: action.queuedAt,
          lastError: null,
          sourceStatus: refused ? 422 : null,
          sourceMessage: action.sourceMessage,
          createdAt: action.queuedAt,
        };
      })
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return [...mine, ...otherOutbox];
  };

  const outboxCounts = (connectionId: string) => {
    const list = outbox().filter((a) => a.connectionId === connectionId);
    return {
      pending: list.filter((a) => a.status !== "refused").length,
      refused: list.filter((a) => a.status === "refused").length,
    };
  };

  /** One sync run of the Acme connection, shaped by the fault mode. */
  const syncRun = () => {
    const started = Date.now();
    const faulty = health.faults.perMille > 0 && Math.random() * 1000 < health.faults.perMille;
    const records = faulty ? 12 : 0;
    health.recordRun(AP_CONNECTION, {
      startedAt: new Date(started - 240).toISOString(),
      finishedAt: new Date(started).toISOString(),
      status: faulty ? "partial" : "ok",
      records,
      bytes: 2_048 + records * 870,
      malformed: faulty ? 1 : 0,
      durationMs: 240,
      error: faulty ? "1 malformed record on GET /api/v1/invoices: amount: expected a decimal string, found null" : null,
    });
    status.lastSyncAt = new Date(started).toISOString();
    status.recordsLastRun = records;
    status.malformedRecords = health.deadLetters.filter((d) => d.connectionId === AP_CONNECTION).length;
  };

  const page = (req: QueuePageRequest): QueuePage => {
    if (req.limit <= 0 || req.limit > 500) fail("invalidInput", "limit must be between 1 and 500");
    const list = rows.filter((r) => matches(r, req.filter));
    const dir = req.sort.dir === "asc" ? 1 : -1;
    list.sort((a, b) => compare(a, b, req.sort.key) * dir || a.approvalId.localeCompare(b.approvalId));
    const start = req.after === null ? 0 : list.findIndex((r) => r.approvalId === req.after) + 1;
    const slice = list.slice(start, start + req.limit);
    const last = slice[slice.length - 1];
    const more = start + req.limit < list.length;
    return { rows: slice.map((r) => strip(r, user.id)), nextCursor: more && last ? last.approvalId : null, total: list.length };
  };

  const summary = (filter: QueueFilter): AgingSummary => ({
    entities: ENTITIES.filter((e) => filter.entity === null || filter.entity === e.code).map((e) => {
      const mine = rows.filter((r) => r.entityCode === e.code && matches(r, { ...filter, bucket: null }));
      const digits = e.currency === "JPY" ? 0 : 2;
      return {
        entityCode: e.code,
        entityName: e.name,
        currency: e.currency,
        cells: BUCKETS.map((bucket) => {
          const inBucket = mine.filter((r) => r.bucket === bucket);
          const minor = inBucket.reduce((sum, r) => sum + r.minor, 0);
          return {
            bucket,
            count: inBucket.length,
            amount: { amount: decimalFromMinor(minor, digits), currency: e.currency },
          };
        }),
      };
    }),
  });

  const decide = (approvalId: string, decision: Decision, reason: string | null): PendingAction => {
    const row = rows.find((r) => r.approvalId === approvalId) ?? fail("notFound", "Approval not found");
    if (row.submittedBy === user.id) {
      fail("segregationOfDuties", `You cannot approve or reject invoice ${row.invoiceNumber}: you submitted it.`);
    }
    if (row.pendingAction && row.pendingAction.status !== "refused") {
      fail("conflict", `Invoice ${row.invoiceNumber} already has a decision on its way.`);
    }
    const overLimit = limitRefusal(user.id, row.minor, row.amount.currency, row.amount.amount);
    if (decision === "approve" && overLimit) fail("forbidden", overLimit);
    if (decision === "reject" && !reason?.trim()) fail("invalidInput", "A reason is required to reject.");
    const action: PendingAction = {
      actionId: `act-${++actionSeq}`,
      decision,
      status: "queued",
      reason,
      sourceMessage: null,
      queuedAt: new Date().toISOString(),
      attempts: 0,
    };
    row.pendingAction = action;
    row.decidedBy = user.id;
    changed("action-queued");
    deliver(row, action);
    return action;
  };

  /** Hands a step on (as engine::delegate_step): queued like a decision; once delivered it leaves this queue. */
  const delegateStep = (approvalId: string, to: string, reason: string | null): string => {
    const row = rows.find((r) => r.approvalId === approvalId) ?? fail("notFound", `approval ${approvalId}`);
    if (to === user.id) fail("invalidInput", "delegate to someone else");
    if (!USERS.some((u) => u.id === to && u.roles.includes("approver"))) fail("invalidInput", `${to} is not an approver`);
    if (row.submittedBy === to) {
      fail("forbidden", `${to} cannot take it: segregation of duties: you created this invoice, so someone else must approve it`);
    }
    if (row.pendingAction && row.pendingAction.status !== "refused") {
      fail("conflict", `Invoice ${row.invoiceNumber} already has an action on its way.`);
    }
    const action: PendingAction = {
      actionId: `act-${++actionSeq}`, decision: "delegate", status: "queued", reason: reason?.trim() || null,
      sourceMessage: null, queuedAt: new Date().toISOString(), attempts: 0,
    };
    row.pendingAction = action;
    row.decidedBy = user.id;
    changed("action-queued");
    if (deliveryMs > 0) {
      window.setTimeout(() => {
        rows.splice(rows.indexOf(row), 1);
        changed("action-delivered");
      }, deliveryMs * 2);
    }
    return action.actionId;
  };

  /** Bulk approval (as engine::approve_bulk): the bulk limit, then every control of a single approval, per item. */
  const approveBulk = (ids: string[]): BulkResult[] => {
    if (ids.length === 0 || ids.length > 200) fail("invalidInput", "bulk approval takes 1 to 200 steps");
    return ids.map((approvalId) => {
      const row = rows.find((r) => r.approvalId === approvalId);
      const currency = row?.amount.currency ?? "";
      const max = BULK_MAX[currency];
      let refusal: string | null = null;
      if (!row) refusal = `not found: approval ${approvalId}`;
      else if (max === undefined) refusal = `bulk approval is not allowed for ${currency}`;
      else if (row.minor > max) {
        const limit = decimalFromMinor(max, currency === "JPY" ? 0 : 2);
        refusal = `${row.amount.amount} ${currency} is over the bulk approval limit of ${limit} ${currency}; open it and approve it on its own`;
      }
      if (refusal !== null) return { approvalId, actionId: null, refusal };
      try {
        return { approvalId, actionId: decide(approvalId, "approve", null).actionId, refusal: null };
      } catch (error) {
        return { approvalId, actionId: null, refusal: (error as CommandError).message };
      }
    });
  };

  const approveRun = (runId: string): string => {
    const run = runs.find((r) => r.id === runId) ?? fail("notFound", `payment run ${runId}`);
    const first = runRefusals(run, user.id)[0];
    if (first !== undefined) fail("forbidden", first);
    const actionId = `act-${++actionSeq}`;
    run.pending = "queued";
    changed("action-queued");
    if (deliveryMs > 0) {
      window.setTimeout(() => {
        runs.splice(runs.indexOf(run), 1); // approved: no longer a draft
        changed("action-delivered");
      }, deliveryMs * 2);
    }
    return actionId;
  };

  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args });
      const a = (args ?? {}) as Record<string, unknown>;
      const reconAnswer = recon.handle(cmd, a, user.id);
      if (reconAnswer) {
        if (/^(recon_(match_manual|unmatch|accept|reject|run)|import_|certify)/.test(cmd)) changed(cmd);
        return reconAnswer.value;
      }
      switch (cmd) {
        case "get_session":
          return session();
        case "switch_user":
          user = USERS.find((u) => u.id === a.userId) ?? fail("notFound", "Unknown user");
          return session();
        case "list_entities":
          return ENTITIES;
        case "approval_queue":
          return page(a.req as QueuePageRequest);
        case "aging_summary":
          return summary(a.filter as QueueFilter);
        case "decide":
          return decide(a.approvalId as string, a.decision as Decision, a.reason as string | null);
        case "delegate_step":
          return delegateStep(a.approvalId as string, a.to as string, a.reason as string | null);
        case "approve_bulk":
          return approveBulk(a.approvalIds as string[]);
        case "runs_to_approve":
          return runs.map((run): RunApproval => {
            const { bankChangedBy: _b, minor: _m, ...view } = run;
            return { ...view, refusals: runRefusals(run, user.id) };
          });
        case "approve_payment_run":
          return approveRun(a.runId as string);
        case "dismiss_action": {
          const row = rows.find((r) => r.pendingAction?.actionId === a.actionId);
          if (!row) fail("notFound", "Action not found");
          row.pendingAction = null;
          changed("action-dismissed");
          return null;
        }
        case "sync_status":
          return { ...status };
        case "sync_now":
          syncRun();
          changed("sync");
          return { ...status };
        case "integration_health":
          return health.health(outboxCounts);
        case "connection_runs":
          return health.runs.get(a.connectionId as string) ?? fail("notFound", "Unknown connection");
        case "dead_letters":
          return health.deadLetters.filter(
            (d) => a.connectionId === null || a.connectionId === undefined || d.connectionId === a.connectionId,
          );
        case "replay_dead_letter": {
          const result = health.replay(a.id as number);
          if (result.applied) {
            status.malformedRecords = health.deadLetters.filter((d) => d.connectionId === AP_CONNECTION).length;
            changed("dead-letter-replayed");
          }
          return result;
        }
        case "outbox_actions":
          return outbox();
        case "set_demo_faults": {
          const faults = a.faults as DemoFaults;
          if (faults.perMille < 0 || faults.perMille > 1000) {
            fail("invalidInput", "per mille must be between 0 and 1000");
          }
          health.faults.perMille = faults.perMille;
          return { ...health.faults };
        }
        case "demo_faults":
          return { ...health.faults };
        default:
          return fail("notFound", `Unknown command ${cmd}`);
      }
    },
    { shouldMockEvents: true },
  );

  const syncEveryMs = options.syncEveryMs ?? 0;
  if (syncEveryMs > 0) {
    window.setInterval(() => {
      syncRun();
      changed("sync");
    }, syncEveryMs);
  }

  return { calls, rows, runs, status, health, recon };
}
