#!/usr/bin/env bash
# Desktop end-to-end test: the real Outpost app under Xvfb, driven by WebDriver
# (tauri-driver + WebKitWebDriver), against a real sync server on a throwaway Postgres
# cluster, with the replica's key and device token in a real Secret Service keyring.
# Screenshots of every step go to tests/desktop/artifacts/. Exits non-zero on any failure.
#
#   usage: tests/desktop/run.sh            (from anywhere; needs scripts/install-deps.sh)
#
# Internally the script re-runs itself: `inner` inside one keyring session and one Xvfb
# display (so the enrolling CLI and the app share the keyring), and `server start|stop`,
# which the scenario calls to take the sync server away and bring it back.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$root/target/debug"
say() { printf '[desktop-e2e %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { say "FAILED: $*" >&2; exit 1; }

# ---- server control (called by the scenario with E2E_WORK set) -------------------------
server_start() {
  local listen="${1:-127.0.0.1:0}" log="$E2E_WORK/server.log" i
  : >"$log"
  "$bin/outpost-server" serve --listen "$listen" >>"$log" 2>&1 &
  echo $! >"$E2E_WORK/server.pid"
  for i in $(seq 1 150); do
    if grep -q 'listening on http://' "$log"; then
      grep -o 'listening on http://[^ ]*' "$log" | head -1 | sed 's|listening on ||' >"$E2E_WORK/server.url"
      return 0
    fi
    kill -0 "$(cat "$E2E_WORK/server.pid")" 2>/dev/null || { cat "$log" >&2; die "the sync server exited at start"; }
    sleep 0.2
  done
  cat "$log" >&2
  die "the sync server did not say where it listens within 30 s"
}

server_stop() {
  local pid
  pid="$(cat "$E2E_WORK/server.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$E2E_WORK/server.pid"
}

if [ "${1:-}" = server ]; then
  [ -n "${E2E_WORK:-}" ] || die "server control needs E2E_WORK (it is called by the scenario)"
  case "${2:-}" in
    stop) server_stop ;;
    start) server_start "$(sed 's|^http://||' "$E2E_WORK/server.url")" ;;
    *) die "usage: $0 server start|stop" ;;
  esac
  exit 0
fi

# json_field NAME: prints field NAME of the JSON object on stdin.
json_field() {
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(v===undefined)process.exit(1);console.log(v)})' "$1"
}

# ---- inner: inside the keyring session and the Xvfb display -------------------------------
if [ "${1:-}" = inner ]; then
  # shellcheck source=../../scripts/lib/pg.sh
  source "$root/scripts/lib/pg.sh"
  pgdir=""; driver_pid=""
  export E2E_WORK
  E2E_WORK="$(mktemp -d /tmp/outpost-desktop-e2e.XXXXXX)"
  pgdir="$(mktemp -d /tmp/outpost-desktop-pg.XXXXXX)"
  cleanup() {
    local rc=$?
    [ -n "$driver_pid" ] && kill "$driver_pid" 2>/dev/null || true
    server_stop
    pg_stop "$pgdir" immediate
    if [ $rc -ne 0 ]; then
      for f in server.log driver.log; do
        [ -s "$E2E_WORK/$f" ] && { say "--- last lines of $f"; tail -30 "$E2E_WORK/$f" >&2; }
      done
    fi
    rm -rf "$E2E_WORK" "$pgdir"
    exit $rc
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  say "starting a throwaway Postgres cluster"
  pg_init "$pgdir"
  pg_port="$(free_port)"
  pg_start "$pgdir" "$pg_port" "-c fsync=off"
  pg_ensure_db "$pg_port" outpost
  export OUTPOST_DATABASE_URL="postgres://outpost@127.0.0.1:$pg_port/outpost"

  say "starting the sync server"
  server_start 127.0.0.1:0
  url="$(cat "$E2E_WORK/server.url")"
  say "sync server at $url"

  export E2E_CLINIC_NAME="Riverside E2E Clinic"
  clinic_id="$("$bin/outpost-server" clinic create --name "$E2E_CLINIC_NAME" --json | json_field id)"
  code="$("$bin/outpost-server" device enroll --clinic "$clinic_id" --name "Ward 3 desk" --json | json_field code)"
  [ -n "$clinic_id" ] && [ -n "$code" ] || die "could not read the clinic id or the enrollment code"

  export OUTPOST_DATA_DIR="$E2E_WORK/workstation" OUTPOST_USER="dr.e2e"
  say "enrolling the workstation replica"
  "$bin/outpost" --data-dir "$OUTPOST_DATA_DIR" enroll --server "$url" --code "$code"
  # The server accepts a change only from a clinic user signed in on that workstation. The
  # app has no sign-in screen yet (issue 5, phase 2), so users sign in with the CLI on the
  # same replica: an admin publishes the encounter template the scenario charts on, then
  # the doctor signs in and the app charts as that user (OUTPOST_USER).
  password="e2e clinician passphrase 4821"
  outpost_cli() { "$bin/outpost" --data-dir "$OUTPOST_DATA_DIR" "$@"; }
  for who in admin.e2e:admin "$OUTPOST_USER":doctor; do
    printf '%s\n' "$password" | "$bin/outpost-server" user add --clinic "$clinic_id" \
      --username "${who%%:*}" --full-name "E2E ${who##*:}" --role "${who##*:}" >/dev/null
  done
  say "publishing an encounter template as the admin"
  printf '%s\n' "$password" | OUTPOST_USER=admin.e2e outpost_cli login --user admin.e2e >/dev/null
  tid="$(OUTPOST_USER=admin.e2e outpost_cli template new --name "Cardiology intake" --specialty cardiology --visit-type new_patient)"
  OUTPOST_USER=admin.e2e outpost_cli template page --id "$tid" --page intake --title Intake
  OUTPOST_USER=admin.e2e outpost_cli template section --id "$tid" --page intake --section findings --title Findings --w 12 --h 2
  OUTPOST_USER=admin.e2e outpost_cli template field --id "$tid" --section findings --field bp_sys --label "Systolic BP" \
    --type number --unit mmHg --min 50 --max 250 --required --from-vitals systolic_mmhg --x 0 --y 0 --w 4
  OUTPOST_USER=admin.e2e outpost_cli template field --id "$tid" --section findings --field rhythm --label Rhythm \
    --type select --option sinus --option afib --x 4 --y 0 --w 4
  OUTPOST_USER=admin.e2e outpost_cli template field --id "$tid" --section findings --field complaint --label Complaint \
    --type text --x 0 --y 1 --w 8
  OUTPOST_USER=admin.e2e outpost_cli template publish --id "$tid" >/dev/null
  OUTPOST_USER=admin.e2e outpost_cli sync >/dev/null
  OUTPOST_USER=admin.e2e outpost_cli logout >/dev/null
  printf '%s\n' "$password" | outpost_cli login --user "$OUTPOST_USER" >/dev/null

  say "starting tauri-driver"
  export TAURI_DRIVER_PORT
  TAURI_DRIVER_PORT="$(free_port)"
  native_port="$(free_port)"
  "$here/node_modules/.bin/tauri-driver" --port "$TAURI_DRIVER_PORT" --native-port "$native_port" \
    >"$E2E_WORK/driver.log" 2>&1 &
  driver_pid=$!
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT") 2>/dev/null && break
    kill -0 "$driver_pid" 2>/dev/null || die "tauri-driver exited: $(cat "$E2E_WORK/driver.log")"
    [ "$i" = 100 ] && die "tauri-driver did not open port $TAURI_DRIVER_PORT"
    sleep 0.1
  done

  say "running the scenario"
  OUTPOST_APP="$bin/outpost-desktop" E2E_SERVER_CTL="$here/run.sh" E2E_ARTIFACTS="$here/artifacts" \
    node "$here/scenario.mjs"
  say "cross-check: a second workstation pulls what the app charted"
  code2="$("$bin/outpost-server" device enroll --clinic "$clinic_id" --name "Cross-check desk" --json | json_field code)"
  second="$E2E_WORK/second"
  "$bin/outpost" --data-dir "$second" enroll --server "$url" --code "$code2" >/dev/null
  "$bin/outpost" --data-dir "$second" sync >/dev/null
  "$bin/outpost" --data-dir "$second" patient list --json >"$E2E_WORK/patients.json"
  patient_id="$(node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const list = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const p = list.find((x) => x.name === want.name && x.mrn === want.mrn);
    if (!p) { console.error("the second workstation has no patient " + want.name); process.exit(1); }
    console.log(p.id);
  ' "$E2E_WORK/sentinel.json" "$E2E_WORK/patients.json")"
  sets="$("$bin/outpost" --data-dir "$second" vitals list --patient "$patient_id" --json \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(v.map(x=>x.observations.find(o=>o.field==="temperature_c")?.value).join(","))})')"
  [ "$sets" = "37.9,36.8" ] || die "the second workstation sees temperatures [$sets], wanted [37.9,36.8] (newest first)"
  say "the second workstation holds the patient and both vitals sets"
  say "passed; screenshots in $here/artifacts"
  exit 0
fi

# ---- outer: build, then run inside one keyring session and one Xvfb display --------------
cd "$root"
for tool in xvfb-run WebKitWebDriver import initdb pg_ctl node; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: run scripts/install-deps.sh"
done
[ -x "$here/node_modules/.bin/tauri-driver" ] || (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
[ -d "$root/ui/node_modules" ] || (cd "$root/ui" && npm ci --no-audit --no-fund --loglevel=error)

say "building the front end"
(cd ui && npm run --silent build)
say "building outpost-server, outpost and outpost-desktop"
cargo build -p outpost-sync-server -p outpost-cli -p outpost-desktop

rm -rf "$here/artifacts"
mkdir -p "$here/artifacts"
exec "$root/scripts/with-keyring.sh" xvfb-run -a -s "-screen 0 1280x800x24" "$here/run.sh" inner
