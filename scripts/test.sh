#!/usr/bin/env bash
# Runs every Outpost test on this machine: formatting and lints, the front end's unit
# tests, every Rust test (domain, replica on real SQLCipher files with the real Secret
# Service keyring, server and end-to-end scenarios on real Postgres clusters started and
# removed by the tests), then the real desktop app under Xvfb driven by tauri-driver.
# Installs what it needs first; safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

# A CI checkout is built once from clean: incremental caches would only take disk
# (3 GB of it) and time there.
if [ "${CI:-}" = "true" ]; then
  export CARGO_INCREMENTAL=0
fi

step "installing dependencies (skipped when present)"
scripts/install-deps.sh

step "front end: unit tests, type check and production build"
(cd ui && npm test --silent && npm run --silent build)

step "formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "building the binaries and tests (the end-to-end tests run the real outpost-server and app)"
# With --tests the binaries are built with the same features as the tests (dev-dependencies
# add some), so nextest below reuses them instead of building the dependency tree twice.
cargo build --workspace --bins --tests --locked

step "Rust tests (real SQLCipher, Secret Service keyring, Postgres)"
scripts/with-keyring.sh cargo nextest run --workspace --locked --no-fail-fast

step "fuzzing the HTTP API from its OpenAPI document (schemathesis, real server + Postgres)"
# --workspace keeps the features the build above resolved, so only the server is rebuilt.
cargo nextest run --workspace --features outpost-sync-server/api-fuzz --test api_fuzz --locked

if [ "${CI:-}" = "true" ]; then
  step "generated TypeScript bindings are committed and current"
  git diff --exit-code -- ui/src/bindings || {
    echo "ui/src/bindings changed when the Rust types were exported: run the tests locally and commit ui/src/bindings" >&2
    exit 1
  }
fi

step "desktop end-to-end (real app under Xvfb, tauri-driver + WebKitWebDriver)"
OUTPOST_E2E_PREBUILT=1 tests/desktop/run.sh

printf '\nall tests passed in %ss\n' "$(( $(date +%s) - started ))"
