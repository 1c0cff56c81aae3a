#!/usr/bin/env bash
# The benchmark command (not part of the tests): Outpost side by side with PouchDB 9 +
# express-pouchdb 4 (installed into bench/ from its lock file) and with this machine's
# limits (plain SQLite, SQLCipher, pgbench), on identical synthetic clinic data, every
# contender taking turns, 3 rounds per row. Prints each row's ratios (median, min, max)
# and writes them with the machine's description to docs/BENCHMARKS.md.
#   scripts/bench.sh              # every row, rewrites docs/BENCHMARKS.md
#   scripts/bench.sh --rows c     # some rows only (prints, does not write the file)
# The contenders' files go to $OUTPOST_BENCH_DIR (default: the system temp dir); keep it
# on the disk you want measured, not on tmpfs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

step "installing dependencies (skipped when present)"
scripts/install-deps.sh
for tool in node npm pgbench psql initdb; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing (Node 20 and the Postgres 15 binaries are expected on PATH)" >&2; exit 1; }
done
if [ ! -d bench/node_modules ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  echo "==> installing the PouchDB contenders (bench/, npm ci)"
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

step "building the benchmark and outpost-server (release)"
cargo build --release --locked -p outpost-compare -p outpost-sync-server --bin outpost-compare --bin outpost-server

step "running (about 10 minutes)"
exec scripts/with-keyring.sh target/release/outpost-compare --bench-dir bench --write docs/BENCHMARKS.md "$@"
