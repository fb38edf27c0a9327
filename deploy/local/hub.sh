#!/usr/bin/env bash
# Runs the whole hub on this machine until Ctrl-C: Kafka and PostgreSQL, migrations,
# the demo world (agencies, keys, policies), the gateway, policy worker and audit
# apps, and a demo stream of alerts. Ctrl-C stops everything this script started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$root"

check_prerequisites
ensure_node_modules
ensure_build

kafka_was_running=1
if [[ -z "${KAFKA_BROKERS:-}" ]] && ! "$root/deploy/local/kafka/kafka.sh" status >/dev/null 2>&1; then kafka_was_running=0; fi
# The embedded PostgreSQL (if this run starts it) is stopped again by Ctrl-C; one already
# running is left running. Its data stays in .local/embedded-pg/<port>/data either way.
embedded_pg=(node "$root/deploy/local/embedded-postgres.js")
embedded_pg_was_running=1
"${embedded_pg[@]}" status "$embedded_pg_port" 2>/dev/null || embedded_pg_was_running=0
stack_env=$("$root/deploy/local/stack.sh" up)
eval "$stack_env"
export NODE_ENV="${NODE_ENV:-development}"

pids=()
cleanup() {
  trap - INT TERM EXIT
  say "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $kafka_was_running == 0 ]]; then "$root/deploy/local/kafka/kafka.sh" stop; fi
  if [[ $embedded_pg_was_running == 0 ]]; then "${embedded_pg[@]}" stop "$embedded_pg_port" || true; fi
  say "stopped"
}
trap cleanup INT TERM EXIT

node -r ./deploy/runtime/register.js dist/apps/migrate/src/main.js --seed
run() {
  local name=$1; shift
  node -r ./deploy/runtime/register.js "dist/apps/$name/src/main.js" "$@" \
    > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}
run policy
run audit
run gateway
gw="http://127.0.0.1:${GATEWAY_PORT:-8080}"
for port in "${POLICY_METRICS_PORT:-9101}" "${AUDIT_METRICS_PORT:-9102}" "${GATEWAY_PORT:-8080}"; do
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 || die "service on port $port did not become ready"
done
cat >&2 <<INFO

[liaison] the hub is running (Ctrl-C stops everything).
  console   $gw/console/   log in with an officer token:
            node -r ./deploy/runtime/register.js dist/apps/cli/src/main.js --agency nl-knp --officer anna --roles liaison token
            then paste the officer's signed justification:
            node -r ./deploy/runtime/register.js dist/apps/cli/src/main.js --agency nl-knp --officer anna justify "demo review"
  API docs  $gw/docs
  a feed    node -r ./deploy/runtime/register.js dist/apps/cli/src/main.js --agency de-bka feed --follow
  a case    node -r ./deploy/runtime/register.js dist/apps/cli/src/main.js --agency nl-knp case list
            (then: ... case show <caseRef>: the demo case's urgent 8-hour request and its clock)

INFO
if [[ "${LIAISON_DEMO:-1}" != 0 ]]; then
  run cli demo --gateway "http://127.0.0.1:${GATEWAY_PORT:-8080}"
fi
wait -n "${pids[@]}" || true
