#!/usr/bin/env bash
# The hub scaled out on this machine until Ctrl-C: a three-node Kafka cluster
# (deploy/local/kafka/cluster.sh), PostgreSQL, migrations and the demo world,
# two policy workers, an active and a standby audit app, two gateways behind a
# small reverse proxy on GATEWAY_PORT (8080), then the demo stream.
# Ctrl-C stops everything this script started. `npm run hub` stays the single node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$root"

check_prerequisites
ensure_node_modules
ensure_build

cluster="$root/deploy/local/kafka/cluster.sh"
kafka_was_running=1
"$cluster" status 2>/dev/null | grep -q running || kafka_was_running=0
"$cluster" start
KAFKA_BROKERS=$("$cluster" brokers)
export KAFKA_BROKERS KAFKA_REPLICATION_FACTOR=3 KAFKA_TOPIC_PARTITIONS="${KAFKA_TOPIC_PARTITIONS:-4}"
eval "$("$root/deploy/local/stack.sh" up)"
export NODE_ENV="${NODE_ENV:-development}"
port="${GATEWAY_PORT:-8080}"

pids=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $kafka_was_running == 0 ]]; then "$cluster" stop; fi
  say "stopped"
}
trap cleanup INT TERM EXIT

node -r ./deploy/runtime/register.js dist/apps/migrate/src/main.js --seed
# run NAME APP [VAR=VALUE...] [ARG...]: one app instance with its own settings, logs prefixed.
run() {
  local name=$1 app=$2 settings=(); shift 2
  while [[ $# -gt 0 && $1 == [A-Z_]*=* ]]; do settings+=("$1"); shift; done
  env "${settings[@]}" node -r ./deploy/runtime/register.js "dist/apps/$app/src/main.js" "$@" \
    > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}
run policy-1 policy POLICY_WORKER_ID=policy-1 POLICY_METRICS_PORT=9111
run policy-2 policy POLICY_WORKER_ID=policy-2 POLICY_METRICS_PORT=9112
run audit-1 audit AUDIT_METRICS_PORT=9121
run audit-2 audit AUDIT_METRICS_PORT=9122
run gateway-1 gateway GATEWAY_PORT=8081
run gateway-2 gateway GATEWAY_PORT=8082
node "$root/deploy/local/proxy.js" "$port" 8081 8082 &
pids+=($!)
# The standby audit app waits on the ledger lock: live, not necessarily ready.
for check in 9111/ready 9112/ready 9121/live 9122/live 8081/ready 8082/ready; do
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:${check%/*}/health/${check#*/}" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:${check%/*}/health/${check#*/}" >/dev/null 2>&1 || die "instance on port ${check%/*} did not become ${check#*/}"
done
cat >&2 <<INFO

[liaison] the hub runs scaled out (Ctrl-C stops everything):
  Kafka      $KAFKA_BROKERS (RF 3, min.insync.replicas 2)
  workers    policy-1, policy-2 (health on 9111, 9112)
  audit      audit-1, audit-2: one holds the ledger lock, the other waits (9121, 9122)
  gateways   127.0.0.1:8081 and :8082, behind http://127.0.0.1:$port (console at /console/)
  a feed     node -r ./deploy/runtime/register.js dist/apps/cli/src/main.js --agency de-bka feed --follow

INFO
if [[ "${LIAISON_DEMO:-1}" != 0 ]]; then
  run demo cli demo --gateway "http://127.0.0.1:$port"
fi
wait -n "${pids[@]}" || true
