#!/usr/bin/env bash
# npm run bench: prerequisites, npm packages, build, the local stack (Kafka +
# PostgreSQL), migrations, then every benchmark in one process tree:
# dist/bench/run-all.js writes bench/results/<date>.{json,md,svg}.
# Environment knobs (see bench/run-all.ts): BENCH_FANOUTS, BENCH_SKIP_MICRO,
# BENCH_SKIP_PIPELINE, BENCH_SSE, BENCH_RESULTS_DIR; BENCH_WORKER_NODE_ARGS (extra node
# flags for the policy worker, for experiments such as V8 heap settings).
set -euo pipefail
source "$(dirname "$0")/../deploy/local/lib.sh"
cd "$root"

check_prerequisites
ensure_node_modules
ensure_build
stack_env=$("$root/deploy/local/stack.sh" up)
eval "$stack_env"
export NODE_ENV=production LOG_LEVEL="${LOG_LEVEL:-warn}"
say "migrating $DATABASE_URL"
node -r ./deploy/runtime/register.js dist/apps/migrate/src/main.js
say "load average before the bench: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
exec node -r ./deploy/runtime/register.js dist/bench/run-all.js "$@"
