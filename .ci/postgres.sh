#!/usr/bin/env bash
# Start a PostgreSQL server for pipolicy's SQL backend tests and print its URL.
#
# Idempotent, for Debian 12 as root (CI and the developer machines): installs the
# postgresql package if missing, starts the Debian cluster 15/main (initdb refuses to run
# as root, so we use the cluster the package created), creates the role and database if
# missing, waits until the server accepts the test role, and prints the URL on stdout.
# Everything else goes to stderr, so callers can do:
#
#   export PIPOLICY_TEST_POSTGRES_URL="$(.ci/postgres.sh)"
set -euo pipefail

VERSION="${PG_VERSION:-15}"
CLUSTER="${PG_CLUSTER:-main}"
PORT="${PG_PORT:-5432}"
ROLE="pipolicy"
PASSWORD="pipolicy"
DB="pipolicy_test"
URL="postgresql+psycopg://${ROLE}:${PASSWORD}@127.0.0.1:${PORT}/${DB}"

log() { echo "postgres.sh: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "run me as root (I install packages and start the system cluster)"
  exit 1
fi

if [ ! -x "/usr/lib/postgresql/${VERSION}/bin/postgres" ]; then
  log "installing postgresql ${VERSION}"
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
fi

if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
  log "creating cluster ${VERSION}/${CLUSTER}"
  pg_createcluster "$VERSION" "$CLUSTER" --port "$PORT" >&2
fi

if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c && $4 == "online" { found = 1 } END { exit !found }'; then
  log "starting cluster ${VERSION}/${CLUSTER}"
  pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi

as_postgres() { runuser -u postgres -- "$@"; }

for _ in $(seq 1 30); do
  if as_postgres psql -p "$PORT" -Atqc "SELECT 1" >/dev/null 2>&1; then
    break
  fi
  sleep 1
done
as_postgres psql -p "$PORT" -Atqc "SELECT 1" >/dev/null

if [ "$(as_postgres psql -p "$PORT" -Atqc "SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}'")" != "1" ]; then
  log "creating role ${ROLE}"
  as_postgres psql -p "$PORT" -qc "CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}' SUPERUSER" >&2
fi

if [ "$(as_postgres psql -p "$PORT" -Atqc "SELECT 1 FROM pg_database WHERE datname = '${DB}'")" != "1" ]; then
  log "creating database ${DB}"
  as_postgres createdb -p "$PORT" -O "$ROLE" "$DB" >&2
fi

# Prove the URL works over TCP with the password, the way the tests connect.
as_postgres env PGPASSWORD="$PASSWORD" \
  psql "host=127.0.0.1 port=${PORT} user=${ROLE} dbname=${DB}" -Atqc "SELECT 1" >/dev/null

echo "$URL"
