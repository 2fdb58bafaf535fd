#!/usr/bin/env bash
# End-to-end test of the real app window: tauri-driver + WebKitWebDriver drive target/debug/control-tower
# (tests/e2e/*.test.mjs, Node's built-in runner, no npm dependencies). Installs tauri-driver when
# missing, builds the app, and runs the tests inside a private keyring session, under Xvfb when
# there is no display. Exit code: the tests'.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

need() { command -v "$1" >/dev/null 2>&1 || { echo "e2e: '$1' not found ($2)" >&2; exit 2; }; }
need node "Node 20+"
need WebKitWebDriver "apt-get install webkit2gtk-driver"

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "e2e: installing tauri-driver (~1.5 min)" >&2
  cargo install tauri-driver --version '^2' --locked
fi

# The UI is embedded in the binary: it must be built first (a fresh clone has no ui/dist).
if [ ! -f ui/dist/index.html ]; then
  echo "e2e: building the UI" >&2
  (cd ui && { [ -d node_modules ] || npm ci; } && npm run build)
fi
# Always (re)build so the test runs the current code; a no-op build takes a second.
cargo build -p control-tower

run=(scripts/with-keyring.sh node --test tests/e2e/)
if [ -z "${DISPLAY:-}" ]; then
  need xvfb-run "apt-get install xvfb xauth"
  run=(xvfb-run -a -s "-screen 0 1440x900x24" "${run[@]}")
fi

status=0
"${run[@]}" || status=$?
exit "$status"
