#!/usr/bin/env bash
# npm run test:cluster: the tests that need a cluster of their own
# (test/cluster, jest's `cluster` project, not part of `npm test`). It starts a
# private three-node Kafka cluster (deploy/local/kafka/cluster.sh: RF 3,
# min.insync.replicas 2, no unclean leader election) and a private embedded
# PostgreSQL, both fresh, on ports apart from the single-node stack's, so the
# tests may stop, kill and restart them; then the tests, one file at a time.
# Everything it started is stopped on exit. Extra arguments go to jest.
#   KAFKA_CLUSTER_PORT           first broker port (26092; then 26094, 26096; below the
#                                ephemeral range, 32768 up, where a client may hold it)
#   LIAISON_CLUSTER_TEST_PG_PORT the private PostgreSQL (26432)
# State under .local/cluster-test/ (kafka-N, embedded-pg), wiped at each start;
# with another KAFKA_CLUSTER_PORT, under .local/cluster-test-<port>/, so that
# two runs on different ports can share a checkout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$root"

check_prerequisites
ensure_node_modules
ensure_build

export KAFKA_CLUSTER_PORT="${KAFKA_CLUSTER_PORT:-26092}"
state="$LIAISON_LOCAL_DIR/cluster-test"
[[ $KAFKA_CLUSTER_PORT == 26092 ]] || state="$state-$KAFKA_CLUSTER_PORT"
export LIAISON_CLUSTER_DIR="$state/kafka"
export LIAISON_EMBEDDED_PG=1 LIAISON_EMBEDDED_PG_DIR="$state/embedded-pg"
export LIAISON_EMBEDDED_PG_PORT="${LIAISON_CLUSTER_TEST_PG_PORT:-26432}"
cluster="$root/deploy/local/kafka/cluster.sh"

cleanup() {
  trap - INT TERM EXIT
  say "stopping the test cluster and its PostgreSQL"
  "$cluster" stop || true
  node deploy/local/embedded-postgres.js stop "$LIAISON_EMBEDDED_PG_PORT" || true
}
trap cleanup INT TERM EXIT

# A fresh cluster each run: leftovers of a killed run would skew the counts.
"$cluster" stop
rm -rf "$LIAISON_CLUSTER_DIR"
"$cluster" start
KAFKA_BROKERS=$("$cluster" brokers)
export KAFKA_BROKERS KAFKA_REPLICATION_FACTOR=3 KAFKA_TOPIC_PARTITIONS=4
export LIAISON_DB_NAME=liaison_cluster LIAISON_RESET_DB=1
DATABASE_URL=$("$root/deploy/local/postgres.sh")
export DATABASE_URL NODE_ENV=test LOG_LEVEL="${LOG_LEVEL:-warn}"
say "migrating $DATABASE_URL"
node -r ./deploy/runtime/register.js dist/apps/migrate/src/main.js --seed
export LIAISON_STACK_READY=1 LIAISON_CLUSTER_TEST=1
say "running the cluster tests"
# One file at a time: each starts a whole cluster of apps on two cores.
npx jest --selectProjects cluster --runInBand "$@"
