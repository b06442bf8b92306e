#!/usr/bin/env bash
# README command 1: the whole system on the local default stack (no Docker), in a few minutes.
#
#  1. starts MariaDB and Redis (Debian packages, private data dir), creates the landing zone and its
#     least-privilege users, loads the reference data;
#  2. starts Kafka and Kafka Connect with Debezium (own JVMs), warms the Redis cache, starts the
#     suggestion job (FlinkRunner by default);
#  3. generates orders at the seed's rate (5 % eligible) with a live status line every 5 s: orders/s,
#     eligible, suggestions, dead letters, commit -> suggestion latency p50/p99;
#  4. stops the job it started (the batch gets the cores), runs the daily batch for today (bronze ->
#     silver -> gold) in one JVM, prints the data-quality report and the gold tables, and writes the
#     day's KPI report (HTML + PNG charts);
#  5. stops everything it started, also on Ctrl-C or failure, and checks nothing is left listening.
#
#   devstack/demo.sh [--duration 30s] [--rate 17] [--runner flink|direct|spark] [--batch-runner R]
#                    [--show-suggestions] [--top 10] [--external] [--keep-running]
#
#   --duration       how long to generate orders (default 30s)
#   --rate           order lines per second (default 17, the seed's rate)
#   --runner         runner of the suggestion job and the batch: flink (default), direct, spark, or any
#                    runner-configs/ name; --batch-runner gives the batch another one
#   --show-suggestions  one line per suggestion (order, customer, product, discount, latency)
#   --top            stores and products shown in the KPI report (default 10)
#   --external       use running services instead of starting any: COFFEE_DB_HOST/PORT with
#                    COFFEE_DB_ADMIN_PASSWORD and COFFEE_APP/BATCH/CDC_PASSWORD (db-init sets the users);
#                    COFFEE_REDIS_HOST/PORT; COFFEE_KAFKA_BOOTSTRAP with the Debezium connector
#                    registered (docker/compose.yaml does this)
#   --keep-running   leave what it started running at the end (stop it with services.sh/kafka.sh down)
#
# State (database, lakehouse, reports, logs) lives in $COFFEE_HOME (default .local/).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export COFFEE_HOME="${COFFEE_HOME:-$REPO/.local}"
DURATION=30s RATE=17 JOB_RUNNER=flink-local BATCH_RUNNER="" SHOW="" TOP=10 EXTERNAL=0 KEEP=0

runner_config() {  # flink|direct|spark -> the local runner-configs file; other names pass through
  case "$1" in
    flink) echo flink-local ;; spark) echo spark-local ;; direct) echo direct ;;
    *) [ -f "$1" ] || [ -f "runner-configs/$1.conf" ] \
         || { echo "unknown runner '$1': use flink, direct, spark or one of: $(ls runner-configs | sed -n 's/\.conf$//p' | tr '\n' ' ')" >&2; exit 2; }
       echo "$1" ;;
  esac
}
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "option $1 needs a value (see --help)" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) need_value "$@"; DURATION="$2"; shift 2 ;;
    --rate) need_value "$@"; RATE="$2"; shift 2 ;;
    --runner) need_value "$@"; JOB_RUNNER="$(runner_config "$2")"; shift 2 ;;
    --batch-runner) need_value "$@"; BATCH_RUNNER="$(runner_config "$2")"; shift 2 ;;
    --top) need_value "$@"; TOP="$2"; shift 2 ;;
    --show-suggestions) SHOW=--show-suggestions; shift ;;
    --external) EXTERNAL=1; shift ;;
    --keep-running) KEEP=1; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
BATCH_RUNNER="${BATCH_RUNNER:-$JOB_RUNNER}"
[[ "$RATE" =~ ^[0-9]+([.][0-9]+)?$ ]] && [ "$RATE" != 0 ] || { echo "--rate takes order lines per second above 0, not '$RATE'" >&2; exit 2; }
[[ "$TOP" =~ ^[1-9][0-9]*$ ]] || { echo "--top takes a whole number above 0, not '$TOP'" >&2; exit 2; }
[[ "$DURATION" =~ ^[0-9]+(ms|s|m|h)?$ ]] || { echo "--duration takes e.g. 30s, 2m, not '$DURATION'" >&2; exit 2; }

T0=$SECONDS
step() { printf '\n\033[1m== %s\033[0m  (%s, +%ds)\n' "$*" "$(date +%T)" $((SECONDS - T0)); }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

STARTED_SERVICES=0 STARTED_KAFKA=0 STARTED_JOB=0
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ "$KEEP" = 1 ]; then
    step "Left running (--keep-running): devstack/suggestion-job.sh stop; devstack/kafka.sh down; devstack/services.sh down"
    exit "$code"
  fi
  step "Stopping what this demo started"
  [ "$STARTED_JOB" = 1 ] && devstack/suggestion-job.sh stop || true
  [ "$STARTED_KAFKA" = 1 ] && devstack/kafka.sh down || true
  [ "$STARTED_SERVICES" = 1 ] && devstack/services.sh down || true
  if [ "$EXTERNAL" = 0 ]; then
    local left=()
    [ "$STARTED_SERVICES" = 1 ] && for p in "${COFFEE_DB_PORT:-3307}" "${COFFEE_REDIS_PORT:-6380}"; do listening "$p" && left+=("$p"); done
    [ "$STARTED_KAFKA" = 1 ] && for p in "${COFFEE_KAFKA_PORT:-9092}" "${COFFEE_KAFKA_CONTROLLER_PORT:-9093}" "${COFFEE_CONNECT_PORT:-8083}"; do
      listening "$p" && left+=("$p"); done
    if [ ${#left[@]} -gt 0 ]; then echo "WARNING: still listening on port(s) ${left[*]}" >&2; [ "$code" = 0 ] && code=1
    else echo "stopped: nothing this demo started is left listening"; fi
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'echo; echo "interrupted" >&2; exit 130' INT TERM

step "Build (once; every later step reuses it)"
# the modules, the DirectRunner jar and the tools jar; the DirectRunner jar without its class-data archive (its
# training costs the build about 20 s, more than it saves the demo); the runner jars below have theirs
mvn -B -q install -DskipTests -P bundle -Dbundle.classArchive.skip=true
devstack/run-pipeline --build "$JOB_RUNNER" "$BATCH_RUNNER"   # the runner jars the job and the batch start with java
export COFFEE_PREBUILT=1

if [ "$EXTERNAL" = 1 ]; then
  step "Services: external (not started, not stopped)"
  export COFFEE_EXTERNAL=1
  for v in COFFEE_DB_HOST COFFEE_DB_PORT COFFEE_DB_ADMIN_PASSWORD COFFEE_APP_PASSWORD COFFEE_BATCH_PASSWORD COFFEE_CDC_PASSWORD \
           COFFEE_REDIS_HOST COFFEE_REDIS_PORT COFFEE_KAFKA_BOOTSTRAP; do
    [ -n "${!v:-}" ] || { echo "--external needs $v in the environment (see --help)" >&2; exit 2; }
  done
  echo "MariaDB/MySQL $COFFEE_DB_HOST:$COFFEE_DB_PORT, Redis $COFFEE_REDIS_HOST:$COFFEE_REDIS_PORT, Kafka $COFFEE_KAFKA_BOOTSTRAP"
else
  step "Services: MariaDB and Redis"
  devstack/services.sh status | grep -q '^mariadb  running' && devstack/services.sh status | grep -q '^redis    running' \
    && echo "(already running: left running at the end)" || STARTED_SERVICES=1
  devstack/services.sh up
  eval "$(devstack/services.sh env)"
  export COFFEE_KAFKA_BOOTSTRAP="127.0.0.1:${COFFEE_KAFKA_PORT:-9092}"
fi
export COFFEE_DB_NAME="${COFFEE_DB_NAME:-coffeeshop}"

step "Landing zone: schema and least-privilege users"
devstack/coffee db-init

step "Reference data"
devstack/coffee load-reference

if [ "$EXTERNAL" = 0 ]; then
  step "Change data capture: Kafka + Kafka Connect with Debezium (own JVMs, loopback ports)"
  devstack/kafka.sh status | grep -q '^connect  running' && echo "(already running: left running at the end)" || STARTED_KAFKA=1
  devstack/kafka.sh up
fi

step "Suggestion job on $JOB_RUNNER (reference data warmed into Redis first)"
devstack/coffee warm-cache
devstack/suggestion-job.sh status | grep -q running && echo "(a suggestion job already runs: it is used and left running)" \
  || STARTED_JOB=1
devstack/suggestion-job.sh start "$JOB_RUNNER"

step "Orders at $RATE lines/s for $DURATION, 5 % eligible; the suggestion job's output live"
# The chain's business day (the lakehouse's default reporting time zone), and its bounds in UTC as MariaDB stores times.
ZONE=Asia/Ho_Chi_Minh
DAY="$(TZ=$ZONE date +%F)"
DAY_START="$(date -u -d "TZ=\"$ZONE\" $DAY 00:00" '+%F %T')"
DAY_END="$(date -u -d "TZ=\"$ZONE\" $(date -d "$DAY + 1 day" +%F) 00:00" '+%F %T')"
devstack/coffee live --duration "$DURATION" --rate "$RATE" --eligible-share 0.05 $SHOW

step "The landing zone's own figures for $DAY (MariaDB)"
MYSQL_PWD="$COFFEE_BATCH_PASSWORD" mariadb -h"$COFFEE_DB_HOST" -P"$COFFEE_DB_PORT" -ucoffee_batch "$COFFEE_DB_NAME" --table <<SQL
SELECT COUNT(DISTINCT o.id) AS orders, COUNT(*) AS order_lines, SUM(d.subtotal) AS revenue_vnd,
       SUM(d.is_suggestion) AS suggestions, SUM(IF(d.is_suggestion = 1, d.subtotal, 0)) AS suggested_vnd
  FROM orders o JOIN order_details d ON d.order_id = o.id
 WHERE o.\`timestamp\` >= '$DAY_START' AND o.\`timestamp\` < '$DAY_END';
SQL

if [ "$STARTED_JOB" = 1 ]; then  # on a small machine the batch wants every core; in production both run
  devstack/suggestion-job.sh stop && STARTED_JOB=0
fi

step "Daily batch for $DAY on $BATCH_RUNNER: bronze -> silver (data-quality gate) -> gold SCD2 dimensions -> gold facts"
LAKE="$COFFEE_HOME/lakehouse"
LOG="$COFFEE_HOME/demo-batch.log"
# The four steps in one JVM (DailyBatch): a small day's steps cost mostly start-up, paid once here instead of four
# times. Airflow runs each step as its own task. --settleMinutes=0: the demo's writer has finished, no transaction
# is still open.
if ! devstack/run-pipeline com.coffeeshop.pipelines.medallion.DailyBatch "$BATCH_RUNNER" --dbHost="$COFFEE_DB_HOST" \
    --dbPort="$COFFEE_DB_PORT" --dbName="$COFFEE_DB_NAME" --lakehouse="$LAKE" --settleMinutes=0 --date="$DAY" 2>&1 \
    | tee "$LOG" | devstack/job-steps; then
  echo "  the batch FAILED; its log: $LOG"
  { grep -A2 "the batch stopped at" "$LOG" || tail -5 "$LOG"; } | sed 's/^/    /'
  exit 1
fi

step "Data quality and gold tables for $DAY"
devstack/coffee lakehouse-summary --lakehouse "$LAKE" --date "$DAY"

step "KPI report for $DAY"
devstack/coffee kpi-report --lakehouse "$LAKE" --date "$DAY" --out "$COFFEE_HOME/reports" --top "$TOP"
echo "demo done in $((SECONDS - T0)) s"
