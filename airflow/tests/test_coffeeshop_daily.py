"""The daily DAG in real Airflow: it imports cleanly with the expected tasks; a run for a logical date
on the DirectRunner, against the real MariaDB with generated orders, fills the gold tables with that
day's data; a second run of the date changes nothing; a failing data-quality gate stops the day."""

import datetime
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from airflow.dag_processing.dagbag import DagBag
from deltalake import DeltaTable

from conftest import HOME, REPO, coffee, sql
from coffeeshop_daily import JAR_DIR

TODAY = datetime.datetime.now(datetime.timezone.utc).date()
DAY = TODAY - datetime.timedelta(days=1)  # the day of the run logged at today's midnight: the one that ended then
REFERENCE = ("product_category", "products", "stores", "payment_methods", "customers")
LAKEHOUSE = Path(os.environ["COFFEESHOP_LAKEHOUSE"])


@pytest.fixture(scope="module")
def dag():
    bag = DagBag(dag_folder=str(REPO / "airflow" / "dags"))
    assert bag.import_errors == {}
    return bag.get_dag("coffeeshop_daily")


@pytest.fixture(scope="module")
def landing_zone():
    db = "airflow_it_" + uuid.uuid4().hex[:8]
    coffee("db-init", "--db-name", db)
    coffee("load-reference", "--db-name", db)
    coffee("generate-orders", "--db-name", db, "--orders", "150", "--rate", "0", "--seed", "31")
    for table in REFERENCE:  # loaded before the day
        sql(db, f"UPDATE {table} SET changed_at = '{DAY - datetime.timedelta(days=1)} 12:00:00'")
    orders_placed_yesterday(db)
    os.environ["AIRFLOW_CONN_COFFEESHOP_LANDING_ZONE"] = json.dumps({
        "conn_type": "mysql", "host": os.environ["COFFEE_DB_HOST"], "port": int(os.environ["COFFEE_DB_PORT"]),
        "schema": db, "login": "coffee_batch", "password": os.environ["COFFEE_BATCH_PASSWORD"]})
    yield db
    sql("mysql", f"DROP DATABASE IF EXISTS {db}")


def orders_placed_yesterday(db: str) -> None:
    """The generator places orders now: move the orders just generated to the same time of day on DAY (MySQL
    stamps the change, so bronze reads them as new)."""
    sql(db, f"UPDATE orders SET `timestamp` = TIMESTAMP('{DAY}', TIME(`timestamp`))"
            " WHERE `timestamp` >= UTC_TIMESTAMP() - INTERVAL 30 MINUTE")


def run(dag, **params):
    logical = datetime.datetime.combine(TODAY, datetime.time(), tzinfo=datetime.timezone.utc)
    # the orders were written a moment ago, by a writer that has finished: nothing to wait for
    dag_run = dag.test(logical_date=logical, run_conf={"runner_config": "direct", "settle_minutes": 0, **params})
    return {ti.task_id: ti.state for ti in dag_run.get_task_instances()}


def facts_of_the_day() -> list[tuple]:
    table = DeltaTable(str(LAKEHOUSE / "gold" / "fact_orders")).to_pyarrow_table(filters=[("order_date", "=", DAY)])
    return sorted(zip(*[table.column(c).to_pylist() for c in table.column_names]))


def dimensions() -> dict[str, list[tuple]]:
    out = {}
    for name in ("dim_products", "dim_stores", "dim_payment_methods"):
        t = DeltaTable(str(LAKEHOUSE / "gold" / name)).to_pyarrow_table()
        out[name] = sorted(zip(*[t.column(c).to_pylist() for c in t.column_names]))
    return out


def test_the_dag_imports_with_its_tasks_in_order(dag):
    assert sorted(dag.task_ids) == ["bronze", "day_settled", "gold_dimensions", "gold_facts", "kpi_report", "reconcile",
                                    "silver"]
    assert dag.get_task("day_settled").downstream_task_ids == {"bronze"}
    assert dag.get_task("bronze").downstream_task_ids == {"silver"}
    assert dag.get_task("silver").downstream_task_ids == {"gold_dimensions"}
    assert dag.get_task("gold_dimensions").downstream_task_ids == {"gold_facts"}
    assert dag.get_task("gold_facts").downstream_task_ids == {"reconcile"}
    assert dag.get_task("reconcile").downstream_task_ids == {"kpi_report"}
    assert set(dag.params.get_param("runner_config").schema["enum"]) >= {"direct", "flink-local", "spark-local", "flink-cluster",
                                                               "spark-cluster"}
    for task in dag.tasks:
        assert task.retries >= 1 and task.execution_timeout is not None
        assert "password" not in json.dumps(getattr(task, "pipeline_options", {})).lower()


def java_launch(config: str, job_class: str) -> dict:
    """What devstack/run-pipeline starts a job with, from the Java reader (RunnerConfig): BUNDLE, JAR, JVM_FLAGS with
    CLASS_ARCHIVE, and JOB_ARGS."""
    script = ('eval "$(java -Dcoffee.runnerConfigs="$0" -Dcoffee.jarDir="$1" -cp "$2"'
              ' com.coffeeshop.pipelines.launch.RunnerConfig "$3" "$4")"; JVM_FLAGS+=("${CLASS_ARCHIVE[@]}");'
              ' printf "%s\\n" "$BUNDLE" "$JAR" "${#JVM_FLAGS[@]}" "${JVM_FLAGS[@]}" "${JOB_ARGS[@]}"')
    out = subprocess.run(["bash", "-c", script, str(REPO / "runner-configs"), str(JAR_DIR),
                          str(REPO / "pipelines" / "target" / "classes"), config, job_class],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    n = int(out[2])
    return {"bundle": out[0], "jar": out[1], "flags": out[3:3 + n], "args": out[3 + n:]}


def test_the_dags_config_reader_agrees_with_the_java_one_on_every_config_and_job():
    """run-pipeline and the tests read runner-configs with RunnerConfig (Java); the DAG with its own small copy:
    the same runner, options and JVM flags (runner-configs/jvm.properties) for every config and every step, and the
    same cluster jar to stage for a cluster config."""
    from coffeeshop_daily import (CONFIGS, JARS, MEDALLION, bundled_jar, cluster_jar_path, read_runner_config,
                                  step_jvm_options, submits_to_cluster)
    assert len(CONFIGS) >= 5
    steps = [MEDALLION + job for job in ("bronze.BronzeIngest", "silver.SilverClean", "gold.GoldDimensions",
                                         "gold.GoldFacts")]
    for name in CONFIGS:
        options = read_runner_config(name)
        for step in steps:
            java = java_launch(name, step)
            assert JARS[options["runner"]] == java["bundle"], name
            staged = ([f"--filesToStage={cluster_jar_path(options['runner'])}"]
                      if submits_to_cluster(options["runner"], options) else [])
            assert sorted([f"--{k}={v}" for k, v in options.items()] + staged) == sorted(java["args"]), name
            if name == "direct":  # the jar the DAG runs, with its archive, as run-pipeline starts it
                assert java["jar"] == bundled_jar("DirectRunner")
                assert step_jvm_options(java["jar"], step).split() == java["flags"], step
    assert submits_to_cluster("FlinkRunner", read_runner_config("flink-cluster"))
    assert not submits_to_cluster("FlinkRunner", read_runner_config("flink-local"))
    assert submits_to_cluster("SparkRunner", read_runner_config("spark-cluster"))
    assert not submits_to_cluster("SparkRunner", read_runner_config("spark-local"))
    flags = {step: java_launch("flink-local", step)["flags"] for step in steps}
    assert all("-XX:+UseParallelGC" in f for f in flags.values())
    assert {s for s, f in flags.items() if "-XX:TieredStopAtLevel=1" in f} == set(steps[2:])  # the gold steps


def test_a_step_starts_with_its_jars_class_data_archive_and_without_a_stale_one():
    """The build makes each runner jar's class-data archive; a step's JVM maps it (-Xshare:on fails when it
    cannot). Once the jar is rebuilt (here: its modification time changed) the archive no longer matches it:
    the step starts without it, and does start."""
    from coffeeshop_daily import MEDALLION, bundled_jar, step_jvm_options
    jar = Path(bundled_jar("DirectRunner"))
    flags = step_jvm_options(str(jar), MEDALLION + "gold.GoldFacts").split()
    assert f"-XX:SharedArchiveFile={jar.with_suffix('.jsa')}" in flags

    def start(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(["java", *extra, *flags, f"-Dcoffee.runnerConfigs={REPO / 'runner-configs'}",
                               "-cp", str(jar), "com.coffeeshop.pipelines.launch.RunnerConfig", "direct",
                               MEDALLION + "gold.GoldFacts"], capture_output=True, text=True)
    assert start("-Xshare:on").returncode == 0, start("-Xshare:on").stderr

    built = jar.stat()
    os.utime(jar, ns=(built.st_atime_ns, built.st_mtime_ns + 1_000_000_000))
    try:
        assert start().returncode == 0
        assert start("-Xshare:on").returncode != 0
    finally:
        os.utime(jar, ns=(built.st_atime_ns, built.st_mtime_ns))
    assert start("-Xshare:on").returncode == 0


def test_a_run_fills_gold_with_the_day_and_a_rerun_changes_nothing(dag, landing_zone):
    states = run(dag)
    assert states == {"day_settled": "success", "bronze": "success", "silver": "success", "gold_dimensions": "success",
                      "gold_facts": "success", "reconcile": "success", "kpi_report": "success"}
    facts = facts_of_the_day()
    orders, lines, revenue = sql(landing_zone, "SELECT COUNT(DISTINCT o.id), COUNT(*), SUM(d.subtotal) FROM orders o"
                                 f" JOIN order_details d ON d.order_id = o.id WHERE DATE(o.`timestamp`) = '{DAY}'")[0]
    columns = DeltaTable(str(LAKEHOUSE / "gold" / "fact_orders")).schema().fields
    subtotal = [f.name for f in columns].index("subtotal")
    order_id = [f.name for f in columns].index("order_id")
    assert (len({f[order_id] for f in facts}), len(facts), sum(f[subtotal] for f in facts)) == \
        (int(orders), int(lines), int(revenue))
    assert int(orders) == 150
    page = (LAKEHOUSE.parent / "reports" / f"kpi-{DAY}.html").read_text(encoding="utf-8")
    assert f"<th>revenue (VND)</th><td class=\"n\">{int(revenue):,}</td>" in page
    assert (LAKEHOUSE.parent / "reports" / f"kpi-{DAY}-revenue_by_city.png").stat().st_size > 5000
    before = dimensions()
    assert len(before["dim_products"]) == 26 and len(before["dim_stores"]) == 120

    assert run(dag)["gold_facts"] == "success"
    assert facts_of_the_day() == facts
    assert dimensions() == before


def test_the_reconciliation_fails_the_run_on_a_change_the_batch_cannot_have_seen(dag, landing_zone):
    """A writer that backdates the capture column slips a change behind bronze's watermark: the run's steps all
    succeed on what they read, and the reconciliation against MySQL fails the run, naming the line."""
    assert run(dag)["reconcile"] == "success"
    order, product = sql(landing_zone, "SELECT d.order_id, d.product_id FROM order_details d JOIN orders o"
                                       f" ON o.id = d.order_id WHERE DATE(o.`timestamp`) = '{DAY}' LIMIT 1")[0]
    sql(landing_zone, f"UPDATE order_details SET quantity = quantity + 1, changed_at = '2020-01-01'"
                      f" WHERE order_id = '{order}' AND product_id = '{product}'")
    try:
        states = run(dag)
        assert states["gold_facts"] == "success"
        assert states["reconcile"] in ("failed", "up_for_retry")
        assert states["kpi_report"] not in ("success", "running")
    finally:
        sql(landing_zone, f"UPDATE order_details SET quantity = quantity - 1, changed_at = '2020-01-01'"
                          f" WHERE order_id = '{order}' AND product_id = '{product}'")


def test_a_failing_quality_gate_stops_the_day(dag, landing_zone):
    coffee("generate-orders", "--db-name", landing_zone, "--orders", "20", "--rate", "0", "--seed", "32")
    orders_placed_yesterday(landing_zone)
    sql(landing_zone, "UPDATE order_details d JOIN (SELECT id FROM orders ORDER BY `timestamp` DESC LIMIT 1) o"
                      " ON o.id = d.order_id SET d.subtotal = d.subtotal + 1")
    facts_before = facts_of_the_day()
    states = run(dag, max_quarantined_percent=0)
    assert states["bronze"] == "success"
    assert states["silver"] in ("failed", "up_for_retry")
    assert states["gold_dimensions"] not in ("success", "running")
    assert states["gold_facts"] not in ("success", "running")
    assert states["kpi_report"] not in ("success", "running")
    assert facts_of_the_day() == facts_before
    quarantine = DeltaTable(str(LAKEHOUSE / "silver" / "quarantine")).to_pyarrow_table(filters=[("run_date", "=", DAY)])
    assert "subtotal_mismatch" in quarantine.column("rule").to_pylist()


def test_a_killed_task_stops_the_pipeline_jvm_it_started(dag, landing_zone):
    """Airflow kills a task on a timeout or when marked failed: on_kill must not leave the job running."""
    import threading
    import time

    import psutil
    from coffeeshop_daily import LAKEHOUSE as DAG_LAKEHOUSE, MedallionStep

    # the DAG's own operator class, with its options already rendered (execute is called directly here)
    task = MedallionStep(task_id="killed_bronze", job="bronze.BronzeIngest", landing_zone=True,
                         pipeline_options={"lakehouse": DAG_LAKEHOUSE + "-killed", "settleMinutes": "0"})
    context = {"params": {"runner_config": "direct"}}
    # what execute returns no longer matters: Airflow has already decided the task's fate when it calls on_kill
    runner = threading.Thread(target=lambda: task.execute(context), daemon=True)
    runner.start()
    deadline = time.time() + 60
    jvms = []
    while not jvms and time.time() < deadline:
        jvms = [p for p in psutil.Process().children(recursive=True) if "java" in p.name()]
        time.sleep(0.2)
    assert jvms, "the bronze task started no JVM within 60 s"
    task.on_kill()
    runner.join(60)
    assert not runner.is_alive(), "execute still waits on a JVM after on_kill"
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in jvms), "the pipeline's JVM survived on_kill"


def test_a_run_builds_the_chains_day_not_the_utc_date():
    """A run's data interval starts at the chain's midnight; in Vietnam that is 17:00 UTC the day before,
    whose date Airflow's own ``ds`` would give."""
    import pendulum
    from coffeeshop_daily import chain_day
    start = pendulum.datetime(2026, 11, 1, tz="Asia/Ho_Chi_Minh").in_timezone("UTC")
    assert start.to_date_string() == "2026-10-31"
    assert chain_day(start, "Asia/Ho_Chi_Minh") == "2026-11-01"
    assert chain_day(pendulum.datetime(2026, 11, 1, tz="UTC"), "UTC") == "2026-11-01"
