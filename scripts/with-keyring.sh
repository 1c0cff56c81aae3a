#!/usr/bin/env bash
# Runs a command with a real OS keyring: the Secret Service (gnome-keyring-daemon) on a
# private D-Bus session, unlocked with a throwaway password, its files in a fresh temp dir
# that is removed afterwards. Tests and the headless demo use it; on a desktop with its own
# unlocked keyring, commands run without it.
#   usage: scripts/with-keyring.sh <command> [args...]
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done

scratch="$(mktemp -d /tmp/outpost-keyring.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p -m 700 "$scratch/runtime" "$scratch/data" "$scratch/config"
export XDG_RUNTIME_DIR="$scratch/runtime" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config"
export OUTPOST_KEYRING_PASSWORD="${OUTPOST_KEYRING_PASSWORD:-outpost-test-keyring}"

exec dbus-run-session -- bash -c '
  set -euo pipefail
  printf %s "$OUTPOST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  unset OUTPOST_KEYRING_PASSWORD
  exec "$@"
' with-keyring "$@"
