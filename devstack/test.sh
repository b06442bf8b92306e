#!/usr/bin/env bash
# README command 2: the whole test suite, against real services.
#   1. builds every module, then starts MariaDB and Redis (devstack/services.sh up; installs them on a
#      fresh Debian machine) and Kafka + Kafka Connect with Debezium (devstack/kafka.sh up),
#   2. runs every test on the DirectRunner (module tests, then system-tests against the running stack),
#      building the runner jar and the tools jar on the way (profile "bundle"),
#   3. runs the runner-dependent system tests (tagged every-runner: portability, suggestion end to end,
#      the suggestion job's chaos test (SIGKILL, stop, Kafka/Redis/MariaDB restarts),
#      Delta round trip, bronze, silver, gold) again on the FlinkRunner and on the SparkRunner, plus
#      Spark's own Delta reader on our tables (each runner has its own Maven profile: Flink and Spark do
#      not share a classpath),
#   4. runs the tests tagged cluster against a Flink session cluster and a three-broker Kafka it starts
#      (devstack/cluster.sh up flink|kafka3),
#   5. runs the Airflow DAG tests in real Airflow (installed from PyPI into a venv) on the bundled jars,
#   6. runs README command 1 (devstack/demo.sh) in a short mode on its own stack and checks its output,
#      its KPI report against MariaDB, and that it leaves nothing running (devstack/tests),
#   7. prints one summary line over all runs.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

MVN=(mvn -B --no-transfer-progress -Dstyle.color=never)
"${MVN[@]}" -q install -DskipTests

devstack/services.sh up
eval "$(devstack/services.sh env)"
devstack/coffee db-init          # the captured schema and the CDC user the connector logs in as
devstack/kafka.sh up

status=0
# -P bundle: the runner jar (DirectRunner) and the tools jar, which the system tests inspect and run.
"${MVN[@]}" install -P bundle || status=$?
if [ $status -eq 0 ]; then
  for runner in flink spark; do
    # Spark's own Delta reader (src/spark-test) is only on the Spark profile's classpath; it is tagged too.
    echo "=== system tests tagged every-runner on the ${runner^} runner ==="
    "${MVN[@]}" -pl system-tests -P "$runner-runner" test-compile surefire:test -Dgroups=every-runner || status=$?
  done
fi
if [ $status -eq 0 ]; then
  # The tests tagged cluster, against real clusters on loopback: a Flink 1.19.0 session cluster (a JobManager and
  # two TaskManagers), jobs staging the cluster jar, and the CDC stack moved onto three Kafka brokers: a day through
  # the steps and DailyBatch against the embedded gold, a launcher killed mid-job, the revenue job, the suggestion job
  # through a TaskManager, a Kafka broker and the JobManager killed with SIGKILL.
  "${MVN[@]}" -q -pl pipelines -P bundle,flink-runner package -DskipTests || status=$?
  echo "=== system tests tagged cluster on a Flink session cluster and three Kafka brokers ==="
  devstack/cluster.sh up kafka3 || status=$?
  devstack/cluster.sh up flink || status=$?
  [ $status -ne 0 ] || (eval "$(devstack/cluster.sh env)"
    "${MVN[@]}" -pl system-tests -P flink-cluster test-compile surefire:test -Dchaos.ordersPerFault=100) || status=$?
  devstack/cluster.sh down flink || true
fi
if [ $status -eq 0 ]; then
  # The Airflow DAG in real Airflow (pinned in airflow/dags/requirements.txt, from PyPI), running the
  # bundled jars against the MariaDB above: on the DirectRunner, and a backfill on the FlinkRunner's jar.
  echo "=== Airflow DAG tests (airflow/tests) ==="
  VENV="${COFFEE_HOME:-$REPO/.local}/airflow-venv"
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    echo "[test] installing python3-venv (Debian package)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null
  fi
  [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r airflow/tests/requirements.txt
  mkdir -p airflow/target/surefire-reports-airflow
  (cd airflow/tests && PATH="$VENV/bin:$PATH" python -m pytest -q -p no:cacheprovider \
    --junitxml="$REPO/airflow/target/surefire-reports-airflow/TEST-airflow.xml") || status=$?
fi
if [ $status -eq 0 ]; then
  # README command 1 in a short mode on its own stack (own COFFEE_HOME and ports), with the same venv's pytest.
  echo "=== Command 1 end to end (devstack/tests) ==="
  mkdir -p devstack/target/surefire-reports-demo
  (cd devstack/tests && PATH="$VENV/bin:$PATH" python -m pytest -q -p no:cacheprovider \
    --junitxml="$REPO/devstack/target/surefire-reports-demo/TEST-demo.xml") || status=$?
fi

# One line over every surefire report of this run.
echo
python3 - "$REPO" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
tests = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*/target/surefire-reports*/TEST-*.xml"):
    root = ET.parse(f).getroot()
    for s in ([root] if root.tag == "testsuite" else root.findall("testsuite")):  # pytest wraps its suite
        tests += int(s.get("tests")); skipped += int(s.get("skipped"))
        failed += int(s.get("failures")) + int(s.get("errors"))
print(f"tests: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY
exit $status
