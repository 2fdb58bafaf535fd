// A tiny W3C WebDriver client over fetch (Node 20), plus the process plumbing the end-to-end
// tests need: free ports, a private Xvfb when there is no display, and tauri-driver in its own
// process group so that everything it starts (WebKitWebDriver, the app) can be killed at once.
// No npm dependencies.

import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** The W3C key for elements in JSON responses. */
const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(method, path, status, body) {
    const value = body && typeof body === "object" ? body.value : undefined;
    const detail =
      value && typeof value === "object" && "error" in value
        ? `${value.error}: ${value.message}`
        : JSON.stringify(body);
    super(`WebDriver ${method} ${path} -> HTTP ${status}: ${detail}`);
    this.status = status;
    this.code = value && typeof value === "object" ? value.error : undefined;
  }
}

/** Every request is bounded: a hung driver must fail the test, not stall it. */
async function request(base, method, path, body, timeoutMs = 15_000) {
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const what = error?.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : String(error);
    throw new Error(`WebDriver ${method} ${path}: ${what}`, { cause: error });
  }
  const text = await response.text();
  let json;
  try {
    json = text === "" ? {} : JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  if (!response.ok) throw new WebDriverError(method, path, response.status, json);
  return json.value;
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }
  #path(suffix) {
    return `/element/${this.id}${suffix}`;
  }
  attribute(name) {
    return this.session.cmd("GET", this.#path(`/attribute/${encodeURIComponent(name)}`));
  }
  text() {
    return this.session.cmd("GET", this.#path("/text"));
  }
  click() {
    return this.session.cmd("POST", this.#path("/click"), {});
  }
  sendKeys(text) {
    return this.session.cmd("POST", this.#path("/value"), { text });
  }
  async find(css) {
    const value = await this.session.cmd("POST", this.#path("/element"), { using: "css selector", value: css });
    return new Element(this.session, value[ELEMENT_KEY]);
  }
  /** The form execute() scripts receive as an argument (they see the DOM node). */
  toJSON() {
    return { [ELEMENT_KEY]: this.id };
  }
}

export class Session {
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  /**
   * Creates a session. Session creation hangs when the app cannot open its window (no display),
   * so it has its own timeout.
   */
  static async create(base, capabilities, timeoutMs = 30_000) {
    const value = await request(base, "POST", "/session", { capabilities }, timeoutMs);
    return new Session(base, value.sessionId, value.capabilities);
  }

  cmd(method, path, body, timeoutMs) {
    return request(this.base, method, `/session/${this.id}${path}`, body, timeoutMs);
  }

  async find(css) {
    const value = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return new Element(this, value[ELEMENT_KEY]);
  }

  async findAll(css) {
    const values = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return values.map((v) => new Element(this, v[ELEMENT_KEY]));
  }

  /** Runs `script` (a function body) in the page; `return` gives the result. */
  execute(script, ...args) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Runs `script` in the page; it calls `arguments[arguments.length - 1](result)` when done. */
  executeAsync(script, ...args) {
    return this.cmd("POST", "/execute/async", { script, args });
  }

  /** Types `keys` (each character a key press) into whatever has focus, via the Actions API. */
  async pressKeys(keys) {
    const actions = [];
    for (const key of keys) actions.push({ type: "keyDown", value: key }, { type: "keyUp", value: key });
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  releaseActions() {
    return this.cmd("DELETE", "/actions");
  }

  /** Waits for two animation frames, so the screen has painted what the DOM says. */
  async settle() {
    await this.executeAsync(
      "const done = arguments[arguments.length - 1];" +
        "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
    );
  }

  /** A PNG of the window, as a Buffer. */
  async screenshot() {
    const base64 = await this.cmd("GET", "/screenshot", undefined, 30_000);
    return Buffer.from(base64, "base64");
  }

  async delete() {
    await request(this.base, "DELETE", `/session/${this.id}`, undefined, 10_000);
  }
}

/**
 * Polls `probe` until it returns a truthy value or `timeoutMs` passes. On timeout it throws,
 * naming what it waited for and the last value seen (or the last error).
 */
export async function waitFor(what, probe, { timeoutMs = 20_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (last) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${detail})`);
    }
    await sleep(intervalMs);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `Xvfb` on the first free display number (Xvfb picks it and reports it on fd 3).
 * Returns { display, stop }.
 */
export async function startXvfb({ screen = "1440x900x24", timeoutMs = 10_000 } = {}) {
  const child = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const display = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Xvfb did not report a display within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stdio[3].on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(`:${out.trim()}`);
      }
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code ?? signal}) before reporting a display: ${stderr}`));
    });
  });
  return {
    display,
    pid: child.pid,
    stop: () => stopChild(child, { group: false }),
    killNow: () => killQuietly(child.pid, "SIGKILL"),
  };
}

/**
 * Starts tauri-driver in a new process group (detached), with its output appended to `logFile`.
 * The app is started by WebKitWebDriver, itself started by tauri-driver: all inherit `env`.
 * Returns { url, stop, killNow }; `stop` kills the whole group.
 */
export async function startTauriDriver({ port, nativePort, env, logFile, readyTimeoutMs = 15_000 }) {
  const log = openSync(logFile, "w");
  const child = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    detached: true,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  let exited = null;
  child.on("exit", (code, signal) => (exited = code ?? signal));
  const spawnError = new Promise((_, reject) => child.on("error", reject));
  spawnError.catch(() => {});

  const url = `http://127.0.0.1:${port}`;
  const handle = {
    url,
    pid: child.pid,
    stop: () => stopChild(child, { group: true }),
    killNow: () => killQuietly(-child.pid, "SIGKILL"),
  };
  try {
    await Promise.race([
      spawnError,
      waitFor(
        `tauri-driver to listen on ${url}`,
        async () => {
          if (exited !== null) throw new Error(`tauri-driver exited (${exited}); see ${logFile}`);
          const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2_000) });
          await res.text();
          return true;
        },
        { timeoutMs: readyTimeoutMs, intervalMs: 100 },
      ),
    ]);
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after a grace period; with `group`, the child's whole process group. */
async function stopChild(child, { group, graceMs = 3_000 }) {
  if (child.pid === undefined) return;
  const target = group ? -child.pid : child.pid;
  const alive = () => (group ? groupAlive(child.pid) : child.exitCode === null && child.signalCode === null);
  if (!alive()) return;
  killQuietly(target, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(50);
  if (alive()) killQuietly(target, "SIGKILL");
  const hardDeadline = Date.now() + 2_000;
  while (alive() && Date.now() < hardDeadline) await sleep(50);
}

// ----- page helpers -----

/** textContent (trimmed) of the first element matching `css`, or null. */
export function textOf(session, css) {
  return session.execute("const el = document.querySelector(arguments[0]); return el ? el.textContent.trim() : null;", css);
}

/**
 * Picks `value` in the <select> with data-testid `testid` as a choice from its list does (input and
 * change events, which React listens to), leaves the control, and waits until it shows the value.
 */
export async function selectOption(session, testid, value) {
  const found = await session.execute(
    `const [testid, value] = arguments;
     const el = document.querySelector('[data-testid="' + testid + '"]');
     if (!el || el.tagName !== "SELECT" || ![...el.options].some((o) => o.value === value)) return false;
     el.focus();
     Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set.call(el, value);
     el.dispatchEvent(new Event("input", { bubbles: true }));
     el.dispatchEvent(new Event("change", { bubbles: true }));
     el.blur();
     return true;`,
    testid,
    value,
  );
  if (!found) throw new Error(`no <select data-testid="${testid}"> with an option "${value}"`);
  await waitFor(`select ${testid} to show "${value}"`, () =>
    session.execute(`return document.querySelector('[data-testid="${testid}"]')?.value === arguments[0];`, value),
  );
}

/** Blurs the focused element: single-key shortcuts are ignored while a form control has focus. */
export function blurFocus(session) {
  return session.execute(
    "if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();",
  );
}

/** Calls a Tauri command from the page, the way the UI does. Resolves to { ok } or { err }. */
export function invokeCommand(session, command, args = {}) {
  return session.executeAsync(
    `const [command, args, done] = arguments;
     window.__TAURI_INTERNALS__.invoke(command, args).then((ok) => done({ ok }), (err) => done({ err }));`,
    command,
    args,
  );
}
