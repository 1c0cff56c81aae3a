#!/usr/bin/env bash
# Desktop end-to-end test: the real Outpost app under Xvfb, driven by WebDriver
# (tauri-driver + WebKitWebDriver), against a real sync server on a throwaway Postgres
# cluster, with the replica's key and device token in a real Secret Service keyring. Two
# workstations of one clinic (own data directories) and five users (admin, two nurses, a
# doctor, a surgeon) who sign in through the window; scenario.mjs (workstations),
# designer.mjs (template designer) and signing.mjs (e-signatures) say what is checked.
# The screen is 1366x768, the clinic screen the window must be readable on. Screenshots
# of every step go to tests/desktop/artifacts/. Exits non-zero on any failure.
#
#   usage: tests/desktop/run.sh            (from anywhere; needs scripts/install-deps.sh)
#          E2E_ONLY=signing tests/desktop/run.sh   (one scenario: workstations, designer
#                                                   or signing, with its own checks)
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
  [ -n "$clinic_id" ] || die "could not read the clinic id"

  # Two workstations of one clinic, each with its own replica (and so its own keyring
  # entries, which are named after the data directory).
  export E2E_WS1="$E2E_WORK/ws1" E2E_WS2="$E2E_WORK/ws2"
  export E2E_PASSWORD="e2e clinician passphrase 4821"
  for ws in "$E2E_WS1" "$E2E_WS2"; do
    code="$("$bin/outpost-server" device enroll --clinic "$clinic_id" --name "Ward 3 desk $(basename "$ws")" --json | json_field code)"
    [ -n "$code" ] || die "could not read an enrollment code"
    say "enrolling workstation $(basename "$ws")"
    "$bin/outpost" --data-dir "$ws" enroll --server "$url" --code "$code" >/dev/null
  done
  for who in admin.e2e:admin:"E2E Admin" nurse.e2e:nurse:"E2E Nurse" nurse2.e2e:nurse:"E2E Night Nurse" dr.e2e:doctor:"E2E Doctor" surgeon.e2e:surgeon:"E2E Surgeon"; do
    IFS=: read -r username role full_name <<<"$who"
    printf '%s\n' "$E2E_PASSWORD" | "$bin/outpost-server" user add --clinic "$clinic_id" \
      --username "$username" --full-name "$full_name" --role "$role" >/dev/null
  done
  # The encounter template the doctor charts on is an admin's work, done here with the CLI
  # on workstation 2; the app itself starts every session at its sign-in screen.
  say "publishing an encounter template as the admin"
  admin_cli() { "$bin/outpost" --data-dir "$E2E_WS2" "$@"; }
  printf '%s\n' "$E2E_PASSWORD" | admin_cli login --user admin.e2e >/dev/null
  tid="$(admin_cli template new --name "Cardiology intake" --specialty cardiology --visit-type new_patient)"
  admin_cli template page --id "$tid" --page intake --title Intake
  admin_cli template section --id "$tid" --page intake --section findings --title Findings --w 12 --h 2
  admin_cli template field --id "$tid" --section findings --field bp_sys --label "Systolic BP" \
    --type number --unit mmHg --min 50 --max 250 --from-vitals systolic_mmhg --x 0 --y 0 --w 4
  admin_cli template field --id "$tid" --section findings --field rhythm --label Rhythm \
    --type select --option sinus --option afib --x 4 --y 0 --w 4
  admin_cli template publish --id "$tid" >/dev/null
  # The operative note the surgeon charts and signs (signing.mjs).
  tid="$(admin_cli template new --name "Operative note" --specialty surgery --visit-type operative)"
  admin_cli template page --id "$tid" --page op --title Operation
  admin_cli template section --id "$tid" --page op --section procedure --title Procedure --w 12 --h 2
  admin_cli template field --id "$tid" --section procedure --field procedure --label Procedure \
    --type text --x 0 --y 0 --w 8
  admin_cli template field --id "$tid" --section procedure --field blood_loss --label "Blood loss" \
    --type number --unit ml --min 0 --max 5000 --x 8 --y 0 --w 4
  admin_cli template publish --id "$tid" >/dev/null
  admin_cli sync >/dev/null
  admin_cli logout >/dev/null
  # Workstation 1 learns the clinic's users (and the template) while the server answers,
  # so its nurse can sign in there with the server down.
  "$bin/outpost" --data-dir "$E2E_WS1" sync >/dev/null
  say "stopping the sync server: the scenario starts offline"
  server_stop

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

  # only NAME: whether scenario NAME runs (all of them unless E2E_ONLY names one).
  only() { [ -z "${E2E_ONLY:-}" ] || [ "$E2E_ONLY" = "$1" ]; }
  scenario() {
    OUTPOST_APP="$bin/outpost-desktop" E2E_SERVER_CTL="$here/run.sh" E2E_ARTIFACTS="$here/artifacts" \
      node "$here/$1"
  }
  # check_workstation NAME: a fresh workstation of the clinic, enrolled and synced.
  check_workstation() {
    local code dir="$E2E_WORK/$1"
    code="$("$bin/outpost-server" device enroll --clinic "$clinic_id" --name "Check desk $1" --json | json_field code)"
    "$bin/outpost" --data-dir "$dir" enroll --server "$url" --code "$code" >/dev/null
    "$bin/outpost" --data-dir "$dir" sync >/dev/null
    printf '%s\n' "$dir"
  }
  no_quarantine() {
    local n
    n="$("$bin/outpost-server" quarantine list --clinic "$clinic_id" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')"
    [ "$n" = 0 ] || die "the server quarantined $n changes from $1"
  }
  if only workstations; then
  say "running the scenario"
  scenario scenario.mjs
  say "cross-check: a third workstation pulls what the two charted, with the conflict resolved"
  code3="$("$bin/outpost-server" device enroll --clinic "$clinic_id" --name "Cross-check desk" --json | json_field code)"
  third="$E2E_WORK/third"
  "$bin/outpost" --data-dir "$third" enroll --server "$url" --code "$code3" >/dev/null
  "$bin/outpost" --data-dir "$third" sync >/dev/null
  "$bin/outpost" --data-dir "$third" patient list --json >"$E2E_WORK/patients.json"
  patient_id="$(node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const list = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const p = list.find((x) => x.name === want.name && x.mrn === want.mrn);
    if (!p) { console.error("the cross-check workstation has no patient " + want.name); process.exit(1); }
    console.log(p.id);
  ' "$E2E_WORK/sentinel.json" "$E2E_WORK/patients.json")"
  sets="$("$bin/outpost" --data-dir "$third" vitals list --patient "$patient_id" --json \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(v.map(x=>x.observations.find(o=>o.field==="temperature_c")?.value).join(","))})')"
  [ "$sets" = "37.9,36.8" ] || die "the cross-check workstation sees temperatures [$sets], wanted [37.9,36.8] (newest first)"
  authors="$("$bin/outpost" --data-dir "$third" vitals list --patient "$patient_id" --json \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{console.log([...new Set(JSON.parse(s).map(x=>x.taken_by))].join(","))})')"
  [ "$authors" = "nurse.e2e" ] || die "the vitals were recorded by [$authors], wanted the nurse who signed in (nurse.e2e)"
  open="$("$bin/outpost" --data-dir "$third" conflicts list --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')"
  [ "$open" = 0 ] || die "the cross-check workstation still sees $open open conflicts"
  quarantined="$("$bin/outpost-server" quarantine list --clinic "$clinic_id" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')"
  [ "$quarantined" = 0 ] || die "the server quarantined $quarantined changes from the workstations"
  say "the cross-check workstation holds the patient, both vitals sets by the nurse, no open conflict; nothing quarantined"
  fi
  if only designer; then
  say "running the template designer scenario"
  scenario designer.mjs
  no_quarantine "the designer scenario"
  fi
  if only signing; then
  # The surgeon signs in online: the server runs (the earlier scenarios may have left it
  # stopped, or not run at all).
  [ -f "$E2E_WORK/server.pid" ] || server_start "$(sed 's|^http://||' "$E2E_WORK/server.url")"
  say "running the signing scenario"
  scenario signing.mjs
  check="$(check_workstation signing-check)"
  "$bin/outpost" --data-dir "$check" encounter list --json >"$E2E_WORK/encounters.json"
  node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const e = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).find((x) => x.id === want.encounter_id);
    if (!e) { console.error("the check workstation has no encounter " + want.encounter_id); process.exit(1); }
    if (e.status !== "amended") { console.error("the check workstation shows the encounter " + e.status + ", not amended"); process.exit(1); }
    if (e.fields.blood_loss !== 150) { console.error("the amended blood loss is " + e.fields.blood_loss + ", not 150"); process.exit(1); }
  ' "$E2E_WORK/signed.json" "$E2E_WORK/encounters.json" || die "the signatures did not reach another workstation through the server"
  no_quarantine "the signing scenario"
  say "a fresh workstation pulls the operative note signed and amended (both signatures); nothing quarantined"
  patient_id="$(node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    console.log(JSON.parse(fs.readFileSync(process.argv[2], "utf8")).find((x) => x.id === want.encounter_id).patient_id);
  ' "$E2E_WORK/signed.json" "$E2E_WORK/encounters.json")"
  "$bin/outpost-server" patient restrict --clinic "$clinic_id" --patient "$patient_id" >/dev/null
  say "running the break-the-glass scenario (the surgeon's patient is now restricted)"
  scenario glass.mjs
  "$bin/outpost-server" alerts list --clinic "$clinic_id" --json >"$E2E_WORK/alerts.json"
  node -e '
    const alerts = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const list = Array.isArray(alerts) ? alerts : alerts.entries ?? [];
    const hit = list.find((a) => a.user === "dr.e2e" && (a.reason ?? "").includes("Collapsed in the waiting room"));
    if (!hit) { console.error("no break-the-glass alert by dr.e2e with the reason: " + JSON.stringify(alerts)); process.exit(1); }
  ' "$E2E_WORK/alerts.json" || die "the break-the-glass access did not reach the server as an alert"
  say "the break-the-glass access reached the server as an alert with its reason"
  fi
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

if [ "${OUTPOST_E2E_PREBUILT:-}" = "1" ]; then
  # scripts/test.sh has just built the front end and every binary, with the features
  # the tests use; building again here would only rebuild them with other features.
  say "using the front end and binaries scripts/test.sh built"
else
  say "building the front end"
  (cd ui && npm run --silent build)
  say "building outpost-server, outpost and outpost-desktop"
  cargo build -p outpost-sync-server -p outpost-cli -p outpost-desktop
fi

rm -rf "$here/artifacts"
mkdir -p "$here/artifacts"
exec "$root/scripts/with-keyring.sh" xvfb-run -a -s "-screen 0 1366x768x24" "$here/run.sh" inner
