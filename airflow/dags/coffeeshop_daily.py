"""The coffee-shop chain's daily medallion run.

bronze → silver (with its data-quality gate) → gold dimensions → gold facts, each step one
``BeamRunJavaPipelineOperator`` running the pipelines' bundled jar on the runner chosen by the
``runner_config`` param (a file of ``runner-configs/``: direct, flink-local, flink-cluster,
spark-local, spark-cluster), with no code change; then the reconciliation of the day's gold facts with
MySQL's own lines (``coffee reconcile``: fails naming the day and the lines on any difference), and the
day's KPI report (HTML with PNG charts) from the gold tables (``coffee kpi-report``), both from the
operator tools' jar.

Each run is one day of the chain's time zone (``COFFEESHOP_TIME_ZONE``): its data interval is that
day, midnight to midnight, and that day is passed to every layer after bronze as ``--date`` (not
``ds``, which is the UTC date). The run starts when the day ends, and its first task waits 30 more
minutes (``COFFEESHOP_SETTLE_WAIT_MINUTES``), so the day's last rows have settled into bronze
(``settle_minutes``, 1, is below those 30; bronze also never reads past a transaction still open).
Bronze always ingests what MySQL changed since its stored watermark, up to ``settle_minutes`` before
now, so a backfill finds bronze already holding its day. Silver and gold for a day are computed from
bronze's whole history, so days can run in any order, again, or late, with the same tables; rows that
reach bronze after their day was built (a till synced late) make the next run's silver and facts
rebuild that day too (``--restateLateDays``).
Catch-up is on and runs one day at a time in date order; a range of days is back-filled with
``airflow backfill create --dag-id coffeeshop_daily --from-date 2026-11-01 --to-date 2026-11-03
--max-active-runs 1`` (the scheduler runs them oldest first; a backfill ignores the DAG's
``max_active_runs``), with Airflow's ``default_timezone`` set to the chain's zone, in which the CLI reads
those dates.

Nothing secret lives here. The landing zone comes from the Airflow connection
``coffeeshop_landing_zone`` (host, port, schema, login = the read-only batch user, password), whose
password reaches the JVM through an environment variable, never the command line. Paths come from
the environment of the workers:

- ``COFFEESHOP_HOME``: the checkout holding ``runner-configs/`` (default: two levels above this file);
- ``COFFEESHOP_JAR_DIR``: where ``coffeeshop-pipelines-{direct,flink,spark}.jar`` are
  (default ``$COFFEESHOP_HOME/pipelines/target``; build with
  ``mvn -pl pipelines -am package -DskipTests -P bundle[,flink-runner|,spark-runner]``);
- ``COFFEESHOP_TOOLS_JAR``: the operator tools' jar, for the KPI report (default
  ``$COFFEESHOP_HOME/tools/target/coffeeshop-tools.jar``; build with ``mvn install -DskipTests -P bundle``);
- ``COFFEESHOP_LAKEHOUSE``: the lakehouse root (default ``$COFFEESHOP_HOME/.local/lakehouse``);
- ``COFFEESHOP_REPORTS``: where the KPI reports go (default: ``reports/`` beside the lakehouse);
- ``COFFEESHOP_RUNNER_CONFIG``: the default of the ``runner_config`` param (default ``direct``);
- ``COFFEESHOP_TIME_ZONE``: the chain's reporting time zone (default ``Asia/Ho_Chi_Minh``): the DAG's
  days are that zone's, and every step gets it as ``--timeZone``;
- ``COFFEESHOP_START_DATE``: the first day the DAG runs (catch-up runs every day from it; default 2026-11-01);
- ``COFFEESHOP_RETRY_DELAY_SECONDS``: the first retry's delay (default 120, doubling after);
- ``COFFEESHOP_SETTLE_WAIT_MINUTES``: how long after its day's end a run's first task waits (default 30).
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pendulum
import psutil
from airflow.providers.apache.beam.operators.beam import BeamRunJavaPipelineOperator
from airflow.providers.standard.sensors.time_delta import TimeDeltaSensor
from airflow.sdk import DAG, BaseHook, Param, task
from airflow.timetables.interval import CronDataIntervalTimetable

HOME = Path(os.environ.get("COFFEESHOP_HOME", Path(__file__).resolve().parents[2]))
RUNNER_CONFIGS = HOME / "runner-configs"
JAR_DIR = Path(os.environ.get("COFFEESHOP_JAR_DIR", HOME / "pipelines" / "target"))
TOOLS_JAR = Path(os.environ.get("COFFEESHOP_TOOLS_JAR", HOME / "tools" / "target" / "coffeeshop-tools.jar"))
LAKEHOUSE = os.environ.get("COFFEESHOP_LAKEHOUSE", str(HOME / ".local" / "lakehouse"))
REPORTS = os.environ.get("COFFEESHOP_REPORTS", str(Path(LAKEHOUSE).parent / "reports"))
TIME_ZONE = os.environ.get("COFFEESHOP_TIME_ZONE", "Asia/Ho_Chi_Minh")
CONNECTION = "coffeeshop_landing_zone"
PASSWORD_ENV = "COFFEE_BATCH_PASSWORD"
CONFIGS = sorted(p.stem for p in RUNNER_CONFIGS.glob("*.conf"))
JARS = {"DirectRunner": "direct", "FlinkRunner": "flink", "SparkRunner": "spark"}
MEDALLION = "com.coffeeshop.pipelines.medallion."
START_DATE = os.environ.get("COFFEESHOP_START_DATE", "2026-11-01")
RETRY_DELAY = timedelta(seconds=int(os.environ.get("COFFEESHOP_RETRY_DELAY_SECONDS", "120")))
# How long after its day's end a run starts reading: the day's last rows settle into MySQL meanwhile.
SETTLE_WAIT = timedelta(minutes=int(os.environ.get("COFFEESHOP_SETTLE_WAIT_MINUTES", "30")))


def chain_day(moment, zone: str = TIME_ZONE) -> str:
    """The chain's day (yyyy-mm-dd in ``zone``) that starts at ``moment``: a run's data interval start.

    Airflow's own ``ds`` is the UTC date, the day before for the chain in Vietnam (UTC+7)."""
    return pendulum.instance(moment).in_timezone(zone).to_date_string()


def read_runner_config(name: str) -> dict[str, str]:
    """runner-configs/<name>.conf: the runner and its options.

    A small copy of the Java reader (RunnerConfig) because the DAG must know the runner before it can
    pick the jar that holds that reader; airflow/tests compare the two on every config file."""
    path = RUNNER_CONFIGS / f"{name}.conf"
    if not path.is_file():
        raise ValueError(f"runner_config '{name}': no {path}; choose one of {CONFIGS}")
    options = _read_properties(path)
    if "runner" not in options:
        raise ValueError(f"{path} names no runner (runner=DirectRunner|FlinkRunner|SparkRunner)")
    return options


def jvm_flags(job_class: str) -> list[str]:
    """The JVM flags of ``job_class``'s JVM from runner-configs/jvm.properties, as RunnerConfig.jvmFlags gives them:
    ``jvm.all``, then every ``jvm.<prefix>`` whose prefix is the class or one of its packages, shorter first."""
    flags = _read_properties(RUNNER_CONFIGS / "jvm.properties")
    keys = [k for k in flags if k == "jvm.all"
            or job_class == k[4:] or job_class.startswith(k[4:] + ".")]
    return [f for k in sorted(keys, key=lambda k: 0 if k == "jvm.all" else len(k)) for f in flags[k].split()]


def _read_properties(path: Path) -> dict[str, str]:
    """``key=value`` lines, ``#``/``!`` comments, a trailing ``\\`` continuing a value on the next line (what
    java.util.Properties reads in our files); values expanded as RunnerConfig.expand does."""
    values, logical = {}, ""
    for raw in path.read_text().splitlines():
        line = raw.strip() if not logical else raw.lstrip()
        if not logical and (not line or line.startswith(("#", "!"))):
            continue
        if line.endswith("\\"):
            logical += line[:-1]
            continue
        logical += line
        key, _, value = logical.partition("=")
        values[key.strip()] = _expand(path, key.strip(), value.strip())
        logical = ""
    return values


def _expand(path, option: str, value: str) -> str:
    """${NAME} and ${NAME:-default} from the environment, as RunnerConfig.expand does."""
    def one(m):
        v = os.environ.get(m.group(1)) or m.group(2)
        if v is None:
            raise ValueError(f"{path}: option {option} uses ${{{m.group(1)}}}, which is not set;"
                             f" export it or give a default as ${{{m.group(1)}:-value}}")
        return v
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}", one, value)


def bundled_jar(runner: str) -> str:
    """The bundled jar of a runner; fails saying how to build it when it is missing."""
    if runner not in JARS:
        raise ValueError(f"runner {runner} has no bundled jar; expected one of {sorted(JARS)}")
    jar = JAR_DIR / f"coffeeshop-pipelines-{JARS[runner]}.jar"
    if not jar.is_file():
        raise FileNotFoundError(
            f"{jar} is missing: build it with mvn -pl pipelines -am package -DskipTests -P bundle"
            + ("" if runner == "DirectRunner" else f",{JARS[runner]}-runner")
        )
    return str(jar)


def submits_to_cluster(runner: str, options: dict[str, str]) -> bool:
    """As RunnerConfig.submitsToCluster: a Flink master other than Flink's embedded ones ([local], [auto],
    [collection]), or a Spark master other than local…."""
    if runner == "FlinkRunner":
        return not options.get("flinkMaster", "[auto]").startswith("[")
    if runner == "SparkRunner":
        return not options.get("sparkMaster", "local[4]").startswith("local")
    return False


def cluster_jar_path(runner: str) -> Path:
    """Where the jar a cluster submission stages is (RunnerConfig.clusterJar)."""
    return JAR_DIR / f"coffeeshop-pipelines-{JARS[runner]}-cluster.jar"


def cluster_jar(runner: str) -> str:
    """The jar a cluster submission stages (--filesToStage): the runner jar without the classes the cluster runs
    itself, built beside it by the same Maven command; fails saying how to build it when it is missing."""
    jar = cluster_jar_path(runner)
    if not jar.is_file():
        raise FileNotFoundError(f"{jar} is missing: build it with mvn -pl pipelines -am package -DskipTests"
                                f" -P bundle,{JARS[runner]}-runner")
    return str(jar)


def step_jvm_options(jar: str, job_class: str) -> str:
    """Step ``job_class``'s JVM flags (``jvm_flags``) and, when the build made one, the jar's class-data archive
    (``<jar>.jsa``, see pipelines/pom.xml): the JVM maps the classes a step loads instead of reading them from the
    jar. It ignores an archive that no longer matches the jar (rebuilt since), so a stale one costs only the gain."""
    flags = jvm_flags(job_class)
    archive = Path(jar).with_suffix(".jsa")
    if archive.is_file():
        flags.append(f"-XX:SharedArchiveFile={archive}")
    return " ".join(flags)


def run_tool(*args: str, env: dict | None = None) -> str:
    """``coffee <args>`` from the operator tools' jar; fails with the tool's own error."""
    if not TOOLS_JAR.is_file():
        raise FileNotFoundError(f"{TOOLS_JAR} is missing: build it with mvn install -DskipTests -P bundle,"
                                " or point COFFEESHOP_TOOLS_JAR at it")
    run = subprocess.run(["java", "-Djava.awt.headless=true", "-jar", str(TOOLS_JAR), *args],
                         capture_output=True, text=True, env={**os.environ, **(env or {})})
    print(run.stdout)
    if run.returncode != 0:
        raise RuntimeError(f"coffee {args[0]} exited {run.returncode}: {run.stderr[-4000:]}")
    return run.stdout


class MedallionStep(BeamRunJavaPipelineOperator):
    """One medallion pipeline on the runner of the run's ``runner_config`` param."""

    def __init__(self, *, job: str, landing_zone: bool = False, **kwargs):
        super().__init__(jar="unset", job_class=MEDALLION + job, **kwargs)
        self.landing_zone = landing_zone

    def execute(self, context):
        options = read_runner_config(context["params"]["runner_config"])
        self.runner = options.pop("runner")
        self.jar = bundled_jar(self.runner)
        if submits_to_cluster(self.runner, options):
            options.setdefault("filesToStage", cluster_jar(self.runner))
        if self.landing_zone:
            conn = BaseHook.get_connection(CONNECTION)
            options.update(dbHost=conn.host, dbPort=str(conn.port or 3306), dbName=conn.schema,
                           dbUser=conn.login, dbPasswordEnv=PASSWORD_ENV)
            os.environ[PASSWORD_ENV] = conn.password or ""  # inherited by the java process only
        os.environ["JDK_JAVA_OPTIONS"] = step_jvm_options(self.jar, self.job_class)
        self.pipeline_options = {**options, **self.pipeline_options}
        return super().execute(context)

    def on_kill(self):
        """A killed task (timeout, marked failed) stops the JVM it started (SIGTERM, then SIGKILL after 30 s), so no
        orphan keeps writing: on the local runners that JVM is the whole job; on a Flink cluster the JVM cancels the
        job it submitted there as it ends (FlinkClusterJobs); on a Spark cluster the JVM is the job's driver."""
        super().on_kill()
        jvms = [p for p in psutil.Process().children(recursive=True) if "java" in p.name()]
        for jvm in jvms:
            self.log.info("stopping the pipeline's JVM, pid %s", jvm.pid)
            jvm.terminate()
        _, alive = psutil.wait_procs(jvms, timeout=30)
        for jvm in alive:
            jvm.kill()


with DAG(
    dag_id="coffeeshop_daily",
    description="MySQL → bronze → silver (data-quality gate) → gold SCD2 dimensions → gold facts → KPI report",
    # one run per day of the chain, started when the day ends
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone=TIME_ZONE),
    start_date=pendulum.parse(START_DATE, tz=TIME_ZONE),
    catchup=True,
    max_active_runs=1,
    params={
        "runner_config": Param(os.environ.get("COFFEESHOP_RUNNER_CONFIG", "direct"), type="string",
                               enum=CONFIGS or ["direct"], description="a file of runner-configs/"),
        "settle_minutes": Param(1, type="integer", minimum=0,
                                description="bronze reads MySQL up to this many minutes before the database's clock"
                                            " (and never past a transaction still open)"),
        "max_quarantined_percent": Param(1.0, type="number", minimum=0, maximum=100,
                                         description="the silver gate: largest quarantined share of a table"),
    },
    default_args={
        "retries": 2,
        "retry_delay": RETRY_DELAY,
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(hours=2),
    },
    tags=["coffeeshop", "medallion"],
    user_defined_macros={"chain_day": chain_day},
) as dag:
    day = {"lakehouse": LAKEHOUSE, "date": "{{ chain_day(data_interval_start) }}", "timeZone": TIME_ZONE}
    # The day's last rows settle into MySQL: SETTLE_WAIT (30 min) after the day's end (at once for a day long past).
    settled = TimeDeltaSensor(task_id="day_settled", delta=SETTLE_WAIT, mode="reschedule", poke_interval=60)
    bronze = MedallionStep(task_id="bronze", job="bronze.BronzeIngest", landing_zone=True,
                           pipeline_options={"lakehouse": LAKEHOUSE, "timeZone": TIME_ZONE,
                                             "settleMinutes": "{{ params.settle_minutes }}"})
    # A failed gate fails the same way on a retry: one retry is kept for transient failures only.
    silver = MedallionStep(task_id="silver", job="silver.SilverClean", retries=1,
                           pipeline_options={**day, "maxQuarantinedPercent": "{{ params.max_quarantined_percent }}"})
    dimensions = MedallionStep(task_id="gold_dimensions", job="gold.GoldDimensions", pipeline_options=dict(day))
    facts = MedallionStep(task_id="gold_facts", job="gold.GoldFacts", pipeline_options=dict(day))

    @task(task_id="reconcile")
    def reconcile(data_interval_start=None) -> str:
        """The day's gold facts against MySQL's own lines of that day (as the batch user): fails naming the day and
        the differing lines. An operator tool in the tools' jar, not a pipeline."""
        conn = BaseHook.get_connection(CONNECTION)
        return run_tool("reconcile", "--lakehouse", LAKEHOUSE, "--date", chain_day(data_interval_start),
                        "--db-host", conn.host, "--db-port", str(conn.port or 3306), "--db-name", conn.schema,
                        "--db-user", conn.login, "--db-password-env", PASSWORD_ENV,
                        env={PASSWORD_ENV: conn.password or ""})

    @task(task_id="kpi_report")
    def kpi_report(data_interval_start=None) -> str:
        """The day's KPI page from the gold tables (an operator tool in the tools' jar, not a pipeline)."""
        ds = chain_day(data_interval_start)
        run_tool("kpi-report", "--lakehouse", LAKEHOUSE, "--date", ds, "--out", REPORTS)
        return str(Path(REPORTS) / f"kpi-{ds}.html")

    settled >> bronze >> silver >> dimensions >> facts >> reconcile() >> kpi_report()
