#!/usr/bin/env bash
# Runs a command with a real OS keyring: the Secret Service (gnome-keyring-daemon) on a
# private D-Bus session, unlocked with a password. By default its files live in a fresh
# temp dir removed afterwards (tests). With OUTPOST_KEYRING_DIR set, that directory keeps
# the keyring between runs (the headless demo). On a desktop whose own keyring is unlocked,
# commands run without this script.
#   usage: scripts/with-keyring.sh <command> [args...]
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done

if [ -n "${OUTPOST_KEYRING_DIR:-}" ]; then
  scratch="$OUTPOST_KEYRING_DIR"
  mkdir -p -m 700 "$scratch"
  rm -rf "$scratch/runtime"
else
  scratch="$(mktemp -d /tmp/outpost-keyring.XXXXXX)"
fi

# The daemon outlives its D-Bus session; stop the one that belongs to this run.
stop_daemon() {
  local pid
  for pid in $(pgrep -f '^gnome-keyring-daemon' 2>/dev/null); do
    if grep -qszx "XDG_RUNTIME_DIR=$scratch/runtime" "/proc/$pid/environ"; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  [ -n "${OUTPOST_KEYRING_DIR:-}" ] || rm -rf "$scratch"
}
trap stop_daemon EXIT
mkdir -p -m 700 "$scratch/runtime" "$scratch/data" "$scratch/config"
export XDG_RUNTIME_DIR="$scratch/runtime" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config"
export OUTPOST_KEYRING_PASSWORD="${OUTPOST_KEYRING_PASSWORD:-outpost-test-keyring}"

dbus-run-session -- bash -c '
  set -euo pipefail
  printf %s "$OUTPOST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  unset OUTPOST_KEYRING_PASSWORD
  exec "$@"
' with-keyring "$@" 2> >(grep -v --line-buffered 'Failed to set fd limit' >&2)
