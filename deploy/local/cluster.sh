#!/usr/bin/env bash
# The hub scaled out on this machine until Ctrl-C: a three-node Kafka cluster
# (deploy/local/kafka/cluster.sh), PostgreSQL, migrations and the demo world,
# two policy workers, an active and a standby audit app, two gateways behind a
# small reverse proxy on GATEWAY_PORT (8080), then the demo stream.
# Ports: the gateways on GATEWAY_PORT+1 and +2, the workers' health on
# CLUSTER_HEALTH_PORT (9111) and +1, the audit apps' on +10 and +11.
# Ctrl-C stops everything this script started (a Kafka cluster or an embedded
# PostgreSQL that was already running is left running).
# `npm run hub` stays the single node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$root"

check_prerequisites
ensure_node_modules
ensure_build

cluster="$root/deploy/local/kafka/cluster.sh"
port="${GATEWAY_PORT:-8080}"
health="${CLUSTER_HEALTH_PORT:-9111}"
embedded_pg=(node "$root/deploy/local/embedded-postgres.js")
kafka_was_running=1
"$cluster" status 2>/dev/null | grep -q running || kafka_was_running=0
embedded_pg_was_running=1
"${embedded_pg[@]}" status "$embedded_pg_port" 2>/dev/null || embedded_pg_was_running=0

pids=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $kafka_was_running == 0 ]]; then "$cluster" stop; fi
  if [[ $embedded_pg_was_running == 0 ]]; then "${embedded_pg[@]}" stop "$embedded_pg_port" || true; fi
  say "stopped"
}
# Set before anything starts, so a Ctrl-C during start-up stops what is up by then.
trap cleanup INT TERM EXIT

"$cluster" start
KAFKA_BROKERS=$("$cluster" brokers)
export KAFKA_BROKERS KAFKA_REPLICATION_FACTOR=3 KAFKA_TOPIC_PARTITIONS="${KAFKA_TOPIC_PARTITIONS:-4}"
eval "$("$root/deploy/local/stack.sh" up)"
export NODE_ENV="${NODE_ENV:-development}"

node -r ./deploy/runtime/register.js dist/apps/migrate/src/main.js --seed
# run NAME APP [VAR=VALUE...] [ARG...]: one app instance with its own settings, logs prefixed.
run() {
  local name=$1 app=$2 settings=(); shift 2
  while [[ $# -gt 0 && $1 == [A-Z_]*=* ]]; do settings+=("$1"); shift; done
  env "${settings[@]}" node -r ./deploy/runtime/register.js "dist/apps/$app/src/main.js" "$@" \
    > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}
run policy-1 policy POLICY_WORKER_ID=policy-1 POLICY_METRICS_PORT=$health
run policy-2 policy POLICY_WORKER_ID=policy-2 POLICY_METRICS_PORT=$((health + 1))
run audit-1 audit AUDIT_METRICS_PORT=$((health + 10))
run audit-2 audit AUDIT_METRICS_PORT=$((health + 11))
run gateway-1 gateway GATEWAY_PORT=$((port + 1))
run gateway-2 gateway GATEWAY_PORT=$((port + 2))
node "$root/deploy/local/proxy.js" "$port" $((port + 1)) $((port + 2)) &
pids+=($!)
# The standby audit app waits on the ledger lock: live, not necessarily ready.
for check in $health/ready $((health + 1))/ready $((health + 10))/live $((health + 11))/live \
  $((port + 1))/ready $((port + 2))/ready; do
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:${check%/*}/health/${check#*/}" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:${check%/*}/health/${check#*/}" >/dev/null 2>&1 || die "instance on port ${check%/*} did not become ${check#*/}"
done
cat >&2 <<INFO

[liaison] the hub runs scaled out (Ctrl-C stops everything):
  Kafka      $KAFKA_BROKERS (RF 3, min.insync.replicas 2)
  workers    policy-1, policy-2 (health on $health, $((health + 1)))
  audit      audit-1, audit-2: one holds the ledger lock, the other waits ($((health + 10)), $((health + 11)))
  gateways   127.0.0.1:$((port + 1)) and :$((port + 2)), behind http://127.0.0.1:$port (console at /console/)
  a feed     node -r ./deploy/runtime/register.js dist/apps/cli/src/main.js --agency de-bka feed --follow

INFO
if [[ "${LIAISON_DEMO:-1}" != 0 ]]; then
  run demo cli demo --gateway "http://127.0.0.1:$port"
fi
wait -n "${pids[@]}" || true
