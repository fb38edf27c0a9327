#!/usr/bin/env bash
# The whole test suite: prerequisites, npm packages, build, the real stack
# (Kafka + PostgreSQL), migrations, then jest. Extra arguments go to jest.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$root"

check_prerequisites
ensure_node_modules
ensure_build
# The browser tests drive Debian's Chromium (never a downloaded browser).
bash "$root/deploy/local/ensure-chromium.sh"
# The alert rules are checked with Prometheus' promtool (Debian package prometheus).
bash "$root/deploy/local/ensure-promtool.sh"
# Every run starts clean and apart from a developer's hub: its own database,
# recreated, and its own Kafka namespace (unless DATABASE_URL/KAFKA_NAMESPACE are set).
export LIAISON_DB_NAME="${LIAISON_DB_NAME:-liaison_test}" LIAISON_RESET_DB="${LIAISON_RESET_DB:-1}"
export KAFKA_NAMESPACE="${KAFKA_NAMESPACE:-run$(date +%s)}"
stack_env=$("$root/deploy/local/stack.sh" up)
eval "$stack_env"
export NODE_ENV=test LOG_LEVEL="${LOG_LEVEL:-warn}"
say "migrating $DATABASE_URL"
node -r ./deploy/runtime/register.js dist/apps/migrate/src/main.js --seed
export LIAISON_STACK_READY=1
say "running tests"
npx jest "$@"
