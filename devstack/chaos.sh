#!/usr/bin/env bash
# Benchmark of the suggestion job on a bad day: runs the chaos test (system-tests SuggestionChaosTest)
# with a long load on one runner and prints, per fault, orders, eligible, suggested, lost, duplicated
# suggestion lines, replayed records on the topic and the time to catch up after the fault.
#
#   devstack/chaos.sh [flink-local|spark-local|flink-cluster|direct] [--orders-per-fault N] [--rate ORDERS_PER_S] [--seed S]
#
# Faults, in order, each while orders are written: the job's JVM killed with SIGKILL and restarted 5 s
# later; the job stopped while a full batch of orders is committed, then started; Kafka restarted;
# Redis restarted empty; MariaDB restarted; the job killed while Redis hangs (SIGSTOP), half a
# fault's orders read but none of their effects done (Flink and Spark; on Spark with local[4], so
# free task slots let Spark read on); MariaDB down for 90 s, longer than the job's 60 s retry budget, while
# a fault's orders wait in Kafka (Flink and Spark; the committed offsets must reach the log's end within a
# minute of its return). Default load: 500 orders per fault (3,250 in all), 20 orders/s, 20 % eligible.
# flink-cluster has the faults of a cluster instead: the TaskManager running the job killed with SIGKILL (Flink
# restarts its tasks on the other one), then the Kafka broker leading cdc.orders' first partition killed with SIGKILL.
# Starts what it needs (services.sh up, kafka.sh up or cluster.sh up kafka3|flink); leaves them running.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
CONFIG="${1:-flink-local}"; shift || true
PER_FAULT=500 RATE=20 SEED=""
while [ $# -gt 0 ]; do
  case "$1" in
    --orders-per-fault) PER_FAULT="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    *) echo "unknown option $1 (use --orders-per-fault N, --rate ORDERS_PER_S, --seed S)" >&2; exit 2 ;;
  esac
done
[[ "$PER_FAULT" =~ ^[1-9][0-9]*$ ]] || { echo "--orders-per-fault must be a whole number > 0, not '$PER_FAULT'" >&2; exit 2; }
[[ "$RATE" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "--rate must be a number of orders per second, not '$RATE'" >&2; exit 2; }
case "$CONFIG" in
  flink-local) PROFILE=(-P flink-runner) ;;
  spark-local) PROFILE=(-P spark-runner) ;;
  direct) PROFILE=() ;;
  # The faults of a real cluster (tests tagged cluster): a TaskManager and a Kafka broker killed with SIGKILL, on the
  # Flink session cluster and the three-broker Kafka, which this starts (devstack/cluster.sh up flink|kafka3).
  flink-cluster) PROFILE=(-P flink-cluster) ;;
  *) echo "runner config must be flink-local, spark-local, flink-cluster or direct, not '$CONFIG'" >&2; exit 2 ;;
esac
export COFFEE_HOME="${COFFEE_HOME:-$REPO/.local}"
MVN=(mvn -B --no-transfer-progress -Dstyle.color=never)
"${MVN[@]}" -q install -DskipTests
devstack/services.sh up
eval "$(devstack/services.sh env)"
export COFFEE_DB_NAME="${COFFEE_DB_NAME:-coffeeshop}"
devstack/coffee db-init >/dev/null
if [ "$CONFIG" = flink-cluster ]; then
  "${MVN[@]}" -q -pl pipelines -P bundle,flink-runner package -DskipTests
  devstack/cluster.sh up kafka3
  devstack/cluster.sh up flink
  eval "$(devstack/cluster.sh env)"
else
  devstack/kafka.sh up
fi
LOG="$COFFEE_HOME/chaos-$CONFIG.log"
echo "[chaos] $CONFIG: $PER_FAULT orders per fault at $RATE orders/s on $(nproc) cores; test output in $LOG" >&2
status=0
"${MVN[@]}" -pl system-tests "${PROFILE[@]}" test-compile surefire:test -Dtest=SuggestionChaosTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.ordersPerFault="$PER_FAULT" -Dchaos.ordersPerSecond="$RATE" \
  -Dchaos.retryBudgetSeconds=60 -Dchaos.outageSeconds=90 \
  ${SEED:+-Dchaos.seed="$SEED"} >"$LOG" 2>&1 || status=$?
grep '^\[chaos\]' "$LOG" || true
grep -E 'Tests run:|FAIL|AssertionError' "$LOG" | tail -5
exit $status
