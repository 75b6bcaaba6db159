"""Ingest among other processes: a second ingest, a dashboard on the working file, a kill -9
in the middle of a load. Each ends with exactly the truth, and says what it did."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import duckdb

from benchmarks.chaos.raw import RawCheck, count_duplicates, tables
from tests.helpers.clients import Control
from tests.ingest.raw import Ingest, check_listings_and_stock, truth_facts

World = Callable[..., tuple[dict[str, Any], Control, Ingest]]
# A dashboard holding the working file the way a BI tool would: open read-only, query, close,
# every 0.1 s. Counts the times DuckDB refused it (the pipeline was writing).
DASHBOARD = """
import os, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
reads = refused = 0
while not os.path.exists(stop):
    try:
        with duckdb.connect(path, read_only=True) as c:
            c.execute("select count(*) from information_schema.tables").fetchall()
            time.sleep(0.03)
        reads += 1
    except duckdb.Error:
        refused += 1
    time.sleep(0.1)
print(reads, refused)
"""


def cli(ingest: Ingest, *args: str, **popen: Any) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "TRIBUTARY_WAREHOUSE": str(ingest.database),
        "TRIBUTARY_PIPELINES_DIR": str(ingest.directory / "pipelines"),
    }
    return subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "orchestration.cli.entry", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def printed_orders(output: str, channel: str) -> int:
    line = next((line for line in output.splitlines() if line.startswith(f"{channel}: ")), "")
    found = re.search(r"[ -]orders (\d[\d,]*)", line)
    return int(found.group(1).replace(",", "")) if found else 0


def assert_no_duplicates(ingest: Ingest) -> None:
    with duckdb.connect(str(ingest.database), read_only=True) as connection:
        present = tables(connection)
        assert {"raw_shopify.products", "raw_warehouse.inventory"} <= present
        check = RawCheck()
        count_duplicates(check, connection, present)
    assert check.no_duplicates, check.duplicates


def test_two_ingests_at_once_load_every_order_once_and_say_so(ingest_world: World) -> None:
    _, control, ingest = ingest_world(scale="tiny")
    first = cli(ingest, "ingest", "--config", str(ingest.config))
    second = cli(ingest, "ingest", "--config", str(ingest.config))
    outputs = [process.communicate(timeout=280) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    truth = control.truth()
    for channel in ("shopify", "tiktok_shop"):
        told = sum(printed_orders(stdout, channel) for stdout, _ in outputs)
        expected = sum(row["orders"] for row in truth["orders"] if row["channel"] == channel)
        assert told == expected, (channel, [stdout for stdout, _ in outputs])
    assert ingest.order_facts() == truth_facts(truth)
    check_listings_and_stock(control, ingest)
    assert_no_duplicates(ingest)


def test_a_dashboard_on_the_working_file_is_waited_out_by_ingest_and_transform(
    ingest_world: World,
) -> None:
    _, control, ingest = ingest_world(scale="tiny")
    ingest.run("warehouse")  # the file exists before the dashboard opens it
    stop = ingest.directory / "stop"
    dashboard = subprocess.Popen(  # noqa: S603 - the dashboard, in its own process
        [sys.executable, "-c", DASHBOARD, str(ingest.database), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        loaded = cli(ingest, "ingest", "--config", str(ingest.config))
        _, load_err = loaded.communicate(timeout=280)
        built = cli(ingest, "transform")
        build_out, build_err = built.communicate(timeout=280)
    finally:
        stop.touch()
        reads, refused = map(int, dashboard.communicate(timeout=30)[0].split())
    assert loaded.returncode == 0, load_err
    assert built.returncode == 0, build_out + build_err
    assert "marts published for BI tools" in build_out
    assert reads > 0, "the dashboard did read between the pipeline's writes"
    assert refused > 0, "and was refused while they wrote: the two did contend"
    assert ingest.order_facts() == truth_facts(control.truth())


def test_a_kill_inside_a_load_is_finished_by_the_next_run_with_nothing_twice(
    ingest_world: World,
) -> None:
    _, control, ingest = ingest_world(scale="tiny")
    wal = ingest.database.with_name(ingest.database.name + ".wal")
    process = cli(ingest, "ingest", "--config", str(ingest.config), start_new_session=True)
    deadline = time.monotonic() + 240
    while not wal.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no load ever started"
        time.sleep(0.001)
    os.killpg(process.pid, signal.SIGKILL)  # the process group: CLI and anything it started
    process.wait()

    # The world moves on before the next run: it must finish the interrupted load *and*
    # read what changed since.
    control.post("/live", {"enabled": True, "orders_per_hour": {"shopify": 40, "tiktok_shop": 20}})
    control.advance(2 * 3600)
    control.post("/live", {"enabled": False})
    control.advance(130)
    reports = ingest.run()
    assert any(report.recovered for report in reports.values()), {
        slug: report.summary() for slug, report in reports.items()
    }
    assert ingest.order_facts() == truth_facts(control.truth())
    check_listings_and_stock(control, ingest)
    assert_no_duplicates(ingest)


def test_a_hanging_channel_fails_alone_at_its_deadline_and_the_others_load(
    ingest_world: World,
) -> None:
    # TikTok Shop hangs on every request; the client gives up after 2 s a try and the channel
    # after its deadline (18 s here: the others load in 3-6 s alone, longer on a busy
    # machine), while Shopify, Amazon and the 3PL load beside it.
    _, control, ingest = ingest_world(scale="tiny", client_timeout_s=2.0)
    control.faults("tiktok_shop", timeout=1.0, timeout_seconds=5.0)
    started = time.monotonic()
    process = cli(ingest, "ingest", "--config", str(ingest.config), "--deadline-minutes", "0.3")
    stdout, stderr = process.communicate(timeout=280)
    took = time.monotonic() - started
    assert process.returncode != 0, "a channel failed: the command says so"
    failure = [line for line in stderr.splitlines() if line.startswith("FAILED tiktok_shop")]
    assert failure, stdout + stderr
    assert "gave up at the channel's deadline" in failure[0]
    for channel in ("shopify", "amazon", "warehouse"):
        assert re.search(rf"^{channel}: load ", stdout, re.M), (channel, stdout, stderr)
    assert took < 150, f"the hanging channel held the command for {took:.0f} s"
    truth = control.truth()
    hanging = {row["store_id"] for row in truth["orders"] if row["channel"] == "tiktok_shop"}
    loaded = ingest.order_facts()
    for store, facts in truth_facts(truth).items():
        if store not in hanging:
            assert loaded.get(store) == facts, store
    assert not hanging & set(loaded), "nothing of the hanging channel was half-loaded"
