#!/usr/bin/env bash
# The local CDC stack without Docker: Kafka (KRaft, a single node, or three brokers with COFFEE_KAFKA_BROKERS=3:
# devstack/cluster.sh up kafka3) and a Kafka Connect worker with the Debezium MariaDB connector
# (docker/connect/coffeeshop-mariadb.json), each in its own JVM.
#
#   devstack/kafka.sh up        start (what is not running), create topics, register the connector
#   devstack/kafka.sh down [--only connect|kafka|kafka-N]
#   devstack/kafka.sh kill-broker N    SIGKILL broker N, as a lost machine would die
#   devstack/kafka.sh status
#
# Needs the database from devstack/services.sh (it reads COFFEE_DB_* and COFFEE_CDC_PASSWORD from
# its env). Ports: COFFEE_KAFKA_PORT (9092), COFFEE_KAFKA_CONTROLLER_PORT (9093), COFFEE_CONNECT_PORT (8083); brokers 2
# and 3 take the ports 10 and 20 above the first's.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COFFEE_HOME="${COFFEE_HOME:-$REPO/.local}" COFFEE_REPO="$REPO"
CP_FILE="$REPO/devstack/target/runtime-classpath.txt"
if [ ! -f "$CP_FILE" ] || [ ! -d "$REPO/devstack/target/connect-plugins" ]; then
  echo "[devstack] building the devstack module (first run only)…" >&2
  (cd "$REPO" && mvn -B -q -pl devstack -am install -DskipTests) >&2
fi
if [ "${1:-}" = up ] && [ -f "$COFFEE_HOME/secrets.env" ] && [ -z "${COFFEE_CDC_PASSWORD:-}" ]; then
  eval "$("$REPO/devstack/services.sh" env)"
fi
exec java -cp "$REPO/devstack/target/classes:$(cat "$CP_FILE")" com.coffeeshop.devstack.DevStackCli "$@"
