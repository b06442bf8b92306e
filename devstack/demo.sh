#!/usr/bin/env bash
# README command 1: the system's main job on the local default stack (no Docker).
# Today: starts MariaDB and Redis, creates the landing zone and its users, loads the reference data,
# generates orders at the seed's rate for a while, starts Kafka + Connect with Debezium and measures
# commit -> CDC latency, then runs the store-revenue pipeline on the chosen runner and prints what
# was written. It grows as the pipelines land.
#
#   devstack/demo.sh [--duration 30s] [--runner direct|flink-local|spark-local]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
DURATION=30s
RUNNER_CONFIG=direct
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --runner) RUNNER_CONFIG="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Services"
devstack/services.sh up
eval "$(devstack/services.sh env)"
export COFFEE_DB_NAME="${COFFEE_DB_NAME:-coffeeshop}"

step "Landing zone: schema and least-privilege users"
devstack/coffee db-init

step "Reference data"
devstack/coffee load-reference

step "Orders at the seed's rate (17 order lines/s) for $DURATION, 5 % eligible for a suggestion"
devstack/coffee generate-orders --duration "$DURATION" --eligible-share 0.05

step "What was written"
mariadb -h127.0.0.1 -P"$COFFEE_DB_PORT" -ucoffee_admin -p"$COFFEE_DB_ADMIN_PASSWORD" "$COFFEE_DB_NAME" --table <<'SQL'
SELECT (SELECT COUNT(*) FROM orders) AS orders, (SELECT COUNT(*) FROM order_details) AS order_lines,
       (SELECT SUM(subtotal) FROM order_details) AS revenue_vnd,
       (SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id
          JOIN payment_methods p ON p.id = o.payment_method_id
         WHERE c.tier = 'diamond' AND p.method_name = 'Bank Transfer' AND p.bank = 'ACB') AS eligible_orders;
SELECT o.id AS latest_orders, o.`timestamp`, s.city, c.tier, CONCAT(p.method_name, IFNULL(CONCAT(' ', p.bank), '')) AS payment,
       GROUP_CONCAT(CONCAT(d.quantity, 'x ', d.product_id) ORDER BY d.product_id SEPARATOR ', ') AS items,
       SUM(d.subtotal) AS total_vnd
  FROM orders o JOIN stores s ON s.id = o.store_id JOIN customers c ON c.id = o.customer_id
  JOIN payment_methods p ON p.id = o.payment_method_id JOIN order_details d ON d.order_id = o.id
 GROUP BY o.id ORDER BY o.`timestamp` DESC LIMIT 5;
SQL

step "Change data capture: Kafka + Kafka Connect with Debezium (own JVMs, loopback ports)"
devstack/kafka.sh up
step "Commit -> CDC record latency over 100 orders at the seed's rate"
devstack/coffee bench-latency --orders 100 --rates 17

step "Store revenue for today on $RUNNER_CONFIG (JdbcIO -> Combine -> parquet)"
OUT="$REPO/.local/output/store_daily_revenue"
devstack/run-pipeline com.coffeeshop.pipelines.reports.StoreDailyRevenue "$RUNNER_CONFIG" \
  --dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$COFFEE_DB_NAME" \
  --date="$(date -u +%F)" --output="$OUT" 2>&1 | grep -E "ERROR|Exception" || true
ls -l "$OUT"/*.parquet
echo
echo "Done. Services keep running for you: devstack/services.sh status|down, devstack/kafka.sh status|down"
