#!/usr/bin/env bash
# Runs a command next to a throw-away PostgreSQL server, so that the store tests also run on PostgreSQL.
#
#   bash scripts/with-postgres.sh CMD [ARGS...]
#   bash scripts/with-postgres.sh .venv/bin/python -m pytest tests/store/test_versions.py
#
# It creates a new cluster in a temporary folder (initdb), starts it on 127.0.0.1 only, on a free port,
# creates the database `kpi_test`, exports
#   KPI_TEST_POSTGRES_URL=postgresql+psycopg://kpi:PASSWORD@127.0.0.1:PORT/kpi_test
# (a superuser with a random password: the store tests create one database per test from it), runs CMD,
# then stops the server and deletes the folder, whatever happens (trap on exit). The exit code is CMD's.
# Debian's `postgresql` package is installed with apt-get when initdb is missing. The server refuses to run
# as root: as root, it runs as the system user `postgres` (created when missing). Set PG_KEEP_LOG=1 to
# copy the server log to ./postgres-test.log. The cluster is tuned for tests (fsync off): never keep data in it.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN="$(find_bin)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "Installing PostgreSQL (Debian package postgresql) ..." >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  PGBIN="$(find_bin)"
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "initdb not found under /usr/lib/postgresql/*/bin even after installing postgresql" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

free_port() {
  python3 - <<'PY'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}

PGTMP="$(mktemp -d "${TMPDIR:-/tmp}/kpi-pg.XXXXXX")"
PGDATA_DIR="$PGTMP/data"
PGLOG="$PGTMP/server.log"
PGPASS_FILE="$PGTMP/password"
PGUSER_NAME="kpi"
PGPASSWORD_VALUE="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
printf '%s\n' "$PGPASSWORD_VALUE" >"$PGPASS_FILE"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PGTMP"
chmod 700 "$PGTMP"

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "${PG_KEEP_LOG:-}" = "1" ] && [ -f "$PGLOG" ]; then cp "$PGLOG" ./postgres-test.log || true; fi
  rm -rf "$PGTMP"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U "$PGUSER_NAME" --pwfile="$PGPASS_FILE" \
  --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C --no-sync >"$PGTMP/initdb.log" 2>&1 || {
  cat "$PGTMP/initdb.log" >&2
  exit 1
}

started=""
for _ in 1 2 3 4 5; do
  PGPORT_VALUE="$(free_port)"
  if as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $PGPORT_VALUE -c unix_socket_directories=$PGTMP \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null; then
    started=1
    break
  fi
done
if [ -z "$started" ]; then
  echo "PostgreSQL did not start; its log:" >&2
  cat "$PGLOG" >&2 || true
  exit 1
fi

as_pg "$PGBIN/createdb" -h "$PGTMP" -p "$PGPORT_VALUE" -U "$PGUSER_NAME" kpi_test

export KPI_TEST_POSTGRES_URL="postgresql+psycopg://$PGUSER_NAME:$PGPASSWORD_VALUE@127.0.0.1:$PGPORT_VALUE/kpi_test"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$PGPORT_VALUE" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
