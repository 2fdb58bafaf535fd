/**
 * The Integration health part of the fake backend (see mockBackend.ts): two
 * connections (the Acme AP sandbox, mostly healthy, and a subsidiary's ERP
 * whose circuit is open), their recent runs, dead letters, and the demo fault mode.
 */
import type {
  CircuitState,
  ConnectionHealth,
  DeadLetterView,
  DemoFaults,
  ReplayResult,
  SyncRunView,
} from "../bindings";

export interface MockConnection {
  connectionId: string;
  name: string;
  kind: string;
  endpoint: string;
  circuit: CircuitState;
  consecutiveFailures: number;
}

export interface MockHealth {
  connections: MockConnection[];
  runs: Map<string, SyncRunView[]>;
  deadLetters: DeadLetterView[];
  faults: DemoFaults;
  /** Per connection: queued or delivering, and refused outbox actions (filled by the caller). */
  health: (outbox: (id: string) => { pending: number; refused: number }) => ConnectionHealth[];
  recordRun: (connectionId: string, run: Omit<SyncRunView, "id">) => void;
  replay: (id: number) => ReplayResult;
}

export const AP_CONNECTION = "erp-acme";
export const NORDWIND_CONNECTION = "erp-nordwind";

const RECENT_RUNS = 20;
const SYNC_EVERY_MS = 15_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function millisBetween(start: string, end: string | null): number | null {
  if (end === null) return null;
  return Math.max(0, Date.parse(end) - Date.parse(start));
}

function seedRuns(connectionId: string, now: number): SyncRunView[] {
  const runs: SyncRunView[] = [];
  for (let i = 0; i < 24; i++) {
    const started = now - 8_000 - i * SYNC_EVERY_MS;
    if (connectionId === NORDWIND_CONNECTION) {
      // Healthy until six runs ago, failing since.
      const failing = i < 6;
      const duration = failing ? 10_000 + (i % 3) * 40 : 640 + (i % 4) * 35;
      runs.push({
        id: 0,
        startedAt: iso(started),
        finishedAt: iso(started + duration),
        status: failing ? "failed" : "ok",
        records: failing ? 0 : 40 + (i % 5) * 3,
        bytes: failing ? 0 : 18_400 + i * 120,
        malformed: 0,
        durationMs: duration,
        error: failing
          ? "GET https://erp.nordwind.example/api/v1/invoices?cursor=88412: connect timeout after 10 s (3 attempts); circuit opened for 30 s"
          : null,
      });
      continue;
    }
    const partial = i === 3 || i === 11;
    const first = i === 23;
    const duration = first ? 2_240 : 180 + ((i * 37) % 90);
    const records = first ? 2_164 : partial ? 14 : (i * 7) % 5;
    runs.push({
      id: 0,
      startedAt: iso(started),
      finishedAt: iso(started + duration),
      status: partial ? "partial" : "ok",
      records,
      bytes: first ? 1_904_331 : 2_048 + records * 870,
      malformed: partial ? 1 : 0,
      durationMs: duration,
      error: partial
        ? "1 malformed record on GET /api/v1/invoices (cursor 1187): amount: invalid decimal \"12,50\""
        : null,
    });
  }
  return runs.map((run, i) => ({ ...run, id: (connectionId === NORDWIND_CONNECTION ? 5000 : 1000) - i }));
}

export function createMockHealth(now = Date.now()): MockHealth {
  const connections: MockConnection[] = [
    {
      connectionId: AP_CONNECTION,
      name: "Acme ERP (sandbox)",
      kind: "ap",
      endpoint: "https://erp.acme.example/api/v2",
      circuit: "closed",
      consecutiveFailures: 0,
    },
    {
      connectionId: NORDWIND_CONNECTION,
      name: "Nordwind ERP (DE01)",
      kind: "ap",
      endpoint: "https://erp.nordwind.example/api/v1",
      circuit: "open",
      consecutiveFailures: 6,
    },
  ];
  const runs = new Map(connections.map((c) => [c.connectionId, seedRuns(c.connectionId, now)]));
  let nextRunId = 10_000;
  let nextDeadLetter = 4;
  const deadLetters: DeadLetterView[] = [
    {
      id: 1,
      connectionId: AP_CONNECTION,
      resource: "invoices",
      position: "invoices cursor 1187 record 7",
      reason: 'amount: invalid decimal "12,50"',
      rawPreview:
        '{"id":"INV-88213","entity":"DE01","supplier_id":"SUP-0042","number":"RE-2026-11-0871","amount":"12,50","currency":"EUR","invoice_date":"2026-11-02","due_date":"2026-12-02","status":"pending_approval","created_by":"U014","coded_by":"U022","version":3,"updated_at":"2026-11-21T09:12:44Z"}',
    },
    {
      id: 2,
      connectionId: AP_CONNECTION,
      resource: "suppliers",
      position: "suppliers cursor 340 record 2",
      reason: "currency: unknown ISO 4217 code \"EURO\"",
      rawPreview: '{"id":"SUP-0311","name":"Lumière Distribution SAS","country":"FR","currency":"EURO","version":1}',
    },
    {
      id: 3,
      connectionId: NORDWIND_CONNECTION,
      resource: "approvals",
      position: "approvals cursor 2290 record 0",
      reason: "missing field `approver_id` at line 1 column 143",
      rawPreview:
        '{"id":"APR-55120","invoice_id":"INV-77410","step":2,"step_count":3,"step_name":"Controller","status":"pending","assigned_at":"2026-11-19T08:00:00Z","version":2}',
    },
  ];
  const faults: DemoFaults = { perMille: 0 };

  const health: MockHealth["health"] = (outbox) =>
    connections.map((c) => {
      const list = (runs.get(c.connectionId) ?? []).filter((r) => r.status !== "running");
      const recent = list.slice(0, RECENT_RUNS);
      const last = recent[0];
      const success = list.find((r) => r.status === "ok" || r.status === "partial");
      const lastMs = last ? millisBetween(last.startedAt, last.finishedAt) : null;
      const failing = recent.filter((r) => r.status !== "ok").length;
      const lastSuccessAt = success?.finishedAt ?? null;
      const actions = outbox(c.connectionId);
      return {
        connectionId: c.connectionId,
        name: c.name,
        kind: c.kind,
        endpoint: c.endpoint,
        lastRunAt: last?.finishedAt ?? null,
        lastRunStatus: last?.status ?? null,
        lastSuccessAt,
        freshnessSeconds:
          lastSuccessAt === null ? null : Math.max(0, Math.floor((Date.now() - Date.parse(lastSuccessAt)) / 1000)),
        throughputPerSecond:
          last && lastMs !== null && lastMs > 0 ? Math.floor((last.records * 1000) / lastMs) : null,
        lastRunMs: lastMs,
        errorRatePercent: recent.length === 0 ? 0 : Math.floor((failing * 100) / recent.length),
        recentRunCount: recent.length,
        circuit: c.circuit,
        consecutiveFailures: c.consecutiveFailures,
        pendingActions: actions.pending,
        refusedActions: actions.refused,
        deadLetters: deadLetters.filter((d) => d.connectionId === c.connectionId).length,
        lastError: last?.error ?? null,
      };
    });

  const recordRun: MockHealth["recordRun"] = (connectionId, run) => {
    const list = runs.get(connectionId) ?? [];
    list.unshift({ ...run, id: nextRunId++ });
    runs.set(connectionId, list.slice(0, 50));
    if (run.malformed > 0) {
      deadLetters.push({
        id: nextDeadLetter++,
        connectionId,
        resource: "invoices",
        position: `invoices cursor ${1200 + nextDeadLetter} record 3`,
        reason: "amount: expected a decimal string, found null",
        rawPreview: `{"id":"INV-9${nextDeadLetter}114","amount":null,"currency":"USD","version":1}`,
      });
    }
  };

  // The supplier record stays broken at the source; the others map once fetched again.
  const replay: MockHealth["replay"] = (id) => {
    const index = deadLetters.findIndex((d) => d.id === id);
    if (index === -1) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw { code: "notFound", message: `dead letter ${id} not found` };
    }
    const letter = deadLetters[index]!;
    if (letter.resource === "suppliers") {
      return { applied: false, refetched: false, reason: `the source still sends it: ${letter.reason}` };
    }
    deadLetters.splice(index, 1);
    return { applied: true, refetched: true, reason: null };
  };

  return { connections, runs, deadLetters, faults, health, recordRun, replay };
}
