// End-to-end: one flow per role, each in the real Control Tower window (tauri-driver +
// WebKitWebDriver), each with its own app and a fresh data dir (the flows change the sandbox).
//   clerk      (U007): accepts a price variance by key; it is resolved, and the ERP got one write.
//   approver   (U012): is refused on an invoice they created (segregation of duties), approves another.
//   controller (U001, then U002): submits a critical-path task, the other controller reviews it,
//              and the critical path moves.
//   analyst    (U010): follows a rejected payment to its exception and the remediation.
// The sandbox's control plane (/_sandbox/*, no auth) is asked what actually reached the source.
//
// Run through scripts/e2e.sh, or once built:
//   xvfb-run -a -s "-screen 0 1440x900x24" scripts/with-keyring.sh node --test tests/e2e/roles.test.mjs
// Env: CTOWER_E2E_APP overrides the app binary; CTOWER_SEED (default 42) the demo data.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Session, freePort, startTauriDriver, startXvfb, waitFor } from "./webdriver.mjs";
import { blurFocus as blur, invokeCommand as invoke, selectOption as choose, textOf as text } from "./webdriver.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const APP = path.resolve(process.env.CTOWER_E2E_APP ?? path.join(ROOT, "target/debug/control-tower"));
const SHOTS = path.join(HERE, "screenshots");
const SEED = process.env.CTOWER_SEED ?? "42";
const ENTER = "\uE007";

let xvfb = null;
/** The app of the running test, for the last-resort cleanup. */
let current = null;

function killEverythingNow() {
  current?.driver.killNow();
  if (current) rmSync(current.dataDir, { recursive: true, force: true });
  xvfb?.killNow();
}
process.once("exit", killEverythingNow);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    killEverythingNow();
    process.exit(128 + { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal]);
  });
}

before(async () => {
  assert.ok(existsSync(APP), `app binary missing: ${APP} (run scripts/e2e.sh, which builds it)`);
  mkdirSync(SHOTS, { recursive: true });
  for (const f of readdirSync(SHOTS)) if (f.startsWith("failure-roles-")) rmSync(path.join(SHOTS, f));
  if (!process.env.DISPLAY) xvfb = await startXvfb({ screen: "1440x900x24" });
});

after(() => xvfb?.stop());

// ----- plumbing -----

/** Starts the app as `user` with a fresh data dir; resolves once the session is on screen. */
async function launch(name, user) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `ctower-e2e-${name}-`));
  const env = { ...process.env, CTOWER_DATA_DIR: dataDir, CTOWER_SEED: SEED, CTOWER_USER: user };
  if (xvfb) env.DISPLAY = xvfb.display;
  const [port, nativePort] = [await freePort(), await freePort()];
  const logFile = path.join(SHOTS, `tauri-driver-roles-${name}.log`);
  const driver = await startTauriDriver({ port, nativePort, env, logFile });
  current = { driver, dataDir, session: null };
  const capabilities = { alwaysMatch: { browserName: "wry", "tauri:options": { application: APP } } };
  current.session = await Session.create(driver.url, capabilities, 30_000).catch((error) => {
    throw new Error(`could not start the app (DISPLAY=${env.DISPLAY}; see ${logFile}): ${error.message}`, { cause: error });
  });
  const signedIn = () => text(current.session, '[data-testid="current-user"]');
  await waitFor(`the app to show the session of ${user}`, signedIn, { timeoutMs: 30_000 });
  return current.session;
}

async function stopApp() {
  const app = current;
  current = null;
  if (!app) return;
  try {
    if (app.session) await app.session.delete().catch((e) => console.error(`deleting session: ${e.message}`));
  } finally {
    await app.driver.stop();
    rmSync(app.dataDir, { recursive: true, force: true });
  }
}

/** The last state a flow read, printed when it fails. */
let lastSeen = null;
const seen = (value) => ((lastSeen = value), value);

/** Runs `flow` against a fresh app as `user`; on failure keeps a screenshot and the last state read. */
async function withApp(name, user, flow) {
  lastSeen = null;
  try {
    const session = await launch(name, user);
    await flow(session);
  } catch (error) {
    if (lastSeen !== null) console.error(`[${name}] last state seen: ${JSON.stringify(lastSeen)}`);
    await current?.session
      ?.screenshot()
      .then((png) => writeFileSync(path.join(SHOTS, `failure-roles-${name}.png`), png))
      .catch((e) => console.error(`failure screenshot: ${e.message}`));
    throw error;
  } finally {
    await stopApp();
  }
}

async function shot(session, file) {
  await session.settle();
  const png = await session.screenshot();
  assert.ok(png.subarray(0, 8).equals(Buffer.from("89504e470d0a1a0a", "hex")), "screenshot is a PNG");
  writeFileSync(path.join(SHOTS, file), png);
}

/** connection id → base URL of the in-process sandbox, as the Integration health screen lists them. */
async function endpoints(session) {
  const { ok, err } = await invoke(session, "integration_health");
  assert.ok(ok, `integration_health failed: ${JSON.stringify(err)}`);
  return Object.fromEntries(ok.map((c) => [c.connectionId, c.endpoint]));
}

/** A control-plane list (writes, decisions) of a sandbox system. */
async function sandbox(base, what) {
  const res = await fetch(`${base}/_sandbox/${what}`, { signal: AbortSignal.timeout(5_000) });
  assert.equal(res.status, 200, `GET ${base}/_sandbox/${what} -> ${res.status}`);
  const body = await res.json();
  assert.ok(Array.isArray(body), `${what} is not an array: ${JSON.stringify(body)}`);
  return body;
}

/** Applied writes on `resource`/`id` at every ERP. */
async function erpWrites(session, resource, id) {
  const found = [];
  for (const [connection, base] of Object.entries(await endpoints(session))) {
    if (!connection.startsWith("erp")) continue;
    for (const w of await sandbox(base, "writes")) if (w.resource === resource && w.id === id) found.push({ connection, ...w });
  }
  return found;
}

const toasts = (session) =>
  session.execute(
    `return [...document.querySelectorAll('[data-testid="notice-toast"], [data-testid="error-toast"]')]
       .map((t) => ({ kind: t.dataset.testid, text: t.textContent.trim() }));`,
  );

// ----- 1. AP clerk -----

const EXCEPTION_ROWS = `
  return [...document.querySelectorAll('[data-testid="exception-row"]')]
    .map((r) => ({ id: r.dataset.exceptionId, index: Number(r.dataset.index), selected: r.getAttribute('aria-selected') === 'true',
                   text: r.textContent, invoice: r.querySelector('[data-testid="invoice-link"]')?.textContent.trim() ?? null }))
    .sort((a, b) => a.index - b.index);`;

const EXCEPTION_DETAIL = `
  const d = document.querySelector('[data-testid="exception-detail"]');
  if (!d) return null;
  const q = (sel) => d.querySelector(sel)?.textContent.trim() ?? null;
  const facts = Object.fromEntries([...d.querySelectorAll('dl.exc-facts dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling?.textContent.trim()]));
  return { kind: q('h2'), summary: q('.exc-detail-summary'), facts,
           result: q('[data-testid="action-result"]'), resultTone: d.querySelector('[data-testid="action-result"]')?.dataset.tone ?? null,
           sent: d.querySelector('[data-testid="sent-action"]')?.dataset.status ?? null,
           actions: [...d.querySelectorAll('[data-testid^="action-"]')].filter((b) => b.tagName === 'BUTTON').map((b) => ({ id: b.dataset.testid, label: b.textContent.trim(), disabled: b.disabled })),
           notes: [...d.querySelectorAll('[data-testid="exception-notes"] li')].map((li) => li.textContent.trim()) };`;

test("AP clerk accepts a price variance by key; it is resolved and the ERP got exactly one write", { timeout: 150_000 }, () =>
  withApp("clerk", "U007", async (s) => {
    await waitFor("the clerk to land on Exceptions with rows", () =>
      s.execute(`return location.hash === '#/exceptions' && !!document.querySelector('[data-testid="exception-row"]');`),
      { timeoutMs: 30_000 },
    );
    await choose(s, "exc-filter-kind", "price_variance");
    const first = await waitFor("the list to hold only price variances, the first selected", async () => {
      const rows = seen(await s.execute(EXCEPTION_ROWS));
      return rows.length > 0 && rows.every((r) => r.text.includes("Price variance")) && rows[0].selected ? rows[0] : null;
    });

    await blur(s);
    await s.pressKeys(ENTER);
    const opened = await waitFor("the detail of the first price variance, offering Accept variance", async () => {
      const d = seen(await s.execute(EXCEPTION_DETAIL));
      return d?.kind === "Price variance" && d.actions.some((a) => a.id === "action-accept_variance") ? d : null;
    });
    assert.equal(opened.facts.Invoice?.replace(/\s*t$/, ""), first.invoice, "the detail is the selected row's");
    assert.equal(opened.facts.Status, "open");

    // What the ERP holds before: the exception names the posted invoice it acts on.
    const { ok: detail, err } = await invoke(s, "exception_detail", { id: first.id });
    assert.ok(detail?.subject, `no subject for ${first.id}: ${JSON.stringify(err ?? detail)}`);
    const { resource, external_id: erpId } = detail.subject;
    assert.deepEqual(await erpWrites(s, resource, erpId), [], `a write on ${resource} ${erpId} before we acted`);

    await s.pressKeys("a");
    const queued = await waitFor("the queued confirmation in the detail", async () => {
      const d = seen(await s.execute(EXCEPTION_DETAIL));
      if (d?.resultTone === "error") throw new Error(`the action was refused: ${d.result}`);
      return d?.resultTone === "ok" ? d : null;
    });
    assert.match(queued.result, /^Queued — sent to the source/);

    // The ERP applies it, the mirror gets the answer, the exception is re-derived as resolved.
    const left = async () => {
      const rows = seen(await s.execute(EXCEPTION_ROWS));
      const d = await s.execute(EXCEPTION_DETAIL);
      if (d?.sent === "refused") throw new Error(`the ERP refused the write: ${JSON.stringify(d)}`);
      return !rows.some((r) => r.id === first.id);
    };
    await waitFor(`${first.id} to leave the open list`, left, { timeoutMs: 45_000, intervalMs: 250 });
    // The detail stays pinned to it: resolved, nothing left to do (the sent action is done with).
    const closed = await waitFor("the open detail to say resolved", async () => {
      const d = seen(await s.execute(EXCEPTION_DETAIL));
      return d?.facts.Status === "resolved" ? d : null;
    });
    assert.deepEqual(closed.actions, [], "no action is offered on a resolved exception");
    assert.ok(closed.sent === null || closed.sent === "delivered", `sent action: ${closed.sent}`);

    await choose(s, "exc-filter-status", "resolved");
    await waitFor(`${first.id} under status Resolved`, async () =>
      seen(await s.execute(EXCEPTION_ROWS)).some((r) => r.id === first.id),
    );
    await shot(s, "roles-clerk-resolved.png");

    const writes = await erpWrites(s, resource, erpId);
    assert.equal(writes.length, 1, `expected exactly one write on ${resource} ${erpId}: ${JSON.stringify(writes, null, 2)}`);
    assert.equal(writes[0].action, "AcceptVariance");
    assert.equal(writes[0].actor_id, "U007");
    assert.equal(writes[0].connection, detail.subject.connection_id);
  }),
);

// ----- 2. Approver -----

const QUEUE = `
  const rows = [...document.querySelectorAll('[data-testid="approval-row"]')]
    .map((r) => ({ id: r.dataset.approvalId, invoice: r.dataset.invoiceNumber, index: Number(r.dataset.index),
                   selected: r.getAttribute('aria-selected') === 'true', blocked: r.dataset.blocked === 'true',
                   badge: r.querySelector('[data-testid="pending-action"]')?.dataset.status ?? null }))
    .sort((a, b) => a.index - b.index);
  const text = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
  return { rows, selected: rows.find((r) => r.selected) ?? null, pending: text('[data-testid="pending-actions"]'),
           blockedReason: text('[data-testid="blocked-reason"]'),
           approveDisabled: document.querySelector('[data-testid="approve-button"]')?.disabled ?? null };`;

/** Presses j until the selected approval row is one `want` accepts. */
async function selectApproval(s, want, what) {
  for (let round = 0; round < 40; round++) {
    const q = seen(await s.execute(QUEUE));
    if (q.selected && want(q.selected)) return q.selected;
    assert.ok(q.selected, "a row is selected");
    const target = q.rows.find((r) => r.index > q.selected.index && want(r));
    const steps = target ? target.index - q.selected.index : 5;
    const from = q.selected.index;
    await s.pressKeys("j".repeat(steps));
    const down = async () => ((await s.execute(QUEUE)).selected?.index ?? from) > from;
    const moved = await waitFor("the selection to move down", down, { timeoutMs: 3_000 }).catch(() => false);
    if (!moved) throw new Error(`no approval row that is ${what} in the queue (the selection stopped at row ${from})`);
  }
  throw new Error(`no approval row that is ${what} within reach`);
}

test("approver is refused on an invoice they created (no decision sent) and approves another", { timeout: 120_000 }, () =>
  withApp("approver", "U012", async (s) => {
    await waitFor("the approver to land on Approvals with rows", async () => {
      const q = seen(await s.execute(QUEUE));
      return (await s.execute("return location.hash;")) === "#/approvals" && q.rows.length >= 2 && q.selected;
    }, { timeoutMs: 30_000 });
    const ap = (await text(s, '[data-testid="connection-endpoint"]')) ?? "";
    assert.match(ap, /^http:\/\/127\.0\.0\.1:\d+$/, `unexpected endpoint text: ${ap}`);
    assert.deepEqual(await sandbox(ap, "decisions"), [], "no decision exists before we act");

    await blur(s);
    const blocked = await selectApproval(s, (r) => r.blocked, "blocked by segregation of duties");
    const shown = seen(await s.execute(QUEUE));
    assert.match(shown.blockedReason ?? "", /segregation of duties/, "the action bar says why the row is blocked");
    assert.equal(shown.approveDisabled, true, "the Approve button is disabled on a blocked row");

    await s.pressKeys("a");
    const refusal = await waitFor("the refusal notice", async () =>
      (await toasts(s)).find((t) => t.text.includes("You cannot decide this invoice")),
    );
    assert.match(refusal.text, /segregation of duties/, `the notice gives the reason: ${refusal.text}`);
    await shot(s, "roles-approver-refused.png");
    // Nothing may be queued: give a wrongly queued decision the time to show up and be delivered.
    await sleep(1_500);
    const after = seen(await s.execute(QUEUE));
    assert.equal(after.selected?.id, blocked.id, "the selection stays on the blocked row");
    assert.equal(after.selected?.badge, null, "no pending action on the blocked row");
    assert.equal(after.pending, "0 pending actions");
    assert.deepEqual(await sandbox(ap, "decisions"), [], "the refused key sent no decision");
    const total = await text(s, '[data-testid="queue-total"]');
    await (await s.find('[data-testid="notice-toast"] button[aria-label="Dismiss message"]')).click();

    const target = await selectApproval(s, (r) => !r.blocked && r.badge === null, "approvable");
    await s.pressKeys("a");
    const gone = async () => {
      const q = seen(await s.execute(QUEUE));
      const row = q.rows.find((r) => r.id === target.id);
      if (row?.badge === "refused") throw new Error(`the source refused the approval of ${target.id}`);
      const errors = (await toasts(s)).filter((t) => t.kind === "error-toast");
      if (errors.length > 0) throw new Error(`error: ${JSON.stringify(errors)}`);
      return !row && q.pending === "0 pending actions";
    };
    await waitFor(`${target.id} (${target.invoice}) to leave the queue, nothing pending`, gone, { timeoutMs: 30_000 });
    const count = (t) => Number(/^([\d,]+) pending/.exec(t ?? "")?.[1].replace(/,/g, "") ?? NaN);
    await waitFor(`the pending count to drop by one from "${total}"`, async () =>
      count(await text(s, '[data-testid="queue-total"]')) === count(total) - 1,
    );
    console.log(`refused on ${blocked.invoice} (${blocked.id}); approved ${target.invoice} (${target.id})`);
    await shot(s, "roles-approver-approved.png");
    const decisions = await sandbox(ap, "decisions");
    assert.equal(decisions.length, 1, `expected exactly one decision: ${JSON.stringify(decisions, null, 2)}`);
    assert.equal(decisions[0].approval_id, target.id);
    assert.equal(decisions[0].decision, "approve");
    assert.equal(decisions[0].actor_id, "U012");
  }),
);

// ----- 3. Controller -----

const BOARD = `
  const text = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
  const cards = [...document.querySelectorAll('[data-testid="close-card"]')].map((c) => ({
    id: c.dataset.taskId, critical: c.dataset.critical === 'true', short: c.querySelector('.close-card-head .mono')?.textContent.trim(),
    column: c.closest('[data-testid^="column-"]')?.dataset.testid.replace('column-', '') ?? null,
    signal: !!c.querySelector('[data-testid="signal"]'), pending: c.querySelector('[data-testid="pending-move"]')?.textContent.trim() ?? null }));
  const panel = document.querySelector('[data-testid="close-panel"]');
  return { hash: location.hash, period: document.querySelector('[data-testid="close-period"]')?.value ?? null,
           periods: [...(document.querySelector('[data-testid="close-period"]')?.options ?? [])].map((o) => o.value),
           chain: text('[data-testid="critical-chain"]'), projected: text('[data-testid="projected-close"]'), cards,
           panel: panel && { id: panel.dataset.taskId, moves: [...panel.querySelectorAll('[data-testid^="move-"]')].map((b) => b.dataset.testid.slice(5)).filter((m) => m !== 'result'),
                             result: text('[data-testid="move-result"]'), ok: panel.querySelector('[data-testid="move-result"]')?.dataset.ok ?? null } };`;

const board = async (s) => seen(await s.execute(BOARD));

async function waitBoard(s, what, period = null) {
  return waitFor(what, async () => {
    const b = await board(s);
    return b.hash === "#/close" && b.cards.length > 0 && b.chain && (period === null || b.period === period) ? b : null;
  }, { timeoutMs: 30_000 });
}

/** Clicks the task's card and waits for its panel. */
async function openTask(s, id) {
  await (await s.find(`[data-testid="close-card"][data-task-id="${id}"]`)).click();
  return waitFor(`the panel of ${id}`, async () => {
    const b = await board(s);
    return b.panel?.id === id ? b : null;
  });
}

/** Waits until the task sits in `column` with no move on its way (fails on a refusal). */
function waitMoved(s, id, column) {
  return waitFor(`${id} delivered into the ${column} column`, async () => {
    const b = await board(s);
    const card = b.cards.find((c) => c.id === id);
    if (card?.pending?.includes("refused")) throw new Error(`the ERP refused the move: ${card.pending}`);
    if (b.panel?.ok === "false") throw new Error(`the move was refused: ${b.panel.result}`);
    return card?.column === column && card.pending === null ? b : null;
  }, { timeoutMs: 30_000, intervalMs: 200 });
}

test("controller submits a critical-path task, another controller reviews it, the critical path moves", { timeout: 150_000 }, () =>
  withApp("controller", "U001", async (s) => {
    // U001 is also an approver, and that role decides the landing screen: go to the board by key.
    await waitFor("U001 on their landing screen", () => s.execute("return location.hash === '#/approvals';"));
    await blur(s);
    await s.pressKeys("gc");
    const start = await waitBoard(s, "the Close board after g c");
    // The board opens on the period being closed; look there first, then at the others.
    let task = null;
    let initial = start;
    for (const period of [start.period, ...start.periods.filter((p) => p !== start.period)]) {
      if (period !== initial.period) {
        await choose(s, "close-period", period);
        initial = await waitBoard(s, `the board of ${period}`, period);
      }
      for (const card of initial.cards.filter((c) => c.critical && !c.signal && c.column !== "reviewed" && initial.chain.includes(c.short))) {
        if ((await openTask(s, card.id)).panel.moves.includes("submitted")) {
          task = card;
          break;
        }
      }
      if (task) break;
    }
    assert.ok(task, "a critical-path task that U001 may submit");
    assert.ok(initial.chain.includes(task.short), `${task.short} is in the chain "${initial.chain}"`);
    const period = initial.period;

    await blur(s);
    await s.pressKeys("u");
    const submitted = await waitFor("the queued confirmation", async () => {
      const b = await board(s);
      if (b.panel?.ok === "false") throw new Error(`the submit was refused: ${b.panel.result}`);
      return b.panel?.ok === "true" ? b : null;
    });
    assert.match(submitted.panel.result, /^Queued — sent to the ERP \(Submit\)/);
    const afterSubmit = await waitMoved(s, task.id, "submitted");
    assert.ok(!afterSubmit.panel?.moves.includes("reviewed"), "U001 is not offered to review their own submission");

    // Another controller reviews it (reviewing your own submission is refused by SoD).
    await choose(s, "user-switcher", "U002");
    await waitFor("U002 signed in, on their landing screen", async () =>
      s.execute(`return !document.querySelector('[data-testid="user-switcher"]').disabled &&
                 document.querySelector('[data-testid="user-switcher"]').value === 'U002' && location.hash === '#/approvals';`),
    );
    await blur(s);
    await s.pressKeys("gc");
    let b = await waitBoard(s, "the Close board after g c");
    if (b.period !== period) {
      await choose(s, "close-period", period);
      b = await waitBoard(s, `the board of ${period}`, period);
    }
    const opened = await openTask(s, task.id);
    assert.ok(opened.panel.moves.includes("reviewed"), `U002 may review ${task.short}: ${JSON.stringify(opened.panel)}`);
    await blur(s);
    await s.pressKeys("r");
    const reviewed = await waitFor("the queued confirmation of the review", async () => {
      const x = await board(s);
      if (x.panel?.ok === "false") throw new Error(`the review was refused: ${x.panel.result}`);
      return x.panel?.ok === "true" ? x : null;
    });
    assert.match(reviewed.panel.result, /^Queued — sent to the ERP \(Review\)/);
    const done = await waitMoved(s, task.id, "reviewed");
    const moved = await waitFor("the critical path to move", async () => {
      const x = await board(s);
      return x.chain !== initial.chain || x.projected !== initial.projected ? x : null;
    });
    assert.ok(!moved.chain.includes(task.short), `${task.short} left the critical path: "${initial.chain}" -> "${moved.chain}"`);
    assert.equal(done.cards.find((c) => c.id === task.id)?.critical, false, "the card is no longer marked critical");
    console.log(`critical path: "${initial.chain}" (close ${initial.projected}) -> "${moved.chain}" (close ${moved.projected})`);
    await shot(s, "roles-controller-reviewed.png");

    const writes = await erpWrites(s, "close_tasks", task.id);
    assert.deepEqual(
      writes.map((w) => [w.action, w.actor_id]),
      [["submitted", "U001"], ["reviewed", "U002"]],
      `ERP writes on ${task.id}: ${JSON.stringify(writes, null, 2)}`,
    );
  }),
);

// ----- 4. Treasury analyst -----

const PAYMENT = `
  const rows = [...document.querySelectorAll('[data-testid="instruction-row"]')]
    .map((r) => ({ id: r.dataset.instructionId, status: r.dataset.status, index: Number(r.getAttribute('aria-rowindex')), selected: r.getAttribute('aria-selected') === 'true' }))
    .sort((a, b) => a.index - b.index);
  const d = document.querySelector('[data-testid="instruction-detail"]');
  const facts = d ? Object.fromEntries([...d.querySelectorAll('dl.pay-facts dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling?.textContent.trim()])) : {};
  const q = (sel) => d?.querySelector(sel)?.textContent.trim() ?? null;
  return { rows, detail: d && { id: d.dataset.instructionId, facts, reason: q('[data-testid="rejection-reason"]'), remediation: q('[data-testid="remediation"]'),
           exceptionHref: d.querySelector('[data-testid="open-exception"]')?.getAttribute('href') ?? null,
           timeline: [...d.querySelectorAll('[data-testid="timeline-step"]')].map((li) => ({ status: li.dataset.status, text: li.textContent.trim() })) } };`;

test("treasury analyst follows a rejected payment to its exception and remediation", { timeout: 120_000 }, () =>
  withApp("analyst", "U010", async (s) => {
    await waitFor("the analyst to land on Payments", () => s.execute(`return location.hash === '#/payments' && !!document.querySelector('[data-testid="pay-tab-instructions"]');`), {
      timeoutMs: 30_000,
    });
    await (await s.find('[data-testid="pay-tab-instructions"]')).click();
    await (await s.find('[data-testid="filter-rejected"]')).click();
    const first = await waitFor("only rejected instructions listed", async () => {
      const p = seen(await s.execute(PAYMENT));
      return p.rows.length > 0 && p.rows.every((r) => r.status === "RJCT") ? p.rows[0] : null;
    }, { timeoutMs: 30_000 });
    await (await s.find(`[data-testid="instruction-row"][data-instruction-id="${first.id}"]`)).click();
    const { detail } = await waitFor(`the detail of ${first.id} with its rejection`, async () => {
      const p = seen(await s.execute(PAYMENT));
      return p.detail?.id === first.id && p.detail.reason && p.detail.exceptionHref ? p : null;
    });
    assert.match(detail.reason, /^[A-Z]{2}\d{2}$|^NARR$/, `an ISO 20022 reason code: ${detail.reason}`);
    assert.ok(detail.remediation && detail.remediation.length > 10, `remediation text: ${detail.remediation}`);
    const last = detail.timeline.at(-1);
    assert.ok(detail.timeline.length >= 2, `a status timeline: ${JSON.stringify(detail.timeline)}`);
    assert.equal(last.status, "RJCT", "the timeline ends with the rejection");
    assert.ok(last.text.includes(detail.reason), `the rejection step names the reason: ${last.text}`);
    const endToEnd = detail.facts["End-to-end"];
    assert.ok(endToEnd, "the detail shows the end-to-end id");
    await shot(s, "roles-analyst-payment.png");

    await (await s.find('[data-testid="open-exception"]')).click();
    await waitFor("the Exceptions screen", () => s.execute(`return location.hash.startsWith('#/exceptions') && !!document.querySelector('[data-testid="exceptions-screen"]');`));
    // The link opens that exception's detail directly, though bank rejections sit in the AP
    // clerks' queue, not the analyst's own.
    const d = await waitFor("the exception's detail", async () => {
      const x = seen(await s.execute(EXCEPTION_DETAIL));
      return x?.kind === "Bank rejection" && x.notes.length > 0 && x.summary.includes(endToEnd) ? x : null;
    });
    assert.ok(d.summary.includes(endToEnd), `the exception is the payment's: ${d.summary}`);
    assert.ok(d.notes.includes(detail.remediation), `the notes repeat the remediation: ${JSON.stringify(d.notes)}`);
    const resend = d.actions.find((a) => a.id === "action-correct_and_resend");
    assert.ok(resend, `Correct bank details and re-send is offered: ${JSON.stringify(d.actions)}`);
    assert.match(resend.label, /^Correct bank details and re-send/);
    assert.equal(resend.disabled, false);
    await shot(s, "roles-analyst-exception.png");
  }),
);
