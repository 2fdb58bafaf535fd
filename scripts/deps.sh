#!/usr/bin/env bash
# Installs what building, running and testing Control Tower needs on Debian/Ubuntu, and only
# what is missing, so a second run takes a second. Usage: scripts/deps.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

apt_packages=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config libdbus-1-dev
  gnome-keyring dbus dbus-x11 libsecret-tools xvfb xauth)
if [ "$mode" = test ]; then apt_packages+=(webkit2gtk-driver); fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (Rust via rustup, Node.js 20+)"; exit 1; }
done

# UI packages, from the lockfile.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "==> installing UI packages (npm ci)"
  (cd ui && npm ci --no-audit --no-fund)
fi

# The WebDriver bridge for end-to-end tests of the real window.
if [ "$mode" = test ] && ! command -v tauri-driver >/dev/null; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --version ^2 --locked
fi
