#!/usr/bin/env bash
# Benchmark of the whole real-time chain: order commit -> record on order_suggestion_accepted.
# Starts the suggestion job on the given runner config (devstack/suggestion-job.sh), runs
# `coffee bench-latency` against it, then stops the job. Needs services.sh and kafka.sh up.
#
#   devstack/bench-suggestion.sh [runner-config] [bench-latency options…]
#   devstack/bench-suggestion.sh flink-local --orders 1000 --rates 17 --eligible-share 1
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
CONFIG="${1:-flink-local}"; shift || true
eval "$(devstack/services.sh env)"
export COFFEE_DB_NAME="${COFFEE_DB_NAME:-coffeeshop}"
devstack/coffee warm-cache >/dev/null
trap 'devstack/suggestion-job.sh stop' EXIT
devstack/suggestion-job.sh start "$CONFIG"
devstack/coffee bench-latency --topic order_suggestion_accepted "$@"
