#!/usr/bin/env bash
# Real clusters on loopback, each several JVMs of the real distribution's classes from Maven Central (the
# binary tarballs are not needed), for submitting the jobs as a team with its own cluster would:
#
#   devstack/cluster.sh up flink       a Flink 1.19.0 session cluster: one JobManager, two TaskManagers
#   devstack/cluster.sh down flink     stop it (checkpoints and logs stay in $COFFEE_HOME/flink)
#   devstack/cluster.sh kill-taskmanager N   kill -9 TaskManager N (1 or 2), as a lost machine would die
#   devstack/cluster.sh kill-jobmanager      kill -9 the JobManager (its jobs are lost: resubmit them, see docs/clusters.md)
#   devstack/cluster.sh up kafka3      the CDC stack (devstack/kafka.sh) on three KRaft brokers: replication factor 3,
#                                      min.insync.replicas 2, Connect's internal topics and the connector's alike
#   devstack/cluster.sh down kafka3    stop it;  devstack/kafka.sh kill-broker N  kills broker N with SIGKILL
#   devstack/cluster.sh env            the client settings of kafka3 (COFFEE_KAFKA_BROKERS, COFFEE_KAFKA_BOOTSTRAP)
#   devstack/cluster.sh status
#
# Jobs go to it with runner-configs/flink-cluster.conf and FLINK_MASTER=127.0.0.1:8081 (its default).
# The TaskManagers get the landing zone's passwords from $COFFEE_HOME/secrets.env (devstack/services.sh):
# the jobs read them where they run. Checkpoints go to $COFFEE_HOME/flink/checkpoints, which the JobManager and
# the TaskManagers share (one machine; on several, a shared file system or object store).
#
# Settings (environment): COFFEE_HOME, COFFEE_FLINK_REST_PORT (8081), COFFEE_FLINK_RPC_PORT (6123),
# COFFEE_FLINK_TM_MEMORY (3g a TaskManager: silver holds a day's bucket in memory), COFFEE_FLINK_SLOTS (2 a
# TaskManager: a job of parallelism 2 fits on one, so it can restart on the other when one dies).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COFFEE_HOME="${COFFEE_HOME:-$REPO/.local}"
FLINK_HOME="$COFFEE_HOME/flink"
REST_PORT="${COFFEE_FLINK_REST_PORT:-8081}"
RPC_PORT="${COFFEE_FLINK_RPC_PORT:-6123}"
TM_MEMORY="${COFFEE_FLINK_TM_MEMORY:-3g}"
SLOTS="${COFFEE_FLINK_SLOTS:-2}"
TASKMANAGERS=2

log() { echo "[cluster] $*" >&2; }
die() { echo "[cluster] ERROR: $*" >&2; exit 1; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# What Flink's own scripts pass to every JVM on Java 17 (env.java.opts.all of its default config.yaml): the
# scripts are not used here, so the list is passed by hand.
JAVA17_OPENS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

flink_classpath() {
  local cp_file="$REPO/devstack/clusters/flink/target/classpath.txt"
  if [ ! -s "$cp_file" ]; then
    log "resolving Flink 1.19.0's classes from Maven (first run only)…"
    mvn -B -q -f "$REPO/devstack/clusters/flink/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$cp_file" >&2 || die "could not resolve Flink's class path (devstack/clusters/flink/pom.xml)"
  fi
  cat "$cp_file"
}

write_config() {
  mkdir -p "$FLINK_HOME/conf" "$FLINK_HOME/checkpoints" "$FLINK_HOME/savepoints" "$FLINK_HOME/log"
  cat > "$FLINK_HOME/conf/config.yaml" <<YAML
# Written by devstack/cluster.sh; docker/compose.yaml's Flink services set the same keys.
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 1600m
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.memory.process.size: $TM_MEMORY
taskmanager.numberOfTaskSlots: $SLOTS
# A batch step's shuffles are blocking (sort-shuffle); each result partition being written takes
# sort-shuffle.min-buffers network buffers (Flink's default 512 = 16 MB), and bronze writes dozens at once: it failed
# with "Insufficient number of network buffers: required 512" even with a quarter of the process as network memory.
taskmanager.network.sort-shuffle.min-buffers: 64
taskmanager.memory.network.fraction: 0.15
# Each submission loads the job's classes in a class loader of its own, and Beam's jobs leave theirs behind
# (apache/beam#25510, #29890, #32372): Flink's default 256 MB metaspace filled after 5 submissions (a TaskManager
# died with OutOfMemoryError: Metaspace). See docs/clusters.md for what it costs and the remedy.
taskmanager.memory.jvm-metaspace.size: 1g
jobmanager.memory.jvm-metaspace.size: 1g
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $REST_PORT
state.checkpoints.dir: file://$FLINK_HOME/checkpoints
state.savepoints.dir: file://$FLINK_HOME/savepoints
# Beam's jobs leave their class loaders behind (apache/beam#29890); Beam turns this check off only for [local].
classloader.check-leaked-classloader: false
YAML
}

# BashJavaUtils resolves a process's memory the way Flink's scripts do: two result lines, the JVM flags, then
# the -D list. $1: GET_JM_RESOURCE_PARAMS or GET_TM_RESOURCE_PARAMS.
resource_params() {
  local out
  out="$(java "${JAVA17_OPENS[@]}" -cp "$CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$FLINK_HOME/conf" 2>&1)" || die "Flink refused the memory settings ($1): $out"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

rest() { python3 -c "import json,sys,urllib.request; print(json.load(urllib.request.urlopen('http://127.0.0.1:$REST_PORT$1', timeout=3))$2)" 2>/dev/null; }

flink_up() {
  CP="$(flink_classpath)"
  write_config
  if [ -f "$COFFEE_HOME/secrets.env" ]; then
    set -a; . "$COFFEE_HOME/secrets.env"; set +a
  fi
  if pid_alive "$FLINK_HOME/jobmanager.pid"; then
    log "JobManager already runs (REST http://127.0.0.1:$REST_PORT)"
  else
    mapfile -t jm < <(resource_params GET_JM_RESOURCE_PARAMS)
    # shellcheck disable=SC2086
    nohup java "${JAVA17_OPENS[@]}" ${jm[0]} -cp "$CP" \
      org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$FLINK_HOME/conf" ${jm[1]} \
      > "$FLINK_HOME/log/jobmanager.log" 2>&1 &
    echo $! > "$FLINK_HOME/jobmanager.pid"
  fi
  mapfile -t tm < <(resource_params GET_TM_RESOURCE_PARAMS)
  for n in $(seq 1 $TASKMANAGERS); do
    if pid_alive "$FLINK_HOME/taskmanager-$n.pid"; then continue; fi
    mkdir -p "$FLINK_HOME/tmp-$n"
    # shellcheck disable=SC2086
    nohup java "${JAVA17_OPENS[@]}" ${tm[0]} -cp "$CP" \
      org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$FLINK_HOME/conf" ${tm[1]} \
      -D taskmanager.resource-id="taskmanager-$n" -D io.tmp.dirs="$FLINK_HOME/tmp-$n" \
      >> "$FLINK_HOME/log/taskmanager-$n.log" 2>&1 &
    echo $! > "$FLINK_HOME/taskmanager-$n.pid"
  done
  for _ in $(seq 1 120); do
    [ "$(rest /overview "['taskmanagers']")" = "$TASKMANAGERS" ] && break
    pid_alive "$FLINK_HOME/jobmanager.pid" || die "the JobManager exited; see $FLINK_HOME/log/jobmanager.log"
    sleep 1
  done
  [ "$(rest /overview "['taskmanagers']")" = "$TASKMANAGERS" ] \
    || die "the TaskManagers did not register within 2 minutes; see $FLINK_HOME/log/"
  log "Flink $(rest /config "['flink-version']") session cluster: JobManager http://127.0.0.1:$REST_PORT," \
    "$TASKMANAGERS TaskManagers × $SLOTS slots ($TM_MEMORY each); logs in $FLINK_HOME/log"
}

stop_pid() {
  local f="$1" name="$2"
  if pid_alive "$f"; then
    kill "$(cat "$f")"
    for _ in $(seq 1 30); do pid_alive "$f" || break; sleep 0.5; done
    pid_alive "$f" && kill -9 "$(cat "$f")"
    log "stopped $name"
  fi
  rm -f "$f"
}

flink_down() {
  for n in $(seq 1 $TASKMANAGERS); do stop_pid "$FLINK_HOME/taskmanager-$n.pid" "TaskManager $n"; done
  stop_pid "$FLINK_HOME/jobmanager.pid" "JobManager"
}

# The CDC stack (devstack/kafka.sh) on three KRaft brokers instead of one: a Kafka of another size is stopped and
# its folders removed first (Connect's offsets with it: the connector starts again from the binlog's current position).
kafka3_up() {
  export COFFEE_KAFKA_BROKERS=3
  if [ -f "$COFFEE_HOME/kafka/brokers" ] && [ "$(cat "$COFFEE_HOME/kafka/brokers")" != 3 ] \
      || { [ -d "$COFFEE_HOME/kafka" ] && [ ! -f "$COFFEE_HOME/kafka/brokers" ]; }; then
    log "replacing the single-node Kafka in $COFFEE_HOME/kafka with three brokers"
    COFFEE_KAFKA_BROKERS=1 "$REPO/devstack/kafka.sh" down
    rm -rf "$COFFEE_HOME/kafka" "$COFFEE_HOME/connect"
  fi
  "$REPO/devstack/kafka.sh" up
  log "clients use: export COFFEE_KAFKA_BROKERS=3 COFFEE_KAFKA_BOOTSTRAP=$KAFKA3_BOOTSTRAP"
}
KAFKA_PORT="${COFFEE_KAFKA_PORT:-9092}"
KAFKA3_BOOTSTRAP="127.0.0.1:$KAFKA_PORT,127.0.0.1:$((KAFKA_PORT + 10)),127.0.0.1:$((KAFKA_PORT + 20))"

case "${1:-}" in
  up)
    case "${2:-}" in
      flink) flink_up ;;
      kafka3) kafka3_up ;;
      *) die "usage: devstack/cluster.sh up flink|kafka3" ;;
    esac ;;
  down)
    case "${2:-}" in
      flink) flink_down ;;
      kafka3) COFFEE_KAFKA_BROKERS=3 "$REPO/devstack/kafka.sh" down ;;
      *) die "usage: devstack/cluster.sh down flink|kafka3" ;;
    esac ;;
  env)
    # For clients of kafka3: eval "$(devstack/cluster.sh env)"
    echo "export COFFEE_KAFKA_BROKERS=3 COFFEE_KAFKA_BOOTSTRAP=$KAFKA3_BOOTSTRAP" ;;
  kill-taskmanager)
    f="$FLINK_HOME/taskmanager-${2:-}.pid"
    pid_alive "$f" || die "TaskManager ${2:-?} is not running (1 to $TASKMANAGERS)"
    kill -9 "$(cat "$f")"; rm -f "$f"; log "killed TaskManager $2 with SIGKILL" ;;
  kill-jobmanager)
    f="$FLINK_HOME/jobmanager.pid"
    pid_alive "$f" || die "the JobManager is not running"
    kill -9 "$(cat "$f")"; rm -f "$f"; log "killed the JobManager with SIGKILL (up flink starts it again)" ;;
  status)
    if pid_alive "$FLINK_HOME/jobmanager.pid"; then
      log "Flink: JobManager up, $(rest /overview "['taskmanagers']") TaskManagers, $(rest /overview "['jobs-running']") jobs running"
    else
      log "Flink: down"
    fi ;;
  *) die "usage: devstack/cluster.sh up|down flink|kafka3 | kill-taskmanager N | kill-jobmanager | env | status" ;;
esac
