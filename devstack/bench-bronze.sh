#!/usr/bin/env bash
# Benchmark of the bronze ingestion at design load. Fills a scratch database with one day of orders
# (fast, not at 17/s) unless it already holds them, then runs BronzeIngest into a fresh lakehouse on
# each runner config given, reporting wall time, rows/s, MB written and files per table.
#
#   devstack/bench-bronze.sh [--orders 1100000] [runner-config…]     (default: direct flink-local spark-local)
# Needs devstack/services.sh up. Uses database coffeeshop_bench and .local/bench-lakehouse-<config>.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
ORDERS=1100000
if [ "${1:-}" = --orders ]; then ORDERS="$2"; shift 2; fi
CONFIGS=("$@")
[ $# -eq 0 ] && CONFIGS=(direct flink-local spark-local)
eval "$(devstack/services.sh env)"
DB=coffeeshop_bench
M=(mariadb -h127.0.0.1 -P"$COFFEE_DB_PORT" -ucoffee_admin -p"$COFFEE_DB_ADMIN_PASSWORD" -N -B)
devstack/coffee db-init --db-name "$DB" >/dev/null
have=$("${M[@]}" "$DB" -e "SELECT COUNT(*) FROM orders")
if [ "$have" -lt "$ORDERS" ]; then
  devstack/coffee load-reference --db-name "$DB" >/dev/null
  echo "[bench] generating $((ORDERS - have)) orders (unthrottled, 8 threads)…" >&2
  devstack/coffee generate-orders --db-name "$DB" --orders $((ORDERS - have)) --rate 0 --threads 8 --progress-every 60s
fi
rows=$("${M[@]}" "$DB" -e "SELECT (SELECT COUNT(*) FROM orders) + (SELECT COUNT(*) FROM order_details)
  + (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM stores)
  + (SELECT COUNT(*) FROM payment_methods) + (SELECT COUNT(*) FROM product_category)")
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GB; MariaDB on the same machine; $rows source rows" >&2
devstack/run-pipeline --build "${CONFIGS[@]}"   # builds are not timed
for config in "${CONFIGS[@]}"; do
  LAKE="$REPO/.local/bench-lakehouse-$config"
  rm -rf "$LAKE"
  start=$(date +%s.%N)
  COFFEE_PREBUILT=1 devstack/run-pipeline com.coffeeshop.pipelines.medallion.bronze.BronzeIngest "$config" \
    --dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$DB" --lakehouse="$LAKE" --settleMinutes=0 \
    >"$REPO/.local/bench-bronze-$config.log" 2>&1 || { echo "[bench] $config failed, see .local/bench-bronze-$config.log" >&2; continue; }
  end=$(date +%s.%N)
  secs=$(awk "BEGIN{print $end - $start}")
  mb=$(du -sm "$LAKE/bronze" | cut -f1)
  files=$(for t in "$LAKE"/bronze/*; do printf '%s=%s ' "$(basename "$t")" "$(find "$t" -name '*.parquet' -not -path '*_delta_log*' | wc -l)"; done)
  printf '%-12s %7.1f s (whole JVM, start-up included)  %8.0f rows/s  %5s MB  files: %s\n' \
    "$config" "$secs" "$(awk "BEGIN{print $rows / $secs}")" "$mb" "$files"
done
