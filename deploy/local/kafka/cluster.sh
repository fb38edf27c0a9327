#!/usr/bin/env bash
# A three-node Apache Kafka cluster (KRaft; each node controller and broker) on
# this machine, from the same Maven-resolved jars as kafka.sh: replication
# factor 3, min.insync.replicas 2, no unclean leader election.
# Usage: cluster.sh start|stop|status|brokers|kill N|start-node N
# Brokers on 127.0.0.1:29092, 29094, 29096 (KAFKA_CLUSTER_PORT moves the first;
# the others follow two apart), controllers on the next port up. State (data,
# logs, pids) in .local/cluster/kafka-N (LIAISON_CLUSTER_DIR moves it). Small
# heaps (KAFKA_HEAP, 384m).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
base="${LIAISON_CLUSTER_DIR:-${LIAISON_LOCAL_DIR:-$root/.local}/cluster}"
first_port="${KAFKA_CLUSTER_PORT:-29092}"
nodes=(1 2 3)
mkdir -p "$base"

log() { printf '[cluster] %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
broker_port() { echo $((first_port - 2 + 2 * $1)); }
controller_port() { echo $((first_port - 1 + 2 * $1)); }
state() { echo "$base/kafka-$1"; }
running_pid() {
  local pidfile; pidfile="$(state "$1")/broker.pid"
  [[ -f $pidfile ]] || return 1
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}
brokers() {
  local list=()
  for n in "${nodes[@]}"; do list+=("127.0.0.1:$(broker_port "$n")"); done
  (IFS=,; echo "${list[*]}")
}
voters() {
  local list=()
  for n in "${nodes[@]}"; do list+=("$n@127.0.0.1:$(controller_port "$n")"); done
  (IFS=,; echo "${list[*]}")
}

write_config() {
  local n=$1 dir; dir=$(state "$n")
  mkdir -p "$dir/logs"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(voters)
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$n"),CONTROLLER://127.0.0.1:$(controller_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$n")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=4
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=8
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
}

start_node() {
  local n=$1 dir; dir=$(state "$n")
  if running_pid "$n" >/dev/null; then return 0; fi
  write_config "$n"
  local cp="$here/lib/*"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    [[ -f "$base/cluster-id" ]] || java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1 >"$base/cluster-id"
    java -cp "$cp" -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$dir/logs" \
      kafka.tools.StorageTool format -t "$(cat "$base/cluster-id")" -c "$dir/server.properties" \
      >>"$dir/logs/format.log" 2>&1 || { log "format of node $n failed, see $dir/logs/format.log"; exit 3; }
  fi
  log "starting node $n on 127.0.0.1:$(broker_port "$n") (logs: $dir/logs/server.log)"
  nohup java -Xms128m -Xmx"${KAFKA_HEAP:-384m}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$dir/logs" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >>"$dir/logs/stdout.log" 2>&1 &
  echo $! >"$dir/broker.pid"
}

wait_ready() {
  for _ in $(seq 1 240); do
    local ready=0
    for n in "$@"; do
      local dir; dir=$(state "$n")
      kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null || { log "node $n exited:"; tail -20 "$dir/logs/server.log" >&2; exit 1; }
      port_open "$(broker_port "$n")" && grep -q 'Kafka Server started' "$dir/logs/server.log" 2>/dev/null && ready=$((ready + 1))
    done
    if ((ready == $#)); then log "ready: $(brokers)"; return 0; fi
    sleep 0.5
  done
  log "cluster did not become ready in 120 s"; exit 1
}

# Stops the given nodes together: a node stopping alone after the others waits
# for a controller quorum that is gone, so all get SIGTERM at once; whatever
# still runs after 30 s gets SIGKILL. Returns once every process has exited.
stop_nodes() {
  local n pid pids=()
  for n in "$@"; do
    if pid=$(running_pid "$n"); then kill "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done
  for _ in $(seq 1 60); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # Gone, or a zombie waiting for its reaper: either way it holds no port.
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
      sleep 0.1
    done
  done
  for n in "$@"; do rm -f "$(state "$n")/broker.pid"; done
}

case "${1:-start}" in
  start)
    command -v java >/dev/null || { log "Java 17+ is required"; exit 3; }
    "$here/kafka.sh" jars
    # A fresh server.log per run, so readiness is this run's "Kafka Server started".
    for n in "${nodes[@]}"; do
      running_pid "$n" >/dev/null || rm -f "$(state "$n")/logs/server.log"
      start_node "$n"
    done
    wait_ready "${nodes[@]}"
    ;;
  start-node) rm -f "$(state "$2")/logs/server.log"; start_node "$2"; wait_ready "$2" ;;
  kill)
    # A crash: SIGKILL, no controlled shutdown.
    if pid=$(running_pid "$2"); then kill -9 "$pid"; rm -f "$(state "$2")/broker.pid"; log "killed node $2 (pid $pid)"; fi
    ;;
  stop) stop_nodes "${nodes[@]}"; log "stopped" ;;
  brokers) brokers ;;
  status)
    for n in "${nodes[@]}"; do
      if pid=$(running_pid "$n"); then echo "node $n running pid $pid port $(broker_port "$n")"; else echo "node $n stopped"; fi
    done
    ;;
  *) echo "usage: $0 start|stop|status|brokers|kill N|start-node N" >&2; exit 2 ;;
esac
