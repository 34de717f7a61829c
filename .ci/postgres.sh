#!/usr/bin/env bash
# Makes a local PostgreSQL server available for the PostgreSQL test runs and prints
# the URL the tests read (COGNATE_TEST_DATABASE_URL). Installs PostgreSQL from
# Debian's packages when it is missing; starts a private cluster on port 54329 that
# only listens on 127.0.0.1.
set -euo pipefail

PORT=${COGNATE_TEST_PG_PORT:-54329}
DIR=${COGNATE_TEST_PG_DIR:-/tmp/cognate-test-pg}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing postgresql from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! run_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  if [ ! -f "$DIR/PG_VERSION" ]; then
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    run_pg "$BIN/initdb" -D "$DIR" -U cognate --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  run_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c max_connections=300 -c fsync=off" start >&2
fi
echo "postgres://cognate@127.0.0.1:$PORT/postgres"
