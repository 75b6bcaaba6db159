"""A push survives its channels one at a time: a failing read-back, a channel that hangs, a
process killed mid-way. What was written is recorded; the other channels are pushed; no run
stays open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from tests.marts.conftest import query
from tests.reverse_etl.conftest import StockedWorld

CHANNELS = ("shopify", "amazon", "tiktok_shop")


def pushable_targets(world: StockedWorld) -> dict[str, int]:
    return {
        key: int(target)
        for key, target in query(
            world.warehouse,
            "select listing_key, target_quantity from marts.inventory_push_targets"
            " where is_pushable",
        )
    }


def at_target(world: StockedWorld, channel: str, planned: dict[str, int]) -> bool:
    shown = world.displayed()
    mine = {key: target for key, target in planned.items() if key.startswith(f"{channel}:")}
    return bool(mine) and all(shown[key]["displayed_quantity"] == t for key, t in mine.items())


def test_a_failed_read_back_and_a_hanging_channel_each_fail_alone(
    stocked_world: Callable[..., StockedWorld],
) -> None:
    world = stocked_world(scale="tiny")
    planned = pushable_targets(world)
    # Amazon's getListingsItem answers garbage while its PATCH writes go through, and TikTok
    # hangs on every request; Shopify is healthy.
    world.control.faults("amazon", malformed=1.0, methods=["GET"], paths=["/listings/"])
    world.control.faults("tiktok_shop", timeout=1.0, timeout_seconds=5.0)
    report = world.push(deadline_minutes=0.1)
    assert report.status == "partial", (report.status, report.counts())
    assert set(report.failed_channels) == {"amazon", "tiktok_shop"}
    assert "read-back failed" in report.failed_channels["amazon"]
    assert "deadline" in report.failed_channels["tiktok_shop"]
    assert at_target(world, "shopify", planned)
    assert at_target(world, "amazon", planned), "the writes landed; only their read-back failed"
    ledger = dict(
        query(
            world.warehouse,
            "select channel, list(distinct status) from reverse_etl.push_ledger"
            f" where run_id = '{report.run_id}' group by channel",
        )
    )
    assert ledger == {
        "shopify": ["written"],
        "amazon": ["not_confirmed"],
        "tiktok_shop": ["failed"],
    }
    (run,) = query(
        world.warehouse,
        "select status, finished_at is not null, failure_reason from reverse_etl.push_runs"
        f" where run_id = '{report.run_id}'",
    )
    assert run[:2] == ("partial", True)
    assert "amazon" in run[2]
    assert "tiktok_shop" in run[2]


def test_a_killed_push_is_closed_as_interrupted_by_the_next(
    stocked_world: Callable[..., StockedWorld],
) -> None:
    world = stocked_world(scale="tiny")
    planned = pushable_targets(world)
    for channel in CHANNELS:
        world.control.faults(channel, slow=1.0, slow_seconds=0.2, paths=["inventory", "listings"])
    command = [sys.executable, "-m", "orchestration.cli.entry", "push"]
    command += ["--config", str(world.ingest.config)]
    environment = {**os.environ, "TRIBUTARY_WAREHOUSE": str(world.warehouse)}
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        command, env=environment, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while sum(map(len, world.stock_writes().values())) < 3:
        assert process.poll() is None, "the push ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    (killed,) = query(world.warehouse, "select run_id, status from reverse_etl.push_runs")
    assert killed[1] == "planned"

    world.control.clear_faults()
    report = world.push()
    assert report.interrupted_runs == [killed[0]]
    assert report.status == "written", (report.status, report.counts())
    runs = dict(query(world.warehouse, "select run_id, status from reverse_etl.push_runs"))
    assert runs == {killed[0]: "interrupted", report.run_id: "written"}
    left = query(
        world.warehouse,
        f"select count(*) from reverse_etl.push_ledger where run_id = '{killed[0]}'"
        " and status = 'planned'",
    )
    assert left == [(0,)]
    for channel in CHANNELS:
        assert at_target(world, channel, planned)
    assert all(len(set(values)) == 1 for values in world.stock_writes().values())


def test_push_blocks_targets_of_a_failed_build_whatever_ran_in_between(
    stocked_world: Callable[..., StockedWorld], monkeypatch: Any
) -> None:
    world = stocked_world(scale="tiny")
    from click.testing import CliRunner

    from orchestration.cli import main
    from tests.marts.conftest import execute

    monkeypatch.setenv("TRIBUTARY_WAREHOUSE", str(world.warehouse))
    runner = CliRunner()
    assert runner.invoke(main, ["docs"]).exit_code == 0  # `make docs` before the failing build
    # A mart that no longer reconciles with the raw tables fails the next build's tests.
    execute(
        world.warehouse,
        "delete from marts.fct_order_lines where order_id = "
        "(select min(order_id) from marts.fct_order_lines)",
    )
    failed = runner.invoke(main, ["transform"])
    assert failed.exit_code == 1, failed.output
    docs = runner.invoke(main, ["docs"])  # and after it: docs must not disarm the guard
    assert docs.exit_code == 0, docs.output
    blocked = runner.invoke(main, ["push", "--config", str(world.ingest.config)])
    assert blocked.exit_code == 1, blocked.output
    assert "BLOCKED build_results" in blocked.output
    assert "failed" in blocked.output
    assert world.writes() == 0
