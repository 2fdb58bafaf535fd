// End-to-end: the real Control Tower window, driven through tauri-driver + WebKitWebDriver.
// Approves one invoice with the keyboard and checks, at the sandbox's control plane, that exactly
// one decision reached the source system, even when `a` is pressed twice in a row.
//
// Run through scripts/e2e.sh (it provides the keyring session, tauri-driver and the build):
//   scripts/with-keyring.sh node --test tests/e2e/
// Env: CTOWER_E2E_APP overrides the app binary; CTOWER_SEED (default 42) the demo data.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Session, freePort, startTauriDriver, startXvfb, waitFor } from "./webdriver.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const APP = path.resolve(process.env.CTOWER_E2E_APP ?? path.join(ROOT, "target/debug/control-tower"));
const SHOTS = path.join(HERE, "screenshots");
const SEED = process.env.CTOWER_SEED ?? "42";
// Pinned: the default user (most pending steps, U012 for seed 42) has invoices they created or
// coded at the top of their own queue, which segregation of duties forbids them to approve.
// U004's first rows are approvable. Override with CTOWER_USER.
const USER = process.env.CTOWER_USER ?? "U004";

const ROW = '[data-testid="approval-row"]';
const SELECTED_ROW = `${ROW}[aria-selected="true"]`;

/** What the queue shows right now, read in one go (rows are virtualized: order by data-index). */
const SNAPSHOT = `
  const rows = [...document.querySelectorAll('[data-testid="approval-row"]')]
    .map((r) => ({
      id: r.getAttribute('data-approval-id'),
      invoice: r.getAttribute('data-invoice-number'),
      index: Number(r.getAttribute('data-index')),
      selected: r.getAttribute('aria-selected') === 'true',
      badge: r.querySelector('[data-testid="pending-action"]')?.getAttribute('data-status') ?? null,
    }))
    .sort((a, b) => a.index - b.index);
  const text = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
  return {
    rows,
    selectedId: rows.find((r) => r.selected)?.id ?? null,
    pending: text('[data-testid="pending-actions"]'),
    failed: text('[data-testid="failed-actions"]'),
    syncError: text('[data-testid="sync-error"]'),
    toasts: [...document.querySelectorAll('[data-testid="error-toast"]')].map((t) => t.textContent.trim()),
    active: document.activeElement ? document.activeElement.tagName : null,
  };
`;

let xvfb = null;
let driver = null;
let session = null;
let dataDir = null;

/** Last-resort cleanup if the runner is torn down before `after` completes (synchronous). */
function killEverythingNow() {
  driver?.killNow();
  xvfb?.killNow();
}
process.once("exit", killEverythingNow);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    killEverythingNow();
    process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]);
  });
}

before(async () => {
  assert.ok(existsSync(APP), `app binary missing: ${APP} (run scripts/e2e.sh, which builds it)`);
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), "ctower-e2e-"));

  const env = { ...process.env, CTOWER_DATA_DIR: dataDir, CTOWER_SEED: SEED, CTOWER_USER: USER };
  if (!env.DISPLAY) {
    xvfb = await startXvfb({ screen: "1440x900x24" });
    env.DISPLAY = xvfb.display;
  }
  const [port, nativePort] = [await freePort(), await freePort()];
  driver = await startTauriDriver({
    port,
    nativePort,
    env,
    logFile: path.join(SHOTS, "tauri-driver.log"),
  });
  session = await Session.create(
    driver.url,
    { alwaysMatch: { browserName: "wry", "tauri:options": { application: APP } } },
    30_000,
  );
});

after(async () => {
  try {
    if (session) await session.delete().catch((e) => console.error(`deleting session: ${e.message}`));
  } finally {
    await driver?.stop();
    driver = null;
    await xvfb?.stop();
    xvfb = null;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Applied decisions, from the sandbox's control plane (no auth). */
async function sandboxDecisions(endpoint) {
  const res = await fetch(`${endpoint}/_sandbox/decisions`, { signal: AbortSignal.timeout(5_000) });
  assert.equal(res.status, 200, `GET /_sandbox/decisions -> ${res.status}`);
  const body = await res.json();
  assert.ok(Array.isArray(body), `decisions is not an array: ${JSON.stringify(body)}`);
  return body;
}

/** The last queue snapshot taken, for failure reports. */
let lastSnapshot = null;
async function snapshot() {
  lastSnapshot = await session.execute(SNAPSHOT);
  return lastSnapshot;
}

test("approving with the keyboard sends exactly one decision to the source", { timeout: 100_000 }, async () => {
  try {
    await approveFlow();
  } catch (error) {
    // Leave evidence: what the queue looked like and what the window showed.
    console.error(`last snapshot: ${JSON.stringify(lastSnapshot, null, 1)}`);
    if (session) {
      await session
        .screenshot()
        .then((png) => writeFileSync(path.join(SHOTS, "failure.png"), png))
        .catch((e) => console.error(`failure screenshot: ${e.message}`));
    }
    throw error;
  }
});

async function approveFlow() {
  // 1. The Approvals screen is up, with at least two rows, and a connection endpoint.
  const first = await waitFor(
    "at least two approval rows and a selected one",
    async () => {
      const s = await snapshot();
      return s.rows.length >= 2 && s.selectedId !== null ? s : null;
    },
    { timeoutMs: 30_000 },
  );
  const endpoint = (await (await session.find('[data-testid="connection-endpoint"]')).text()).trim();
  assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/, `unexpected endpoint text: ${endpoint}`);
  assert.equal(first.selectedId, first.rows[0].id, "the first row starts selected");
  assert.deepEqual(await sandboxDecisions(endpoint), [], "no decision exists before we act");

  // Keys go to the focused element; make sure that is not a form control (they are ignored there).
  await session.execute("if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();");

  // 2. `j` moves the selection to the second row.
  await session.pressKeys("j");
  const target = await waitFor("selection to move to the second row", async () => {
    const s = await snapshot();
    return s.selectedId === first.rows[1].id ? s.rows.find((r) => r.id === s.selectedId) : null;
  });
  const selectedEl = await session.find(SELECTED_ROW);
  const approvalId = await selectedEl.attribute("data-approval-id");
  assert.equal(approvalId, target.id);
  assert.equal(target.badge, null, "the row has no pending action before we approve");

  // 3. `a` twice in quick succession (one Actions call): only one decision may result.
  await session.pressKeys("aa");
  await session.releaseActions();

  // 4. Delivered (badge) or already gone from the queue after the next sync, and nothing pending.
  const seen = [];
  const done = await waitFor(
    `approval ${approvalId} delivered and 0 pending actions`,
    async () => {
      const s = await snapshot();
      const row = s.rows.find((r) => r.id === approvalId);
      const state = row ? row.badge : "gone";
      if (seen.at(-1) !== state) seen.push(state);
      // Terminal failures: report them now rather than waiting the timeout out.
      if (state === "refused") return { ...s, state };
      if (state === null && s.toasts.length > 0) return { ...s, state: "error" };
      return (state === "delivered" || state === "gone") && s.pending === "0 pending actions" ? { ...s, state } : null;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  assert.notEqual(done.state, "refused", `the source refused the approval: ${JSON.stringify(done)}`);
  assert.notEqual(done.state, "error", `approving failed: ${JSON.stringify(done.toasts)}`);
  assert.equal(done.failed, "0 failed actions", `status bar: ${JSON.stringify(done)}`);
  assert.equal(done.syncError, null, "no sync error");
  if (done.toasts.length > 0) console.log(`error toasts (tolerated): ${JSON.stringify(done.toasts)}`);
  console.log(`badge states seen for ${approvalId}: ${seen.join(" -> ")}`);

  // 5. Exactly one decision reached the source: ours, an approval.
  const decisions = await sandboxDecisions(endpoint);
  assert.equal(decisions.length, 1, `expected exactly one decision, got ${JSON.stringify(decisions, null, 2)}`);
  assert.equal(decisions[0].approval_id, approvalId);
  assert.equal(decisions[0].decision, "approve");

  // 6. The screenshot, once the screen has painted.
  await session.settle();
  const png = await session.screenshot();
  assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), "PNG");
  writeFileSync(path.join(SHOTS, "approvals.png"), png);
}
