#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, combined broker+controller) from the
# official jars on Maven Central. Usage: kafka.sh start|stop|kill|status|restart|jars
# Idempotent: `start` reuses a broker already answering on the port.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
state="${LIAISON_LOCAL_DIR:-$root/.local}/kafka"
port="${KAFKA_PORT:-19092}"
ctl_port="${KAFKA_CONTROLLER_PORT:-19093}"
pidfile="$state/broker.pid"
mkdir -p "$state/logs"

log() { printf '[kafka] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running_pid() {
  [[ -f $pidfile ]] || return 1
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

fetch_jars() {
  if [[ -f "$here/lib/.complete" ]]; then return 0; fi
  command -v mvn >/dev/null || { log "Maven (mvn) is required to fetch the Kafka jars: apt-get install maven"; exit 3; }
  log "resolving Apache Kafka jars from Maven Central (once)..."
  (cd "$here" && mvn -q -B package) >"$state/logs/maven.log" 2>&1 || { log "maven failed, see $state/logs/maven.log"; tail -20 "$state/logs/maven.log" >&2; exit 3; }
  touch "$here/lib/.complete"
}

write_config() {
  cat >"$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$ctl_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctl_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$state/data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=8
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
}

start() {
  if pid=$(running_pid); then
    if port_open "$port"; then log "reusing broker pid $pid on 127.0.0.1:$port"; return 0; fi
  elif port_open "$port"; then
    log "a broker already answers on 127.0.0.1:$port; reusing it"; return 0
  fi
  command -v java >/dev/null || { log "Java 17+ is required: apt-get install openjdk-17-jre-headless"; exit 3; }
  fetch_jars
  write_config
  local cp="$here/lib/*"
  if [[ ! -f "$state/data/meta.properties" ]]; then
    log "formatting KRaft storage in $state/data"
    java -cp "$cp" -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$state/logs" \
      kafka.tools.StorageTool format --standalone -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$state/server.properties" >>"$state/logs/format.log" 2>&1 || { log "format failed, see $state/logs/format.log"; exit 3; }
  fi
  local lines_before=0
  [[ -f "$state/logs/server.log" ]] && lines_before=$(wc -l <"$state/logs/server.log")
  log "starting broker on 127.0.0.1:$port (logs: $state/logs/server.log)"
  nohup java -Xms256m -Xmx${KAFKA_HEAP:-768m} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$state/logs" \
    -cp "$cp" kafka.Kafka "$state/server.properties" >>"$state/logs/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if port_open "$port" && tail -n "+$((lines_before + 1))" "$state/logs/server.log" 2>/dev/null | grep -q 'Kafka Server started'; then
      log "ready"; return 0
    fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { log "broker exited; last log lines:"; tail -30 "$state/logs/server.log" "$state/logs/stdout.log" >&2; exit 1; }
    sleep 0.5
  done
  log "broker did not become ready in 60 s"; exit 1
}

stop() {
  if pid=$(running_pid); then
    log "stopping broker pid $pid"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  else
    log "no broker started by this script is running"
  fi
}

# Simulates a crash (fault-injection tests): SIGKILL, no controlled shutdown.
crash() {
  if pid=$(running_pid); then
    log "killing broker pid $pid (SIGKILL)"
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$pidfile"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  kill) crash ;;
  restart) stop; start ;;
  jars) fetch_jars ;;
  status) if pid=$(running_pid); then echo "running pid $pid port $port"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|kill|restart|status|jars" >&2; exit 2 ;;
esac
