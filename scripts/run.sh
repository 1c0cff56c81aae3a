#!/usr/bin/env bash
# Runs Outpost on this machine: a local Postgres cluster under $OUTPOST_HOME, the sync
# server on it, this workstation enrolled in a demo clinic with demo users, a published
# encounter template and a little demo data, and the desktop app, which opens at its
# sign-in screen (the demo users and passwords are printed before it starts). Everything is
# kept between runs, so running it again reuses the same clinic, users, records and
# keyring. Closing the app stops the server and Postgres.
#
#   OUTPOST_HOME          where everything lives (default /var/lib/outpost-demo)
#   OUTPOST_IDLE_MINUTES  automatic logoff after this many idle minutes (default 10)
#   needs a display; on a headless machine run it under Xvfb:
#     xvfb-run -a -s "-screen 0 1366x768x24" scripts/run.sh
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
    xvfb-run -a -s "-screen 0 1366x768x24" scripts/run.sh
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

# The demo clinic's users: username, role, full name, password. Demo passwords only; they
# are printed so the person running the demo can sign in.
demo_users=(
  "admin.demo|admin|Ada Admin|demo-admin-pass"
  "dr.demo|doctor|Dr Dana Demo|demo-doctor-pass"
  "surgeon.demo|surgeon|Dr Sam Surgeon|demo-surgeon-pass"
  "nurse.demo|nurse|Nurse Nia Demo|demo-nurse-pass"
)
password_of() { local u; for u in "${demo_users[@]}"; do [ "${u%%|*}" = "$1" ] && { printf '%s\n' "${u##*|}"; return; }; done; }
json_get() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

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

clinic_name="Outpost Demo Clinic"
clinic="$("$bin/outpost-server" clinic list --json | python3 -c '
import json, sys
ids = [c["id"] for c in json.load(sys.stdin) if c["name"] == sys.argv[1]]
print(ids[0] if ids else "")' "$clinic_name")"
if [ -z "$clinic" ]; then
  say "creating the demo clinic"
  clinic="$("$bin/outpost-server" clinic create --name "$clinic_name" --json | json_get id)"
fi

if [ ! -f "$OUTPOST_DATA_DIR/replica.sqlite3" ]; then
  say "enrolling this workstation in the demo clinic"
  code="$("$bin/outpost-server" device enroll --clinic "$clinic" --name "$(hostname) workstation" --json | json_get code)"
  "$bin/outpost" enroll --server "http://127.0.0.1:$server_port" --code "$code"
fi

existing="$("$bin/outpost-server" user list --clinic "$clinic" --json | python3 -c 'import json,sys; print(" ".join(u["username"] for u in json.load(sys.stdin)))')"
for u in "${demo_users[@]}"; do
  IFS='|' read -r username role full_name password <<<"$u"
  case " $existing " in *" $username "*) continue ;; esac
  say "adding the demo user $username ($role)"
  printf '%s\n' "$password" | "$bin/outpost-server" user add --clinic "$clinic" \
    --username "$username" --full-name "$full_name" --role "$role" >/dev/null
done
# Brings the users to this workstation, so sign-in works here even with the server down.
"$bin/outpost" sync >/dev/null

# login_as USER: signs USER in on this workstation for the CLI writes that follow.
login_as() { password_of "$1" | "$bin/outpost" login --user "$1" >/dev/null; }

if [ "$("$bin/outpost" template list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ]; then
  say "publishing a demo encounter template (as admin.demo)"
  login_as admin.demo
  tid="$("$bin/outpost" template new --name "General consultation" --specialty general --visit-type follow_up)"
  "$bin/outpost" template page --id "$tid" --page visit --title Visit
  "$bin/outpost" template section --id "$tid" --page visit --section findings --title Findings --w 12 --h 2
  "$bin/outpost" template field --id "$tid" --section findings --field bp_sys --label "Systolic BP" \
    --type number --unit mmHg --min 50 --max 250 --from-vitals systolic_mmhg --x 0 --y 0 --w 4
  "$bin/outpost" template field --id "$tid" --section findings --field temp --label "Temperature" \
    --type number --unit "°C" --min 30 --max 45 --from-vitals temperature_c --x 4 --y 0 --w 4
  "$bin/outpost" template field --id "$tid" --section findings --field impression --label Impression \
    --type text --x 0 --y 1 --w 12
  "$bin/outpost" template publish --id "$tid" >/dev/null
  "$bin/outpost" sync >/dev/null || true
  "$bin/outpost" logout >/dev/null
fi

if [ "$("$bin/outpost" patient list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ]; then
  say "loading demo patients (as nurse.demo)"
  login_as nurse.demo
  add_patient() { "$bin/outpost" patient add --name "$1" --dob "$2" --sex "$3" --mrn "$4" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
  p1="$(add_patient "Amara Okafor" 1984-03-07 female DEMO-0001)"
  p2="$(add_patient "Tomás Rivera" 1959-11-23 male DEMO-0002)"
  add_patient "Mei Lin" 2015-06-30 female DEMO-0003 >/dev/null
  "$bin/outpost" vitals add --patient "$p1" --temp 36.9 --bp 118/76 --hr 72 --rr 14 --spo2 98 --weight 64 >/dev/null
  "$bin/outpost" vitals add --patient "$p2" --temp 38.2 --bp 142/88 --hr 96 --rr 20 --spo2 94 >/dev/null
  "$bin/outpost" sync >/dev/null || true
  "$bin/outpost" logout >/dev/null
fi

cat <<MSG

==> Outpost is running. Sign in to the app with one of the demo users:
      username      password            role
MSG
for u in "${demo_users[@]}"; do
  IFS='|' read -r username role _ password <<<"$u"
  printf '      %-13s %-19s %s\n' "$username" "$password" "$role"
done
printf '    (idle for %s minutes and the app signs you out)\n\n' "${OUTPOST_IDLE_MINUTES:-10}"

say "launching the desktop app (close its window to stop Outpost)"
"$bin/outpost-desktop"
