#!/usr/bin/env bash
# Installs what Outpost needs on a fresh Debian 12 machine: system packages for Tauri 2,
# SQLCipher, the Secret Service keyring, the desktop end-to-end test, and the npm packages
# of the front end and its test tools. Idempotent: installed parts are skipped quickly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

apt_packages=(
  # Tauri 2 build
  build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev libsoup-3.0-dev
  libjavascriptcoregtk-4.1-dev librsvg2-dev libxdo-dev
  # Secret Service keyring (real OS keyring, also used headless)
  dbus dbus-x11 gnome-keyring libsecret-tools libdbus-1-dev
  # desktop under test
  xvfb xauth webkit2gtk-driver imagemagick
  # Postgres helpers (pg_ctl etc. are already on the machine)
  procps util-linux curl python3
  # schemathesis (API fuzzing from the OpenAPI document) lives in a venv in the repo
  python3-venv
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo-nextest >/dev/null 2>&1 && ! cargo nextest --version >/dev/null 2>&1; then
  echo "==> installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

# schemathesis from PyPI into .venv/ (gitignored), pinned; sync-server/tests/api_fuzz.rs runs it.
schemathesis_version="4.32.5"
if ! "$here/.venv/bin/schemathesis" --version 2>/dev/null | grep -q "version $schemathesis_version\$"; then
  echo "==> installing schemathesis $schemathesis_version into .venv/"
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

# `npm install` (not `npm ci`): npm 11 leaves other platforms' optional packages (rollup's
# native builds) out of the lock file, and `npm ci` then refuses the lock as out of sync.
if [ -f "$here/ui/package.json" ]; then
  if [ ! -d "$here/ui/node_modules" ] || [ "$here/ui/package-lock.json" -nt "$here/ui/node_modules/.package-lock.json" ]; then
    echo "==> installing npm packages of ui/"
    (cd "$here/ui" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
if [ -f "$here/tests/desktop/package.json" ]; then
  if [ ! -d "$here/tests/desktop/node_modules" ] || [ "$here/tests/desktop/package-lock.json" -nt "$here/tests/desktop/node_modules/.package-lock.json" ]; then
    echo "==> installing npm packages of tests/desktop/"
    (cd "$here/tests/desktop" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
