"""Real Airflow for the DAG tests: a private AIRFLOW_HOME with its own SQLite metadata database,
the repo's DAG folder, and the local MariaDB of devstack/services.sh (its settings in the environment,
as `eval "$(devstack/services.sh env)"` sets them)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "airflow" / "dags"))
HOME = Path(tempfile.mkdtemp(prefix="coffeeshop-airflow-"))

# Before anything imports airflow: its settings are read once, at import.
os.environ["AIRFLOW_HOME"] = str(HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "airflow" / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
os.environ["COFFEESHOP_HOME"] = str(REPO)
os.environ["COFFEESHOP_LAKEHOUSE"] = str(HOME / "lakehouse")
os.environ["COFFEESHOP_RUNNER_CONFIG"] = "direct"
os.environ["COFFEESHOP_TIME_ZONE"] = "UTC"  # the tests' day is today's UTC date, whatever the hour of the run
os.environ["COFFEESHOP_RETRY_DELAY_SECONDS"] = "3"  # a failed task's retry comes quickly in the tests
# The tests' orders are written before their runs start: a run of a day that ended minutes ago (a test just after
# midnight) starts at once instead of 30 minutes after the day's end.
os.environ["COFFEESHOP_SETTLE_WAIT_MINUTES"] = "0"

for name in ("COFFEE_DB_HOST", "COFFEE_DB_PORT", "COFFEE_DB_ADMIN_USER", "COFFEE_DB_ADMIN_PASSWORD", "COFFEE_BATCH_PASSWORD"):
    if name not in os.environ:
        raise RuntimeError(f"{name} is not set: run devstack/services.sh up and eval \"$(devstack/services.sh env)\","
                           " or the README's test command")

subprocess.run(["airflow", "db", "migrate"], check=True, env=os.environ, stdout=subprocess.DEVNULL)


def sql(db: str, query: str) -> list[list[str]]:
    """A query as the admin user of the local MariaDB; its rows as lists of text."""
    out = subprocess.run(
        ["mariadb", "-h", os.environ["COFFEE_DB_HOST"], "-P", os.environ["COFFEE_DB_PORT"],
         "-u", os.environ["COFFEE_DB_ADMIN_USER"], f"-p{os.environ['COFFEE_DB_ADMIN_PASSWORD']}", "-N", "-B", db,
         "-e", query], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def coffee(*args: str) -> None:
    """devstack/coffee, the operator CLI."""
    subprocess.run([str(REPO / "devstack" / "coffee"), *args], check=True, stdout=subprocess.DEVNULL)
