# Shell helpers for a local Postgres cluster owned by the `postgres` user (initdb and
# postgres refuse to run as root). Sourced by scripts/run.sh and tests/desktop/run.sh.

# as_pg CMD...: run CMD as the postgres user when we are root, else as ourselves.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# pg_init DIR: creates a cluster in DIR/data (if absent) with trust auth for local use.
pg_init() {
  local dir="$1"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg initdb -D "$dir/data" -U outpost -A trust -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
}

# pg_start DIR PORT [EXTRA_OPTS]: starts the cluster on 127.0.0.1:PORT unless it runs.
pg_start() {
  local dir="$1" port="$2" extra="${3:-}"
  if as_pg pg_ctl -D "$dir/data" status >/dev/null 2>&1; then return 0; fi
  as_pg pg_ctl -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $extra" >/dev/null \
    || { tail -20 "$dir/postgres.log" >&2; return 1; }
  local i
  for i in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && return 0
    sleep 0.5
  done
  echo "Postgres did not become ready on port $port; see $dir/postgres.log" >&2
  return 1
}

# pg_stop DIR [MODE]: stops the cluster if it runs (MODE: fast by default).
pg_stop() {
  local dir="$1" mode="${2:-fast}"
  as_pg pg_ctl -D "$dir/data" -m "$mode" -w stop >/dev/null 2>&1 || true
}

# pg_ensure_db PORT NAME: creates database NAME owned by outpost if missing.
pg_ensure_db() {
  local port="$1" name="$2"
  if ! psql -h 127.0.0.1 -p "$port" -U outpost -d postgres -tAc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
    createdb -h 127.0.0.1 -p "$port" -U outpost "$name"
  fi
}
