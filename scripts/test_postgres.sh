#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the test suite (own data dir, port 55432) and print its URL.
# Usage: eval "$(scripts/test_postgres.sh start)"   ...   scripts/test_postgres.sh stop
set -euo pipefail
dir="${KALLA_PG_DIR:-/tmp/kalla-test-pg}"
port="${KALLA_PG_PORT:-55432}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_pg() { if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case "${1:-start}" in
  start)
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"; [ "$(id -u)" = "0" ] && chown postgres "$dir"
      as_pg "$bin/initdb -D $dir -U postgres -A trust >/dev/null"
    fi
    if ! as_pg "$bin/pg_ctl -D $dir status >/dev/null 2>&1"; then
      as_pg "$bin/pg_ctl -D $dir -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -l $dir/log -w start >/dev/null"
    fi
    as_pg "$bin/psql -h 127.0.0.1 -p $port -U postgres -tc \"select 1 from pg_database where datname='kalla_test'\"" | grep -q 1 \
      || as_pg "$bin/createdb -h 127.0.0.1 -p $port -U postgres kalla_test"
    echo "export KALLA_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$port/kalla_test"
    ;;
  stop)
    as_pg "$bin/pg_ctl -D $dir -m fast stop >/dev/null 2>&1" || true
    ;;
esac
