#!/usr/bin/env bash
# Runs the real-time suggestion job in the background for local use, demos and benchmarks.
#
#   devstack/suggestion-job.sh start [runner-config]   # default flink-local; waits until it answers
#   devstack/suggestion-job.sh stop
#   devstack/suggestion-job.sh status
#
# Needs devstack/services.sh up, devstack/kafka.sh up, and `devstack/coffee warm-cache`; with
# COFFEE_EXTERNAL=1, the services named by COFFEE_DB_HOST/PORT, COFFEE_REDIS_HOST/PORT and
# COFFEE_KAFKA_BOOTSTRAP instead.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
COFFEE_HOME="${COFFEE_HOME:-$REPO/.local}"
PIDFILE="$COFFEE_HOME/suggestion-job.pid"

running() { [ -f "$PIDFILE" ] && kill -0 -- -"$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-}" in
  start)
    CONFIG="${2:-flink-local}"
    if running; then echo "[suggestion-job] already running (process group $(cat "$PIDFILE"))" >&2; exit 0; fi
    # Local services unless the caller points at running ones (demo.sh --external sets COFFEE_EXTERNAL=1).
    [ "${COFFEE_EXTERNAL:-0}" = 1 ] || eval "$(devstack/services.sh env)"
    export COFFEE_KAFKA_BOOTSTRAP="${COFFEE_KAFKA_BOOTSTRAP:-127.0.0.1:${COFFEE_KAFKA_PORT:-9092}}"
    export COFFEE_DB_NAME="${COFFEE_DB_NAME:-coffeeshop}"
    LOG="$COFFEE_HOME/suggestion-job.log"
    echo "[suggestion-job] starting on $CONFIG (log: $LOG)" >&2
    JOB_ARGS=(--dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$COFFEE_DB_NAME"
      --dbUser=coffee_app --dbPasswordEnv=COFFEE_APP_PASSWORD --redisHost="$COFFEE_REDIS_HOST" --redisPort="$COFFEE_REDIS_PORT"
      --kafkaBootstrap="$COFFEE_KAFKA_BOOTSTRAP" --consumerGroup="coffeeshop-suggestion-local" --startFrom=latest)
    # Supervised, as a cluster or a service manager would run it: a job that fails is started again and
    # resumes from its consumer group's offsets, committed only after the effects (README: delivery contract).
    supervise() {
      while true; do
        devstack/run-pipeline com.coffeeshop.pipelines.suggestion.SuggestionPipeline "$CONFIG" "${JOB_ARGS[@]}" && return 0
        rc=$?
        [ $rc -eq 2 ] && return 2  # bad options or configuration: starting again would fail the same way
        echo "[suggestion-job] $(date -u +%FT%TZ) the job exited with code $rc; starting it again in 5 s"
        sleep 5
      done
    }
    setsid bash -c "$(declare -f supervise); $(declare -p CONFIG JOB_ARGS); supervise" >"$LOG" 2>&1 &
    echo $! > "$PIDFILE"
    # Ready when a probe order (eligible, written by the generator) gets its suggestion.
    for _ in $(seq 1 60); do
      sleep 3
      if devstack/coffee bench-latency --topic order_suggestion_accepted --eligible-share 1 --orders 1 --rates 0 \
           --settle-seconds 5 >/dev/null 2>&1; then
        echo "[suggestion-job] running and answering (process group $(cat "$PIDFILE"))" >&2
        exit 0
      fi
      running || { echo "[suggestion-job] the job died, see $LOG" >&2; exit 1; }
    done
    echo "[suggestion-job] no answer after 3 minutes, see $LOG" >&2; exit 1
    ;;
  stop)
    if running; then
      PG="$(cat "$PIDFILE")"
      kill -- -"$PG" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 -- -"$PG" 2>/dev/null || break; sleep 0.5; done
      kill -9 -- -"$PG" 2>/dev/null || true
      echo "[suggestion-job] stopped" >&2
    fi
    rm -f "$PIDFILE"
    ;;
  status)
    if running; then echo "suggestion-job running (process group $(cat "$PIDFILE"))"; else echo "suggestion-job stopped"; fi
    ;;
  *) echo "usage: $0 start [runner-config]|stop|status" >&2; exit 2 ;;
esac
