// End-to-end: the real Control Tower window, driven through tauri-driver + WebKitWebDriver.
// Approves one invoice with the keyboard (`j`, `a`) and checks, at the sandbox's control plane,
// that exactly one decision reached the source system, also when the same row is decided again
// right away and after delivery (the backend must refuse both). A second test checks that a quick
// double press of `a` approves only the selected row (the UI ignores action keys until the
// selection has moved and settled).
//
// Run through scripts/e2e.sh (it provides the keyring session, tauri-driver and the build):
//   scripts/with-keyring.sh node --test tests/e2e/
// Env: CTOWER_E2E_APP overrides the app binary; CTOWER_SEED (default 42) the demo data.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
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
  for (const f of readdirSync(SHOTS)) if (f.startsWith("failure-")) rmSync(path.join(SHOTS, f)); // stale evidence
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
  try {
    session = await Session.create(
      driver.url,
      { alwaysMatch: { browserName: "wry", "tauri:options": { application: APP } } },
      30_000,
    );
  } catch (error) {
    // With no usable display the app panics ("Failed to initialize GTK") and this hangs.
    throw new Error(`could not start the app through tauri-driver (DISPLAY=${env.DISPLAY}): ${error.message}`, {
      cause: error,
    });
  }
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
    dataDir = null;
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

/** Fails fast (with evidence) instead of leaving a bare assertion. */
async function withEvidence(name, flow) {
  try {
    await flow();
  } catch (error) {
    if (lastSnapshot) {
      const { rows, ...rest } = lastSnapshot;
      console.error(`last snapshot: ${JSON.stringify({ ...rest, rowCount: rows.length, firstRows: rows.slice(0, 4) })}`);
    }
    if (session) {
      await session
        .screenshot()
        .then((png) => writeFileSync(path.join(SHOTS, `failure-${name}.png`), png))
        .catch((e) => console.error(`failure screenshot: ${e.message}`));
    }
    throw error;
  }
}

/**
 * Calls the backend's `decide` command for `approvalId` from the page, the way the UI does,
 * `times` times concurrently. Resolves to [{ ok, code, message }].
 */
function decideFromPage(approvalId, times) {
  return session.executeAsync(
    `const [approvalId, times, done] = arguments;
     const call = () => window.__TAURI_INTERNALS__.invoke("decide", { approvalId, decision: "approve", reason: null });
     Promise.allSettled(Array.from({ length: times }, call)).then((results) =>
       done(results.map((r) => r.status === "fulfilled"
         ? { ok: true, code: null, message: JSON.stringify(r.value) }
         : { ok: false, code: r.reason?.code ?? null, message: r.reason?.message ?? String(r.reason) })));`,
    approvalId,
    times,
  );
}

/**
 * Waits until `approvalId`'s action is delivered (badge) or the step has left the queue (the
 * source's answer is mirrored at once), and nothing is pending. Returns the last snapshot with
 * `state` and the badge states seen; a refusal or an error toast ends the wait early.
 */
async function waitDelivered(approvalId) {
  const seen = [];
  const done = await waitFor(
    `approval ${approvalId} delivered and 0 pending actions`,
    async () => {
      const s = await snapshot();
      const row = s.rows.find((r) => r.id === approvalId);
      const state = row ? row.badge : "gone";
      if (seen.at(-1) !== state) seen.push(state);
      if (state === "refused") return { ...s, state, seen };
      if (state === null && s.toasts.length > 0) return { ...s, state: "error", seen };
      return (state === "delivered" || state === "gone") && s.pending === "0 pending actions"
        ? { ...s, state, seen }
        : null;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  assert.notEqual(done.state, "refused", `the source refused the approval: ${JSON.stringify(done)}`);
  assert.notEqual(done.state, "error", `approving failed: ${JSON.stringify(done.toasts)}`);
  return done;
}

let endpoint = null;

test("approving with the keyboard sends exactly one decision to the source", { timeout: 60_000 }, () =>
  withEvidence("approve", async () => {
    // 1. The Approvals screen is up, with at least two rows, and a connection endpoint.
    const first = await waitFor(
      "at least two approval rows and a selected one",
      async () => {
        const s = await snapshot();
        return s.rows.length >= 2 && s.selectedId !== null ? s : null;
      },
      { timeoutMs: 30_000 },
    );
    endpoint = (await (await session.find('[data-testid="connection-endpoint"]')).text()).trim();
    assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/, `unexpected endpoint text: ${endpoint}`);
    assert.equal(first.selectedId, first.rows[0].id, "the first row starts selected");
    assert.deepEqual(await sandboxDecisions(endpoint), [], "no decision exists before we act");

    // Keys go to the focused element; it must not be a form control (keys are ignored there).
    await session.execute(
      "if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();",
    );

    // 2. `j` moves the selection to the second row.
    await session.pressKeys("j");
    const target = await waitFor("selection to move to the second row", async () => {
      const s = await snapshot();
      return s.selectedId === first.rows[1].id ? s.rows.find((r) => r.id === s.selectedId) : null;
    });
    const approvalId = await (await session.find(SELECTED_ROW)).attribute("data-approval-id");
    assert.equal(approvalId, target.id);
    assert.equal(target.badge, null, "the row has no pending action before we approve");

    // 3. `a` approves it.
    await session.pressKeys("a");
    await session.releaseActions();

    // 3b. Deciding the same row again straight away is refused by the backend. (A second `a`
    // press cannot be aimed at the same row reliably: the UI moves the selection on as soon as
    // the first decision is queued; see the double-press test below.)
    const again = await decideFromPage(approvalId, 2);
    for (const r of again) {
      assert.equal(r.ok, false, `a second decision on ${approvalId} was accepted: ${r.message}`);
      assert.equal(r.code, "conflict", `unexpected refusal: ${JSON.stringify(r)}`);
    }

    // 4. Delivered (or already out of the queue), 0 pending, 0 failed, no sync error.
    const done = await waitDelivered(approvalId);
    assert.equal(done.failed, "0 failed actions", `status bar: ${JSON.stringify(done)}`);
    assert.equal(done.syncError, null, "no sync error");
    console.log(`badge states seen for ${approvalId}: ${done.seen.join(" -> ")}`);
    if (done.toasts.length > 0) console.log(`error toasts: ${JSON.stringify(done.toasts)}`);

    // 4b. Once delivered, deciding it again is still refused (the step is approved now).
    const late = await decideFromPage(approvalId, 1);
    assert.equal(late[0].ok, false, `a decision after delivery was accepted: ${late[0].message}`);
    assert.equal(late[0].code, "conflict", `unexpected refusal: ${JSON.stringify(late[0])}`);

    // 5. Exactly one decision reached the source: ours, an approval.
    const decisions = await sandboxDecisions(endpoint);
    assert.equal(decisions.length, 1, `expected exactly one decision, got ${JSON.stringify(decisions, null, 2)}`);
    assert.equal(decisions[0].approval_id, approvalId);
    assert.equal(decisions[0].decision, "approve");
    assert.equal(decisions[0].actor_id, USER);

    // 6. The screenshot, once the screen has painted.
    await session.settle();
    const png = await session.screenshot();
    assert.ok(png.subarray(0, 8).equals(Buffer.from("89504e470d0a1a0a", "hex")), "screenshot is a PNG");
    writeFileSync(path.join(SHOTS, "approvals.png"), png);
  }),
);

// After `a` the UI moves the selection to the next row; a quick second press must not approve that
// row too.
test(
  "a quick double press of `a` approves only the selected row",
  { timeout: 30_000 },
  () =>
    withEvidence("double-a", async () => {
      assert.ok(endpoint, "the first test found the endpoint");
      const before = (await sandboxDecisions(endpoint)).length;
      const s = await snapshot();
      assert.ok(s.selectedId, "a row is selected");
      const approvalId = s.selectedId;
      await session.pressKeys("aa");
      await session.releaseActions();
      await waitDelivered(approvalId);
      // Let a second, unwanted decision (if any) be queued and land too.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await waitFor("0 pending actions", async () => (await snapshot()).pending === "0 pending actions");
      const added = (await sandboxDecisions(endpoint)).slice(before);
      assert.deepEqual(
        added.map((d) => d.approval_id),
        [approvalId],
        `one double press on ${approvalId} made ${added.length} decisions: ${JSON.stringify(added)}`,
      );
    }),
);
