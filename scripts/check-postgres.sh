#!/usr/bin/env bash
# The oracle's store on a real PostgreSQL server: the schema and statements that PGlite runs by default must
# run unchanged on PostgreSQL (oracle config `"database": { "kind": "postgres", "urlEnv": ... }`), and
# concurrent reservations must be decided by PostgreSQL's row locks across connections.
# Installs Debian's postgresql when it is missing (CI runs as root), starts a throwaway cluster on a private
# socket directory and port, runs test-postgres/, and stops the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ]; then
  echo "check-postgres: installing Debian's postgresql" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(pg_bin)"

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user when we are root.
as_owner() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
cluster="$(mktemp -d)"
chmod 755 "$cluster"
[ "$(id -u)" = 0 ] && chown postgres "$cluster"
port="${EVOUCHER_TEST_POSTGRES_PORT:-55432}"
as_owner "'$PG_BIN/initdb' -D '$cluster/data' -A trust -U evoucher >/dev/null"
as_owner "'$PG_BIN/pg_ctl' -D '$cluster/data' -l '$cluster/server.log' -w -o \"-p $port -k '$cluster' -c listen_addresses=127.0.0.1\" start >/dev/null"
stop() {
  as_owner "'$PG_BIN/pg_ctl' -D '$cluster/data' -m fast -w stop >/dev/null" || true
  rm -rf "$cluster"
}
trap stop EXIT

export EVOUCHER_TEST_POSTGRES_URL="postgresql://evoucher@127.0.0.1:$port/postgres"
bash scripts/with-env.sh hardhat test mocha test-postgres/*.test.ts
