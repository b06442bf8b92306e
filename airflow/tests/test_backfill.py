"""A backfill in real Airflow, as an operator runs one: the scheduler, the DAG processor and the API server
(LocalExecutor, SQLite) as their own processes, ``airflow backfill create`` over three past days of the
chain in Vietnam (Airflow's default time zone set to the chain's, as the README says), every step on the
``flink-local`` runner config. All three runs go green, one day at a time in date order, and gold then
holds every MySQL order line of those days with its Vietnamese day, quantity and net subtotal."""

import datetime
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from deltalake import DeltaTable

from conftest import HOME, coffee, sql

ZONE = "Asia/Ho_Chi_Minh"  # UTC+7 all year
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
REFERENCE = ("product_category", "products", "stores", "payment_methods", "customers")


def chain_today() -> datetime.date:
    """Today in Vietnam, waiting out the day's last 15 minutes: when the backfill unpauses the DAG, the scheduler's
    latest finished day must still be yesterday, the backfill's last day (a day ending in between would get a
    scheduled run of its own beside the backfill's three)."""
    now = datetime.datetime.now(VIETNAM)
    left = (datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(), VIETNAM) - now)
    if left < datetime.timedelta(minutes=15):
        time.sleep(left.total_seconds() + 1)
    return datetime.datetime.now(VIETNAM).date()


TODAY = chain_today()
DAYS = [TODAY - datetime.timedelta(days=k) for k in (3, 2, 1)]
LAKEHOUSE = HOME / "backfill-lakehouse"
REPORTS = HOME / "backfill-reports"
TIMEOUT_SECONDS = 20 * 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def landing_zone():
    """40 orders on each of the three days; the reference data loaded the day before the first."""
    db = "airflow_bf_" + uuid.uuid4().hex[:8]
    coffee("db-init", "--db-name", db)
    coffee("load-reference", "--db-name", db)
    for table in REFERENCE:
        sql(db, f"UPDATE {table} SET changed_at = '{DAYS[0] - datetime.timedelta(days=1)} 12:00:00'")
    for k, day in enumerate(DAYS):
        coffee("generate-orders", "--db-name", db, "--orders", "40", "--rate", "0", "--seed", str(50 + k))
        # the orders just generated, placed between 08:00 and 20:00 of their day in Vietnam (01:00-13:00 UTC)
        sql(db, f"UPDATE orders SET `timestamp` = TIMESTAMP('{day} 01:00:00') + INTERVAL MOD(CRC32(id), 43200) SECOND"
                " WHERE `timestamp` >= UTC_TIMESTAMP() - INTERVAL 30 MINUTE")
    yield db
    sql("mysql", f"DROP DATABASE IF EXISTS {db}")


@pytest.fixture(scope="module")
def airflow(landing_zone):
    """Scheduler, DAG processor and API server of the test's AIRFLOW_HOME, stopped at the end."""
    port = free_port()
    env = dict(os.environ)
    env.update({
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "2",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "COFFEESHOP_RUNNER_CONFIG": "flink-local",
        "COFFEESHOP_TIME_ZONE": ZONE,
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": ZONE,  # dates given to the CLI are the chain's days
        "COFFEESHOP_LAKEHOUSE": str(LAKEHOUSE),
        "COFFEESHOP_REPORTS": str(REPORTS),
        # no scheduled run falls before the backfill's days (catch-up would run the same days)
        "COFFEESHOP_START_DATE": str(DAYS[0]),
        "AIRFLOW_CONN_COFFEESHOP_LANDING_ZONE": json.dumps({
            "conn_type": "mysql", "host": os.environ["COFFEE_DB_HOST"], "port": int(os.environ["COFFEE_DB_PORT"]),
            "schema": landing_zone, "login": "coffee_batch", "password": os.environ["COFFEE_BATCH_PASSWORD"]}),
    })
    logs = HOME / "services"
    logs.mkdir(exist_ok=True)
    procs = []
    for component in (["api-server", "--port", str(port)], ["dag-processor"], ["scheduler"]):
        log = open(logs / f"{component[0]}.log", "w")
        procs.append(subprocess.Popen(["airflow", *component], env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))
    try:
        yield env
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def metadata(query: str) -> list[tuple]:
    with sqlite3.connect(f"file:{HOME / 'airflow.db'}?mode=ro", uri=True, timeout=30) as db:
        return db.execute(query).fetchall()


def wait_for(what: str, check, deadline: float):
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(5)
    logs = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in (HOME / "services").glob("*.log"))
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def test_a_backfill_of_three_days_on_flink_runs_them_in_order_and_fills_gold(airflow, landing_zone):
    deadline = time.time() + TIMEOUT_SECONDS
    wait_for("the DAG processor to store the DAG",
             lambda: metadata("SELECT 1 FROM serialized_dag WHERE dag_id = 'coffeeshop_daily'"), deadline)
    # created while the DAG is still paused (as it is when new): unpaused first, catch-up would take the first day
    subprocess.run(["airflow", "backfill", "create", "--dag-id", "coffeeshop_daily", "--from-date", str(DAYS[0]),
                    "--to-date", str(DAYS[-1]), "--max-active-runs", "1",
                    "--dag-run-conf", json.dumps({"settle_minutes": 0})],
                   env=airflow, check=True)
    subprocess.run(["airflow", "dags", "unpause", "coffeeshop_daily"], env=airflow, check=True,
                   stdout=subprocess.DEVNULL)

    def finished():
        runs = metadata("SELECT logical_date, state, run_type, start_date, end_date FROM dag_run"
                        " WHERE dag_id = 'coffeeshop_daily' ORDER BY logical_date")
        return runs if len(runs) == 3 and all(r[1] in ("success", "failed") for r in runs) else None

    runs = wait_for("the three backfill runs to finish", finished, deadline)
    failed = metadata("SELECT run_id, task_id, state FROM task_instance WHERE dag_id = 'coffeeshop_daily'"
                      " AND state != 'success'")
    assert [r[1] for r in runs] == ["success"] * 3, failed
    assert [r[2] for r in runs] == ["backfill"] * 3
    # logical dates are the days' starts in Vietnam, stored in UTC: 17:00 the day before
    assert [r[0][:16] for r in runs] == [f"{d - datetime.timedelta(days=1)} 17:00" for d in DAYS]
    for earlier, later in zip(runs, runs[1:]):
        assert earlier[4] <= later[3], "the days ran one at a time, in date order"
    tasks = metadata("SELECT DISTINCT task_id FROM task_instance WHERE dag_id = 'coffeeshop_daily'")
    assert {t[0] for t in tasks} == {"day_settled", "bronze", "silver", "gold_dimensions", "gold_facts", "reconcile",
                                     "kpi_report"}

    facts = DeltaTable(str(LAKEHOUSE / "gold" / "fact_orders")).to_pyarrow_table(
        columns=["order_id", "order_date", "quantity", "subtotal"])
    in_gold = sorted(zip(*[facts.column(c).to_pylist() for c in facts.column_names]))
    in_mysql = sorted((o, datetime.date.fromisoformat(d), int(q), int(s)) for o, d, q, s in sql(
        landing_zone, "SELECT d.order_id, DATE(o.`timestamp` + INTERVAL 7 HOUR), d.quantity, d.subtotal FROM orders o"
                      " JOIN order_details d ON d.order_id = o.id"))
    assert len(in_mysql) >= 120
    assert {line[1] for line in in_mysql} == set(DAYS)
    assert in_gold == in_mysql
    for day in DAYS:
        assert (REPORTS / f"kpi-{day}.html").is_file()
