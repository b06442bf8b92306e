"""README command 1 (devstack/demo.sh) end to end, in a short mode, on its own stack.

The demo runs with a fresh COFFEE_HOME and its own ports, so it starts MariaDB, Redis, Kafka and
Connect itself; the tests then check what it printed, the KPI report it wrote, that nothing it started
is left listening, and, with the database started again on the demo's data directory, that the
report's numbers are MariaDB's.
"""
import datetime
import html.parser
import os
import re
import socket
import subprocess
import zoneinfo
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PORTS = {"COFFEE_DB_PORT": 3317, "COFFEE_REDIS_PORT": 6390, "COFFEE_KAFKA_PORT": 9192,
         "COFFEE_KAFKA_CONTROLLER_PORT": 9193, "COFFEE_CONNECT_PORT": 8183}


def listening(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def demo_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COFFEE_")}  # not the suite's services
    env.update({k: str(v) for k, v in PORTS.items()})
    env["COFFEE_HOME"] = str(home)
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo-home")
    busy = [p for p in PORTS.values() if listening(p)]
    assert not busy, f"ports {busy} are taken before the demo starts"
    run = subprocess.run([str(REPO / "devstack/demo.sh"), "--duration", "20s", "--show-suggestions", "--top", "5"],
                         cwd=REPO, env=demo_env(home), capture_output=True, text=True, timeout=1500)
    print(run.stdout[-20000:])
    print(run.stderr[-5000:])
    assert run.returncode == 0, run.stderr[-3000:]
    return home, run.stdout, {p: listening(p) for p in PORTS.values()}


class Tables(html.parser.HTMLParser):
    """The report's tables by id, each as a list of rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row = {}, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr" and self.current is not None:
            self.row = []
            self.current.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.row.append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = self.row = None

    def handle_data(self, data):
        if self.row:
            self.row[-1] += data


def number(text):
    return int(text.replace(",", ""))


def report(stdout):
    m = re.search(r"^KPI report: (\S+kpi-(\d{4}-\d{2}-\d{2})\.html)$", stdout, re.M)
    assert m, "the demo printed no report path"
    page = Path(m.group(1))
    parser = Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    return page, m.group(2), parser.tables


def test_it_shows_the_live_status_and_each_suggestion(demo):
    _, out, _ = demo
    status = re.findall(r"^\[live\]\s+\d+s\s+orders\s+(\d+) \(\s*[\d.]+/s\)\s+eligible\s+(\d+)\s+suggestions\s+(\d+)"
                        r"\s+dead letters\s+(\d+)\s+latency p50 (\d+ ms|-) p99 (\d+ ms|-)$", out, re.M)
    assert len(status) >= 3, "a status line every 5 s over 20 s"
    done = re.search(r"^\[live\] done: (\d+) orders .*?, (\d+) eligible, (\d+) suggested \((\d+) for these orders\),"
                     r" (\d+) dead letters; commit -> suggestion p50 (\d+) ms, p99 (\d+) ms", out, re.M)
    assert done, "the live summary"
    orders, eligible, suggested, ours = (int(done.group(i)) for i in range(1, 5))
    assert orders >= 100 and eligible >= 1
    assert ours == eligible, "every eligible order got its suggestion"
    assert len(re.findall(r"^  \+ suggestion  order [0-9a-f]{8}  customer (?:\d+|\?)  -> \S+ .+  x1  -20 %  [\d,]+ VND", out,
                          re.M)) == suggested
    assert int(done.group(6)) <= int(done.group(7)) < 5000


def test_it_runs_the_batch_and_prints_quality_and_gold(demo):
    _, out, _ = demo
    for step in ("bronze", "silver", "gold-dimensions", "gold-facts"):
        assert re.search(rf"^\s*{step}\s+done in\s+[\d.]+ s", out, re.M), step
    # table, in, valid, quarantined, warned: every line valid, none quarantined (warnings are valid lines)
    assert re.search(r"^  order_lines\s+(\d+)\s+\1\s+0\s+\d+\s*$", out, re.M), "every order line valid, none quarantined"
    assert re.search(r"^  fact_orders\s+\d+ lines on ", out, re.M)


def test_the_report_has_charts_and_every_section(demo):
    _, out, _ = demo
    page, day, tables = report(out)
    assert set(tables) == {"headline", "revenue_by_city", "revenue_by_store", "orders_by_hour", "units_by_product",
                           "revenue_by_category"}
    assert len(tables["revenue_by_store"]) == 5 and len(tables["units_by_product"]) == 5  # --top 5
    assert len(tables["orders_by_hour"]) == 24
    html_text = page.read_text(encoding="utf-8")
    for chart in ("revenue_by_city", "revenue_by_store", "orders_by_hour", "units_by_product", "revenue_by_category"):
        png = page.parent / f"kpi-{day}-{chart}.png"
        assert f'<img src="{png.name}"' in html_text
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, f"{png.name} is a drawn PNG"


def test_nothing_it_started_is_left_listening(demo):
    _, out, after = demo
    assert "stopped: nothing this demo started is left listening" in out
    assert not any(after.values()), f"still listening after the demo: {after}"


def test_the_report_reconciles_with_mariadb(demo):
    home, out, _ = demo
    _, day, tables = report(out)
    env = demo_env(home)
    subprocess.run([str(REPO / "devstack/services.sh"), "up"], cwd=REPO, env=env, check=True, capture_output=True)
    try:
        secrets = dict(line.split("=", 1) for line in (home / "secrets.env").read_text().split() if "=" in line)

        def sql(query):
            r = subprocess.run(["mariadb", "-h127.0.0.1", f"-P{PORTS['COFFEE_DB_PORT']}", "-ucoffee_admin", "-N", "-B",
                                "coffeeshop", "-e", query], env={**env, "MYSQL_PWD": secrets["COFFEE_DB_ADMIN_PASSWORD"]},
                               check=True, capture_output=True, text=True)
            return [line.split("\t") for line in r.stdout.splitlines()]

        # the lakehouse's day is the chain's (Asia/Ho_Chi_Minh); MariaDB stores UTC
        start = datetime.datetime.combine(datetime.date.fromisoformat(str(day)), datetime.time(),
                                          tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
        utc = [t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
               for t in (start, start + datetime.timedelta(days=1))]
        offset = int(start.utcoffset().total_seconds())
        day_filter = f"o.`timestamp` >= '{utc[0]}' AND o.`timestamp` < '{utc[1]}'"
        orders, lines, revenue, suggestions, suggested = sql(
            "SELECT COUNT(DISTINCT o.id), COUNT(*), SUM(d.subtotal), SUM(d.is_suggestion),"
            " SUM(IF(d.is_suggestion = 1, d.subtotal, 0)) FROM orders o JOIN order_details d ON d.order_id = o.id"
            f" WHERE {day_filter}")[0]
        headline = {row[0]: number(row[1]) for row in tables["headline"]}
        assert headline["orders"] == int(orders)
        assert headline["order lines"] == int(lines)
        assert headline["revenue (VND)"] == int(revenue)
        assert headline["suggestions accepted"] == int(suggestions) >= 1
        assert headline["revenue added by suggestions (VND)"] == int(suggested)
        by_city = sql("SELECT s.city, SUM(d.subtotal) FROM orders o JOIN order_details d ON d.order_id = o.id"
                      f" JOIN stores s ON s.id = o.store_id WHERE {day_filter} GROUP BY s.city")
        assert {r[0]: number(r[1]) for r in tables["revenue_by_city"]} == {c: int(v) for c, v in by_city}
        by_hour = dict(sql(f"SELECT LPAD(HOUR(o.`timestamp` + INTERVAL {offset} SECOND), 2, '0'), COUNT(DISTINCT o.id)"
                           " FROM orders o"
                           f" JOIN order_details d ON d.order_id = o.id WHERE {day_filter} GROUP BY 1"))
        assert {r[0]: number(r[1]) for r in tables["orders_by_hour"]} == {f"{h:02d}": int(by_hour.get(f"{h:02d}", 0))
                                                                        for h in range(24)}
    finally:
        subprocess.run([str(REPO / "devstack/services.sh"), "down"], cwd=REPO, env=env, capture_output=True)
