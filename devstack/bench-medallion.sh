#!/usr/bin/env bash
# Benchmark of the daily batch (not a test). Every step runs as Airflow runs it: its own JVM on the bundled
# runner jar (devstack/run-pipeline), timed from process start to exit, with its peak RSS (/usr/bin/time).
# Two modes:
#
#   devstack/bench-medallion.sh design [--repeat N] [--one-jvm] [runner-config…]
#       The whole batch for the design-load day of devstack/bench-bronze.sh (database coffeeshop_bench: run
#       that once first to fill it): bronze → silver → gold dimensions → gold facts into a fresh lakehouse
#       (.local/bench-lakehouse-<config>), N times (default 3) per runner config (default flink-local and
#       spark-local); each step's time, rows/s (the day's orders and lines over the step's time) and peak RSS
#       per run, then the medians; after each run, the gold tables' checksums (devstack/coffee gold-checksum).
#       --one-jvm runs the four steps in one JVM (DailyBatch) instead of one JVM each: a step's time is then
#       its own, measured inside the JVM, and the batch's is the JVM's, start included.
#   devstack/bench-medallion.sh tiny [--repeat N] [--orders N] [runner-config…]
#       A tiny day (400 orders, the demo's size; database coffeeshop_tiny, built on first use): the four
#       steps one JVM each, then in one JVM (DailyBatch), alternately, N times (default 3) per runner config;
#       the medians of both. --orders makes the day that many orders instead (database coffeeshop_day<N>):
#       `tiny --orders 50000 --repeat 1 direct` is the DirectRunner's 50,000-order day, checks on.
#   devstack/bench-medallion.sh restate [--repeat N] [runner-config…]
#       A run that restates a late day: day 1 (400 orders) is built, then 20 orders of day 1 arrive late with day 2's
#       400 (database coffeeshop_restate, built on first use); the next run's silver and facts build day 2 and
#       restate day 1. That run's steps, one JVM each, and in one JVM (DailyBatch); medians of N (default 3).
#   devstack/bench-medallion.sh history [--orders-per-day N] [runner-config]
#       31 days of N orders a day (default 20000) in database coffeeshop_hist, bronze once, then silver → gold
#       day by day; the first and the last day run 3 times and the medians give the cost of a day after 30 days
#       of history against the first day's (goal ≤ 1.2×).
#
# Needs devstack/services.sh up. Prints the machine; run it on an otherwise idle machine. Each step runs with
# -Xmx4g (override with COFFEE_JAVA_OPTS): the goal bounds the heap at 4 GB, so a step that needs more fails.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
eval "$(devstack/services.sh env)"
MODE="${1:?usage: bench-medallion.sh design|tiny|history [options] [runner-config…]}"
shift
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GB; MariaDB on the same machine" >&2
[ -x /usr/bin/time ] || { echo "[bench] needs GNU time for the peak RSS: apt-get install time" >&2; exit 2; }
STEPS=(SilverClean GoldDimensions GoldFacts)
# Every step's heap is bounded (the goal: ≤ 4 GB): a step that needs more fails instead of being timed.
HEAP="${COFFEE_JAVA_OPTS:--Xmx4g}"
echo "step JVMs: $HEAP" >&2

# class_of STEP: the main class of a step (BronzeIngest, SilverClean, GoldDimensions, GoldFacts).
class_of() {
  case "$1" in
    BronzeIngest) echo com.coffeeshop.pipelines.medallion.bronze.BronzeIngest ;;
    SilverClean) echo com.coffeeshop.pipelines.medallion.silver.SilverClean ;;
    *) echo "com.coffeeshop.pipelines.medallion.gold.$1" ;;
  esac
}
# run_step CONFIG LOG MAIN ARGS…: one step in its own JVM; prints "<Step> 12.3 812" (s, MB peak RSS). A failing
# step stops the benchmark with its log.
run_step() {
  local config="$1" log="$2" main="$3" secs kb
  shift 3
  if ! COFFEE_PREBUILT=1 COFFEE_JAVA_OPTS="$HEAP" /usr/bin/time -f '%e %M' -o "$log.time" devstack/run-pipeline "$(class_of "$main")" \
       "$config" "$@" >"$log" 2>&1; then
    echo "[bench] $main failed on $config; its log: $log" >&2; tail -5 "$log" >&2; exit 1
  fi
  read -r secs kb < <(tail -1 "$log.time")
  printf '%s %s %d\n' "$main" "$secs" $((kb / 1024))
}

# run_day CONFIG LAKE DAY LOG: the three steps, one JVM each; prints "SilverClean 12.3 812" (s, MB RSS) per step
# and "total 30.1"; a failing step stops the benchmark with its log.
run_day() {
  local config="$1" lake="$2" day="$3" log="$4" step total=0 line
  for step in "${STEPS[@]}"; do
    line=$(run_step "$config" "$log" "$step" --lakehouse="$lake" --date="$day")
    echo "$line"
    total=$(awk -v a="$total" -v b="$(echo "$line" | cut -d' ' -f2)" 'BEGIN {print a + b}')
  done
  printf 'total %.1f\n' "$total"
}
# run_batch CONFIG LOG ARGS…: the four steps in one JVM (DailyBatch); prints "<Step> 12.3 812" per step (its
# time inside the JVM, the JVM's peak RSS) and "batch 40.2 812" (the JVM's time, start included).
run_batch() {
  local config="$1" log="$2" secs kb
  shift 2
  if ! COFFEE_PREBUILT=1 COFFEE_JAVA_OPTS="$HEAP" /usr/bin/time -f '%e %M' -o "$log.time" devstack/run-pipeline \
       com.coffeeshop.pipelines.medallion.DailyBatch "$config" "$@" >"$log" 2>&1; then
    echo "[bench] DailyBatch failed on $config; its log: $log" >&2; tail -5 "$log" >&2; exit 1
  fi
  read -r secs kb < <(tail -1 "$log.time")
  python3 - "$log" $((kb / 1024)) <<'PY'
import json, sys
names = {"bronze": "BronzeIngest", "silver": "SilverClean", "gold-dimensions": "GoldDimensions", "gold-facts": "GoldFacts"}
for line in open(sys.argv[1]):
    if line.startswith('{"job"') and "step" in (r := json.loads(line)):
        print(names[r["step"]], r["seconds"], sys.argv[2])
PY
  printf 'batch %s %d\n' "$secs" $((kb / 1024))
}
# orders_in_the_past N: database $DB (client M) emptied of orders, its reference rows loaded and back-dated to
# 2026-09-01 (MySQL's changed_at: written before the days the caller puts the orders on), then N orders generated.
orders_in_the_past() {
  "${M[@]}" -e "SET FOREIGN_KEY_CHECKS=0; TRUNCATE order_details; TRUNCATE orders; SET FOREIGN_KEY_CHECKS=1;"
  devstack/coffee load-reference --db-name "$DB" >/dev/null
  "${M[@]}" -e "UPDATE product_category SET changed_at='2026-09-01'; UPDATE products SET changed_at='2026-09-01';
    UPDATE stores SET changed_at='2026-09-01'; UPDATE payment_methods SET changed_at='2026-09-01';
    UPDATE customers SET changed_at='2026-09-01';"
  devstack/coffee generate-orders --db-name "$DB" --orders "$1" --rate 0 --threads 4 --seed 7 >/dev/null
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

case "$MODE" in
  design)
    REPEAT=3 ONE_JVM=0
    while [ $# -gt 0 ]; do
      case "$1" in
        --repeat) REPEAT="$2"; shift 2 ;;
        --one-jvm) ONE_JVM=1; shift ;;
        *) break ;;
      esac
    done
    CONFIGS=("$@")
    [ $# -eq 0 ] && CONFIGS=(flink-local spark-local)
    DB=coffeeshop_bench
    M=(mariadb -h127.0.0.1 -P"$COFFEE_DB_PORT" -ucoffee_admin -p"$COFFEE_DB_ADMIN_PASSWORD" -N -B "$DB")
    ROWS=$("${M[@]}" -e "SELECT (SELECT COUNT(*) FROM orders) + (SELECT COUNT(*) FROM order_details)" 2>/dev/null) || ROWS=0
    [ "$ROWS" -gt 0 ] || { echo "[bench] database $DB holds no orders: run devstack/bench-bronze.sh once first" >&2; exit 1; }
    echo "[bench] $DB: $ROWS orders and order lines" >&2
    devstack/run-pipeline --build "${CONFIGS[@]}"
    for config in "${CONFIGS[@]}"; do
      LAKE="$REPO/.local/bench-lakehouse-$config"
      MODE_NAME=design; [ "$ONE_JVM" = 1 ] && MODE_NAME=design-one-jvm
      LOG="$REPO/.local/bench-medallion-$MODE_NAME-$config.log"
      RESULTS="$REPO/.local/bench-medallion-$MODE_NAME-$config.txt"
      : > "$RESULTS"
      # the design-load day: the latest day the database's orders are on
      DAY=$("${M[@]}" -e "SELECT DATE(CONVERT_TZ(MAX(\`timestamp\`), '+00:00', '+07:00')) FROM orders")
      for run in $(seq 1 "$REPEAT"); do
        rm -rf "$LAKE"
        echo "[bench] $config: bronze → silver → gold, run $run of $REPEAT" >&2
        if [ "$ONE_JVM" = 1 ]; then
          run_batch "$config" "$LOG" --dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$DB" \
            --lakehouse="$LAKE" --settleMinutes=0 --date="$DAY" | sed "s/^/run$run /" | tee -a "$RESULTS"
        else
          run_step "$config" "$LOG" BronzeIngest --dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$DB" \
            --lakehouse="$LAKE" --settleMinutes=0 | sed "s/^/run$run /" | tee -a "$RESULTS"
          run_day "$config" "$LAKE" "$DAY" "$LOG" | sed "s/^/run$run /" | tee -a "$RESULTS"
          # the run's total: bronze plus silver → gold
          awk -v r="run$run" '$1 == r && ($2 == "BronzeIngest" || $2 == "total") {s += $3} END {print r, "batch", s, 0}' \
            "$RESULTS" >> "$RESULTS"
        fi
        # not timed: the gold rows, to compare across runs, runners and code versions
        devstack/coffee gold-checksum --lakehouse "$LAKE" --date "$DAY" | sed "s/^/[gold] run$run /" >&2
      done
      HOW="each step its own JVM, start-up included"
      [ "$ONE_JVM" = 1 ] && HOW="the four steps in one JVM; the batch's time is the JVM's, start-up included"
      echo "== $config, $DAY ($ROWS orders and lines), median of $REPEAT runs ($HOW) =="
      for step in BronzeIngest "${STEPS[@]}" batch; do
        secs=$(awk -v s="$step" '$2 == s {print $3}' "$RESULTS" | median)
        printf '  %-15s %7.1f s  %9.0f rows/s   peak RSS %s MB\n' "$step" "$secs" "$(awk -v r="$ROWS" -v s="$secs" 'BEGIN {print r / s}')" \
          "$(awk -v s="$step" '$2 == s || s == "batch" {print $4}' "$RESULTS" | sort -n | tail -1)"
      done
    done
    ;;
  tiny)
    REPEAT=3 ORDERS=400
    while [ $# -gt 0 ]; do
      case "$1" in
        --repeat) REPEAT="$2"; shift 2 ;;
        --orders) ORDERS="$2"; shift 2 ;;
        *) break ;;
      esac
    done
    [[ "$ORDERS" =~ ^[1-9][0-9]*$ ]] || { echo "[bench] --orders takes a number of orders, got '$ORDERS'" >&2; exit 2; }
    CONFIGS=("$@")
    [ $# -eq 0 ] && CONFIGS=(flink-local spark-local)
    DB=coffeeshop_tiny
    [ "$ORDERS" = 400 ] || DB="coffeeshop_day$ORDERS"
    DAY=2026-10-01
    M=(mariadb -h127.0.0.1 -P"$COFFEE_DB_PORT" -ucoffee_admin -p"$COFFEE_DB_ADMIN_PASSWORD" -N -B "$DB")
    devstack/coffee db-init --db-name "$DB" >/dev/null
    if [ "$("${M[@]}" -e "SELECT COUNT(*) FROM orders WHERE DATE(CONVERT_TZ(\`timestamp\`, '+00:00', '+07:00')) = '$DAY'")" -ne "$ORDERS" ]; then
      echo "[bench] building $ORDERS orders on $DAY in $DB…" >&2
      orders_in_the_past "$ORDERS"
      # the day in the chain's time zone (UTC+7): 01:00 to 23:00 there
      "${M[@]}" -e "UPDATE orders SET \`timestamp\` = TIMESTAMP('$DAY') - INTERVAL 6 HOUR + INTERVAL (CRC32(id) % 79200) SECOND"
    fi
    devstack/run-pipeline --build "${CONFIGS[@]}"
    for config in "${CONFIGS[@]}"; do
      LAKE="$REPO/.local/bench-lakehouse-$DB-$config"
      LOG="$REPO/.local/bench-medallion-$DB-$config.log"
      RESULTS="$REPO/.local/bench-medallion-$DB-$config.txt"
      : > "$RESULTS"
      BRONZE=(--dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$DB" --lakehouse="$LAKE" --settleMinutes=0)
      for run in $(seq 1 "$REPEAT"); do
        echo "[bench] $config: the tiny day, one JVM per step then one JVM, run $run of $REPEAT" >&2
        rm -rf "$LAKE"
        { run_step "$config" "$LOG" BronzeIngest "${BRONZE[@]}"; run_day "$config" "$LAKE" "$DAY" "$LOG"; } \
          | awk -v r="run$run" '{print r, "steps", $0; if ($1 != "total") s += $2} END {print r, "steps batch", s}' \
          | tee -a "$RESULTS"
        rm -rf "$LAKE"
        run_batch "$config" "$LOG" "${BRONZE[@]}" --date="$DAY" | sed "s/^/run$run one-jvm /" | tee -a "$RESULTS"
      done
      echo "== $config, day $DAY ($ORDERS orders), median of $REPEAT runs (start-up included) =="
      for how in steps one-jvm; do
        printf '  %-8s' "$how"
        for step in BronzeIngest SilverClean GoldDimensions GoldFacts batch; do
          printf '  %s %5.1f s' "$step" "$(awk -v h="$how" -v s="$step" '$2 == h && $3 == s {print $4}' "$RESULTS" | median)"
        done
        echo
      done
    done
    ;;
  restate)
    REPEAT=3
    if [ "${1:-}" = --repeat ]; then REPEAT="$2"; shift 2; fi
    CONFIGS=("$@")
    [ $# -eq 0 ] && CONFIGS=(flink-local spark-local)
    DB=coffeeshop_restate
    D1=2026-10-01 D2=2026-10-02
    M=(mariadb -h127.0.0.1 -P"$COFFEE_DB_PORT" -ucoffee_admin -p"$COFFEE_DB_ADMIN_PASSWORD" -N -B "$DB")
    devstack/coffee db-init --db-name "$DB" >/dev/null
    if [ "$("${M[@]}" -e "SELECT COUNT(*) FROM orders")" -ne 820 ]; then
      echo "[bench] building $DB: 400 orders on $D1, 400 on $D2, 20 of $D1 written with $D2's…" >&2
      orders_in_the_past 820
      # day 1 (UTC+7): 01:00 to 23:00 there; the first 400 written at the end of day 1, the rest at the end of day 2
      "${M[@]}" -e "SET @n := 0; UPDATE orders SET \`timestamp\` = TIMESTAMP('$D1') - INTERVAL 6 HOUR
          + INTERVAL (CRC32(id) % 79200) SECOND + INTERVAL IF((@n := @n + 1) > 420, 1, 0) DAY ORDER BY id;
        UPDATE orders SET changed_at = IF(\`timestamp\` < '$D1 17:00' AND id <= (SELECT id FROM (SELECT id FROM orders
          ORDER BY id LIMIT 1 OFFSET 399) x), '$D1 20:00', '$D2 20:00');
        UPDATE order_details d JOIN orders o ON o.id = d.order_id SET d.changed_at = o.changed_at;"
    fi
    devstack/run-pipeline --build "${CONFIGS[@]}"
    for config in "${CONFIGS[@]}"; do
      LAKE="$REPO/.local/bench-lakehouse-restate-$config"
      LOG="$REPO/.local/bench-medallion-restate-$config.log"
      RESULTS="$REPO/.local/bench-medallion-restate-$config.txt"
      : > "$RESULTS"
      BRONZE=(--dbHost="$COFFEE_DB_HOST" --dbPort="$COFFEE_DB_PORT" --dbName="$DB" --lakehouse="$LAKE" --settleMinutes=0)
      day1() {  # day 1 built from what was written by its end
        rm -rf "$LAKE"
        run_step "$config" "$LOG" BronzeIngest "${BRONZE[@]}" --to="${D1}T21:00:00Z" >/dev/null
        run_day "$config" "$LAKE" "$D1" "$LOG" >/dev/null
      }
      for run in $(seq 1 "$REPEAT"); do
        echo "[bench] $config: day 2 restating day 1, one JVM per step then one JVM, run $run of $REPEAT" >&2
        day1
        { run_step "$config" "$LOG" BronzeIngest "${BRONZE[@]}"; run_day "$config" "$LAKE" "$D2" "$LOG"; } \
          | awk -v r="run$run" '{print r, "steps", $0; if ($1 != "total") s += $2} END {print r, "steps batch", s}' \
          | tee -a "$RESULTS"
        grep -q "restating $D1" "$LOG" || { echo "[bench] day 1 was not restated; see $LOG" >&2; exit 1; }
        day1
        run_batch "$config" "$LOG" "${BRONZE[@]}" --date="$D2" | sed "s/^/run$run one-jvm /" | tee -a "$RESULTS"
      done
      echo "== $config, day $D2 restating $D1, median of $REPEAT runs (start-up included) =="
      for how in steps one-jvm; do
        printf '  %-8s' "$how"
        for step in BronzeIngest SilverClean GoldDimensions GoldFacts batch; do
          printf '  %s %5.1f s' "$step" "$(awk -v h="$how" -v s="$step" '$2 == h && $3 == s {print $4}' "$RESULTS" | median)"
        done
        echo
      done
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
      orders_in_the_past "$PER_DAY"
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
    devstack/run-pipeline com.coffeeshop.pipelines.medallion.bronze.BronzeIngest "$CONFIG" --dbHost="$COFFEE_DB_HOST" \
      --dbPort="$COFFEE_DB_PORT" --dbName="$DB" --lakehouse="$LAKE" --settleMinutes=0 \
      >"$REPO/.local/bench-medallion-history-bronze.log" 2>&1
    devstack/run-pipeline --build "$CONFIG"
    RESULTS="$REPO/.local/bench-medallion-history-$CONFIG.txt"
    : > "$RESULTS"
    for n in $(seq 0 30); do
      day=$(date -u -d "$FIRST + $n day" +%F)
      runs=1; { [ "$n" = 0 ] || [ "$n" = 30 ]; } && runs=3
      for run in $(seq 1 "$runs"); do
        # A repeated day starts again from the silver and gold of the day before it.
        total=$(run_day "$CONFIG" "$LAKE" "$day" "$REPO/.local/bench-medallion-history-$CONFIG.log" | awk '$1 == "total" {print $2}')
        echo "$day run$run $total" | tee -a "$RESULTS"
      done
    done
    first=$(awk -v d="$FIRST" '$1 == d {print $3}' "$RESULTS" | median)
    last=$(awk -v d="$(date -u -d "$FIRST + 30 day" +%F)" '$1 == d {print $3}' "$RESULTS" | median)
    printf 'first day median %.1f s, day 31 median %.1f s: %.2fx (goal <= 1.2x)\n' "$first" "$last" "$(awk -v a="$last" -v b="$first" 'BEGIN {print a / b}')"
    ;;
  *)
    echo "usage: bench-medallion.sh design|tiny|history …" >&2
    exit 2
    ;;
esac
