#!/usr/bin/env bash
# Runs Outpost on this machine: a local Postgres cluster under $OUTPOST_HOME, the sync
# server on it, this workstation enrolled in a demo clinic with a little demo data, and the
# desktop app. Everything is kept between runs, so running it again reuses the same clinic,
# records and keyring. Closing the app stops the server and Postgres.
#
#   OUTPOST_HOME   where everything lives (default /var/lib/outpost-demo)
#   needs a display; on a headless machine run it under Xvfb:
#     xvfb-run -a -s "-screen 0 1280x800x24" scripts/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=lib/pg.sh
. scripts/lib/pg.sh

home="${OUTPOST_HOME:-/var/lib/outpost-demo}"
say() { printf '==> %s\n' "$*"; }

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<MSG
No display found, so the desktop app has nowhere to open its window.
Run Outpost in a virtual display instead:
    xvfb-run -a -s "-screen 0 1280x800x24" scripts/run.sh
(take a picture of it with: DISPLAY=<the :N xvfb-run chose> import -window root shot.png)
MSG
  exit 1
fi

# The app keeps its database key and device token in the OS keyring. Without a desktop
# session keyring, run under a Secret Service kept in $home/keyring.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${OUTPOST_IN_KEYRING:-}" ]; then
  mkdir -p "$home"
  export OUTPOST_KEYRING_DIR="$home/keyring" OUTPOST_IN_KEYRING=1
  export OUTPOST_KEYRING_PASSWORD="${OUTPOST_KEYRING_PASSWORD:-outpost-demo}"
  exec scripts/with-keyring.sh "$0" "$@"
fi

say "installing dependencies (skipped when present)"
scripts/install-deps.sh

say "building the front end and the binaries"
(cd ui && npm run --silent build)
cargo build -p outpost-sync-server -p outpost-cli -p outpost-desktop
bin="$root/target/debug"

mkdir -p "$home"
chmod 755 "$home"
pg_dir="$home/postgres"
[ -f "$home/pg.port" ] || free_port >"$home/pg.port"
[ -f "$home/server.port" ] || free_port >"$home/server.port"
pg_port="$(cat "$home/pg.port")"
server_port="$(cat "$home/server.port")"
export OUTPOST_DATABASE_URL="postgres://outpost@127.0.0.1:$pg_port/outpost"
export OUTPOST_DATA_DIR="$home/workstation"
export OUTPOST_USER="${OUTPOST_USER:-nurse.demo}"

say "starting Postgres on 127.0.0.1:$pg_port (data in $pg_dir)"
pg_init "$pg_dir"
pg_start "$pg_dir" "$pg_port"
pg_ensure_db "$pg_port" outpost

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  pg_stop "$pg_dir"
}
trap cleanup EXIT

say "starting the sync server on 127.0.0.1:$server_port (log: $home/server.log)"
"$bin/outpost-server" serve --listen "127.0.0.1:$server_port" >>"$home/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$server_port/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { tail -20 "$home/server.log" >&2; exit 1; }
  sleep 0.5
done

if [ ! -f "$OUTPOST_DATA_DIR/replica.sqlite3" ]; then
  say "enrolling this workstation in the demo clinic"
  clinic="$("$bin/outpost-server" clinic create --name "Outpost Demo Clinic" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  code="$("$bin/outpost-server" device enroll --clinic "$clinic" --name "$(hostname) workstation" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')"
  "$bin/outpost" enroll --server "http://127.0.0.1:$server_port" --code "$code"
fi

if [ "$("$bin/outpost" patient list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ]; then
  say "loading demo patients"
  add_patient() { "$bin/outpost" patient add --name "$1" --dob "$2" --sex "$3" --mrn "$4" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
  p1="$(add_patient "Amara Okafor" 1984-03-07 female DEMO-0001)"
  p2="$(add_patient "Tomás Rivera" 1959-11-23 male DEMO-0002)"
  add_patient "Mei Lin" 2015-06-30 female DEMO-0003 >/dev/null
  "$bin/outpost" vitals add --patient "$p1" --temp 36.9 --bp 118/76 --hr 72 --rr 14 --spo2 98 --weight 64 >/dev/null
  "$bin/outpost" vitals add --patient "$p2" --temp 38.2 --bp 142/88 --hr 96 --rr 20 --spo2 94 >/dev/null
  "$bin/outpost" sync >/dev/null || true
fi

say "launching the desktop app (close its window to stop Outpost)"
"$bin/outpost-desktop"
