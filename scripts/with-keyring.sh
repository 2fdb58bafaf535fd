#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring, the way a Linux
# desktop provides one, so tests exercise the real Secret Service backend. HOME and
# XDG_RUNTIME_DIR point at fresh folders, so nothing touches the user's own keyring.
set -euo pipefail
if [ "${CTOWER_IN_KEYRING_SESSION:-}" = 1 ]; then exec "$@"; fi
# Cargo, rustup and npm's cache live under the real HOME; keep them reachable.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
tmp=$(mktemp -d)
mkdir -p "$tmp/home" "$tmp/run" && chmod 700 "$tmp/run"
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" CTOWER_IN_KEYRING_SESSION=1
exec dbus-run-session -- bash -c 'echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' bash "$@"
