#!/usr/bin/env bash
# Brings up what the hub needs on this machine and prints the environment to use:
#   eval "$(deploy/local/stack.sh up)"
# Kafka: KAFKA_BROKERS if set, else the local KRaft broker (deploy/local/kafka/kafka.sh).
# PostgreSQL: DATABASE_URL if set, else local or embedded (deploy/local/postgres.sh);
# LIAISON_EMBEDDED_PG=1 forces the embedded server (port LIAISON_EMBEDDED_PG_PORT, 25432).
# `down` stops the local broker and the embedded server (its data is kept).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

case "${1:-up}" in
  up)
    if [[ -z "${KAFKA_BROKERS:-}" ]]; then
      "$root/deploy/local/kafka/kafka.sh" start
      echo "export KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-19092}"
    else
      echo "export KAFKA_BROKERS=$KAFKA_BROKERS"
    fi
    url=$("$root/deploy/local/postgres.sh")
    echo "export DATABASE_URL=$url"
    ;;
  down)
    [[ -z "${KAFKA_BROKERS:-}" ]] && "$root/deploy/local/kafka/kafka.sh" stop
    (cd "$root" && node deploy/local/embedded-postgres.js stop "$embedded_pg_port")
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
