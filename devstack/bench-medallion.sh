#!/usr/bin/env bash
# Benchmark of silver → gold (not a test). Two modes:
#
#   devstack/bench-medallion.sh design [runner-config…]
#       The design-load day of devstack/bench-bronze.sh (its bronze in .local/bench-lakehouse-<config>, run that
#       first): silver → gold dimensions → gold facts once per runner config; wall time per step and rows/s.
#   devstack/bench-medallion.sh history [--orders-per-day N] [runner-config]
#       31 days of N orders a day (default 20000) in database coffeeshop_hist, bronze once, then silver → gold
#       day by day; the first and the last day run 3 times and the medians give the cost of a day after 30 days
#       of history against the first day's (goal ≤ 1.2×).
#
# Needs devstack/services.sh up. Prints the machine; run it on an otherwise idle machine.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
eval "$(devstack/services.sh env)"
MODE="${1:?usage: bench-medallion.sh design|history [options] [runner-config…]}"
shift
BENCH=com.coffeeshop.pipelines.medallion.MedallionBench
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GB; MariaDB on the same machine" >&2

case "$MODE" in
  design)
    CONFIGS=("$@")
    [ $# -eq 0 ] && CONFIGS=(flink-local spark-local)
    for config in "${CONFIGS[@]}"; do
      LAKE="$REPO/.local/bench-lakehouse-$config"
      [ -d "$LAKE/bronze/orders" ] || { echo "[bench] no bronze in $LAKE: run devstack/bench-bronze.sh $config first" >&2; exit 1; }
      DAY=$(ls "$LAKE/bronze/orders" | sed -n 's/^_partition_date=//p' | sort | tail -1)
      rm -rf "$LAKE/silver" "$LAKE/gold"
      echo "[bench] $config: silver → gold for $DAY" >&2
      devstack/run-pipeline "$BENCH" "$config" --lakehouse="$LAKE" --date="$DAY" --days=1 --repeat=1 \
        | tee "$REPO/.local/bench-medallion-design-$config.log" | grep -E '^(day|20)'
    done
    ;;
  history)
    PER_DAY=20000
    if [ "${1:-}" = --orders-per-day ]; then PER_DAY="$2"; shift 2; fi
    CONFIG="${1:-flink-local}"
    DB=coffeeshop_hist
    FIRST=2026-10-01
    M=(mariadb -h127.0.0.1 -P"$COFFEE_DB_PORT" -ucoffee_admin -p"$COFFEE_DB_ADMIN_PASSWORD" -N -B "$DB")
    devstack/coffee db-init --db-name "$DB" >/dev/null
    if [ "$("${M[@]}" -e "SELECT COUNT(*) FROM orders")" -ne $((PER_DAY * 31)) ]; then
      echo "[bench] building 31 days × $PER_DAY orders in $DB…" >&2
      "${M[@]}" -e "SET FOREIGN_KEY_CHECKS=0; TRUNCATE order_details; TRUNCATE orders; SET FOREIGN_KEY_CHECKS=1;"
      devstack/coffee load-reference --db-name "$DB" >/dev/null
      "${M[@]}" -e "UPDATE product_category SET updated_at='2026-09-01'; UPDATE products SET updated_at='2026-09-01';
        UPDATE stores SET updated_at='2026-09-01'; UPDATE payment_methods SET updated_at='2026-09-01';
        UPDATE customers SET updated_at='2026-09-01';"
      devstack/coffee generate-orders --db-name "$DB" --orders "$PER_DAY" --rate 0 --threads 4 --seed 7 >/dev/null
      "${M[@]}" -e "UPDATE orders SET \`timestamp\` = TIMESTAMP('$FIRST') + INTERVAL (CRC32(id) % 86000) SECOND"
      for n in $(seq 1 30); do
        # Copies of day 0 shifted by n days; ids get a two-letter prefix outside hex, so they never collide.
        "${M[@]}" -e "
          INSERT INTO orders (id, \`timestamp\`, store_id, payment_method_id, customer_id)
            SELECT CONCAT(CHAR(103 + $n DIV 26), CHAR(97 + $n MOD 26), SUBSTRING(id, 3)), \`timestamp\` + INTERVAL $n DAY,
                   store_id, payment_method_id, customer_id
            FROM orders WHERE \`timestamp\` < TIMESTAMP('$FIRST') + INTERVAL 1 DAY;
          INSERT INTO order_details (order_id, product_id, quantity, discount_percent, subtotal, is_suggestion)
            SELECT CONCAT(CHAR(103 + $n DIV 26), CHAR(97 + $n MOD 26), SUBSTRING(d.order_id, 3)), d.product_id, d.quantity,
                   d.discount_percent, d.subtotal, d.is_suggestion
            FROM order_details d JOIN orders o ON o.id = d.order_id
            WHERE o.\`timestamp\` < TIMESTAMP('$FIRST') + INTERVAL 1 DAY;"
      done
    fi
    echo "[bench] $("${M[@]}" -e "SELECT CONCAT(COUNT(*), ' orders over ', COUNT(DISTINCT DATE(\`timestamp\`)), ' days') FROM orders")" >&2
    LAKE="$REPO/.local/bench-lakehouse-history-$CONFIG"
    rm -rf "$LAKE"
    devstack/run-pipeline com.coffeeshop.pipelines.medallion.BronzeIngest "$CONFIG" --dbHost="$COFFEE_DB_HOST" \
      --dbPort="$COFFEE_DB_PORT" --dbName="$DB" --lakehouse="$LAKE" --from=2026-09-01T00:00:00Z \
      >"$REPO/.local/bench-medallion-history-bronze.log" 2>&1
    devstack/run-pipeline "$BENCH" "$CONFIG" --lakehouse="$LAKE" --date="$FIRST" --days=31 --repeat=3 \
      | tee "$REPO/.local/bench-medallion-history-$CONFIG.log" | grep -E '^(day|20|first)'
    ;;
  *)
    echo "usage: bench-medallion.sh design|history …" >&2
    exit 2
    ;;
esac
