#!/usr/bin/env bash
# README command 1: the system's main job on the local default stack (no Docker).
# Today: starts MariaDB and Redis, creates the landing zone and its users, loads the reference data,
# starts Kafka + Connect with Debezium, warms the Redis cache, starts the suggestion job (FlinkRunner
# by default), generates orders at the seed's rate with 5 % eligible, prints the orders and the
# suggestions made with their latency, then runs the store-revenue pipeline and the daily batch for
# today (bronze -> silver -> gold, on --runner) with the data-quality report and the gold tables' rows,
# and stops the job. It grows as the pipelines land.
#
#   devstack/demo.sh [--duration 30s] [--job-runner flink-local|direct|spark-local] [--runner direct|flink-local|spark-local]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
DURATION=30s
RUNNER_CONFIG=flink-local
JOB_RUNNER=flink-local
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --runner) RUNNER_CONFIG="$2"; shift 2 ;;
    --job-runner) JOB_RUNNER="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n\033[1m== %s  (%s)\033[0m\n' "$*" "$(date +%T)"; }

step "Services"
devstack/services.sh up
eval "$(devstack/services.sh env)"
export COFFEE_DB_NAME="${COFFEE_DB_NAME:-coffeeshop}"

step "Landing zone: schema and least-privilege users"
devstack/coffee db-init

step "Reference data"
devstack/coffee load-reference

step "Change data capture: Kafka + Kafka Connect with Debezium (own JVMs, loopback ports)"
devstack/kafka.sh up

step "Suggestion job on $JOB_RUNNER (reference data warmed into Redis first)"
devstack/coffee warm-cache
devstack/suggestion-job.sh start "$JOB_RUNNER"
trap 'devstack/suggestion-job.sh stop' EXIT

step "Orders at the seed's rate (17 order lines/s) for $DURATION, 5 % eligible for a suggestion"
devstack/coffee generate-orders --duration "$DURATION" --eligible-share 0.05
sleep 3

step "What was written"
mariadb -h127.0.0.1 -P"$COFFEE_DB_PORT" -ucoffee_admin -p"$COFFEE_DB_ADMIN_PASSWORD" "$COFFEE_DB_NAME" --table <<'SQL'
SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM order_details WHERE is_suggestion = 0) AS order_lines,
       (SELECT SUM(subtotal) FROM order_details) AS revenue_vnd,
       (SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id
          JOIN payment_methods p ON p.id = o.payment_method_id
         WHERE c.tier = 'diamond' AND p.method_name = 'Bank Transfer' AND p.bank = 'ACB') AS eligible_orders,
       (SELECT COUNT(*) FROM order_details WHERE is_suggestion = 1) AS suggestions;
SELECT d.order_id AS latest_suggestions, o.customer_id, d.product_id AS suggested, p.name, d.discount_percent AS pct_off,
       d.subtotal AS vnd, TIMESTAMPDIFF(MICROSECOND, o.`timestamp`, UTC_TIMESTAMP(6)) DIV 1000000 AS age_s
  FROM order_details d JOIN orders o ON o.id = d.order_id JOIN products p ON p.id = d.product_id
 WHERE d.is_suggestion = 1 ORDER BY o.`timestamp` DESC LIMIT 5;
SQL

step "Commit -> suggestion latency over 50 eligible orders"
devstack/coffee bench-latency --topic order_suggestion_accepted --eligible-share 1 --orders 50 --rates 17

step "Commit -> CDC record latency over 100 orders at the seed's rate"
devstack/coffee bench-latency --orders 100 --rates 17

step "Store revenue for today on $RUNNER_CONFIG (JdbcIO -> Combine -> parquet)"
OUT="$REPO/.local/output/store_daily_revenue"
devstack/run-pipeline com.coffeeshop.pipelines.reports.StoreDailyRevenue "$RUNNER_CONFIG" \
  --dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$COFFEE_DB_NAME" \
  --date="$(date -u +%F)" --output="$OUT" 2>&1 | grep -E "ERROR|Exception" || true
ls -l "$OUT"/*.parquet

step "Daily batch for today on $RUNNER_CONFIG: bronze -> silver (data-quality gate) -> gold SCD2 dimensions -> gold facts"
LAKE="$REPO/.local/lakehouse"
DAY="$(date -u +%F)"
run_step() {  # run_step NAME MAIN [options]: one pipeline, its log in .local/demo-NAME.log
  local name="$1" main="$2"; shift 2
  local t0=$SECONDS
  if devstack/run-pipeline "com.coffeeshop.pipelines.medallion.$main" "$RUNNER_CONFIG" "$@" >"$REPO/.local/demo-$name.log" 2>&1; then
    printf '  %-16s done in %3d s\n' "$name" $((SECONDS - t0))
  else
    printf '  %-16s FAILED after %d s, see .local/demo-%s.log\n' "$name" $((SECONDS - t0)) "$name"; return 1
  fi
}
run_step bronze BronzeIngest --dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$COFFEE_DB_NAME" --lakehouse="$LAKE"
run_step silver SilverClean --lakehouse="$LAKE" --date="$DAY"
run_step gold-dimensions GoldDimensions --lakehouse="$LAKE" --date="$DAY"
run_step gold-facts GoldFacts --lakehouse="$LAKE" --date="$DAY"
devstack/coffee lakehouse-summary --lakehouse "$LAKE" --date "$DAY"
echo
echo "Done. The suggestion job stops now; services keep running: devstack/services.sh status|down, devstack/kafka.sh status|down"
