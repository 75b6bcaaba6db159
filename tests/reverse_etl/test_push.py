"""ingest -> dbt -> push on the small world, against the sandbox's real write endpoints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import duckdb
from click.testing import CliRunner

from orchestration.cli import main
from tests.marts.conftest import query
from tests.reverse_etl.conftest import StockedWorld

WRITE_ROUTES = ("inventorySetQuantities", "patchListingsItem", "inventory/update")


def write_requests(world: StockedWorld) -> int:
    """Requests that reached a stock-write endpoint, whatever they changed."""
    return sum(
        int(metrics["requests"])
        for channel in world.control.metrics().values()
        for route, metrics in channel["endpoints"].items()
        if any(name in route for name in WRITE_ROUTES)
    )


def targets(world: StockedWorld) -> list[tuple[Any, ...]]:
    return query(
        world.warehouse,
        "select listing_key, is_pushable, target_quantity, fulfilled_by"
        " from marts.inventory_push_targets",
    )


def test_a_push_sets_every_pushable_listing_to_its_target_and_no_other(
    stocked_world: Callable[..., StockedWorld],
) -> None:
    world = stocked_world()
    before = world.displayed()
    planned = targets(world)
    report = world.push()
    assert report.status == "written", (report.blocked, report.counts())
    assert set(report.calls) == {"shopify", "amazon", "tiktok_shop"}
    after = world.displayed()
    marketplace = 0
    for listing_key, pushable, target, fulfilled_by in planned:
        if pushable:
            assert after[listing_key]["displayed_quantity"] == target, listing_key
        else:
            assert after[listing_key] == before[listing_key], listing_key
        marketplace += fulfilled_by == "marketplace"
    assert marketplace > 0, "the world has FBA listings, and they were left alone"
    ledger = query(
        world.warehouse,
        "select status, count(*) from reverse_etl.push_ledger"
        f" where run_id = '{report.run_id}' group by all",
    )
    assert ledger == [("written", len(report.plan.changes))]

    # The same push again, before the next ingest: the ledger knows what stuck.
    sent = write_requests(world)
    again = world.push()
    assert again.status == "nothing_to_do"
    assert not again.plan.changes
    # And after the next ingest and build, the channels report the targets themselves.
    world.refresh()
    third = world.push()
    assert third.status == "nothing_to_do"
    assert not third.plan.changes
    assert write_requests(world) == sent


def test_a_dry_run_prints_and_stores_the_plan_and_writes_nothing(
    stocked_world: Callable[..., StockedWorld], monkeypatch: Any
) -> None:
    world = stocked_world()
    monkeypatch.setenv("TRIBUTARY_WAREHOUSE", str(world.warehouse))
    shown = CliRunner().invoke(main, ["push", "--dry-run", "--config", str(world.ingest.config)])
    assert shown.exit_code == 0, shown.output
    assert "dry_run" in shown.output
    for channel in ("shopify", "amazon", "tiktok_shop"):
        assert f"{channel}: " in shown.output
    assert write_requests(world) == 0
    (runs,) = query(
        world.warehouse, "select count(*) from reverse_etl.push_runs where status = 'dry_run'"
    )[0]
    assert runs == 1
    planned = query(
        world.warehouse, "select count(*) from reverse_etl.push_ledger where status = 'planned'"
    )[0][0]
    assert planned > 0


def test_a_bad_stock_read_blocks_every_write(
    stocked_world: Callable[..., StockedWorld], monkeypatch: Any
) -> None:
    world = stocked_world()
    world.control.faults("warehouse", zero_stock=True)
    world.refresh("warehouse")
    zeros = query(
        world.warehouse,
        "select count(*) filter (where target_quantity = 0), count(*)"
        " from marts.inventory_push_targets where is_pushable",
    )[0]
    assert zeros[0] == zeros[1], "the bad read zeroes every target"

    monkeypatch.setenv("TRIBUTARY_WAREHOUSE", str(world.warehouse))
    blocked = CliRunner().invoke(main, ["push", "--config", str(world.ingest.config)])
    assert blocked.exit_code == 1, blocked.output
    assert "BLOCKED zero_drops" in blocked.output
    assert write_requests(world) == 0
    reason = query(world.warehouse, "select status, blocked_reason from reverse_etl.push_runs")
    assert [status for status, _ in reason] == ["blocked"]
    assert "would drop to zero" in reason[0][1]


def test_throttles_and_server_errors_do_not_change_the_outcome(
    stocked_world: Callable[..., StockedWorld],
) -> None:
    # Time runs 20x, so the 2 s Retry-After of an injected 429 costs 0.1 s of wall time.
    world = stocked_world(time_scale=20.0)
    planned = targets(world)
    for channel in ("shopify", "amazon", "tiktok_shop"):
        world.control.faults(channel, throttle=0.1, server_error=0.1)
    report = world.push()
    assert report.status == "written", (report.blocked, report.counts())
    injected = sum(
        sum(channel["total"]["faults"].values()) for channel in world.control.metrics().values()
    )
    assert injected > 20
    after = world.displayed()
    for listing_key, pushable, target, _ in planned:
        if pushable:
            assert after[listing_key]["displayed_quantity"] == target, listing_key
    assert all(len(set(values)) == 1 for values in world.stock_writes().values())


def test_a_push_killed_midway_and_run_again_ends_in_the_same_state(
    stocked_world: Callable[..., StockedWorld],
) -> None:
    world = stocked_world()
    planned = targets(world)
    # Every write answers 50 ms late, so the push is still writing when it is killed.
    for channel in ("shopify", "amazon", "tiktok_shop"):
        world.control.faults(
            channel, slow=1.0, slow_seconds=0.05, paths=["inventory", "listings", "graphql"]
        )
    command = [sys.executable, "-m", "orchestration.cli.entry", "push"]
    command += ["--config", str(world.ingest.config)]
    environment = {**os.environ, "TRIBUTARY_WAREHOUSE": str(world.warehouse)}
    process = subprocess.Popen(command, env=environment)  # noqa: S603 - our own CLI
    deadline = time.monotonic() + 60
    while sum(map(len, world.stock_writes().values())) < 40:
        assert process.poll() is None, "the push ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # Mid-push the warehouse is free: ingestion could write now (DuckDB admits one writer).
    duckdb.connect(str(world.warehouse)).close()
    process.kill()
    process.wait()
    first = world.stock_writes()
    assert 0 < sum(map(len, first.values())) < sum(1 for row in planned if row[1])

    world.control.clear_faults()
    report = world.push()
    assert report.status == "written", (report.blocked, report.counts())
    after = world.displayed()
    for listing_key, pushable, target, _ in planned:
        if pushable:
            assert after[listing_key]["displayed_quantity"] == target, listing_key
    assert all(len(set(values)) == 1 for values in world.stock_writes().values())


def test_a_large_amazon_plan_goes_as_a_listings_feed(
    stocked_world: Callable[..., StockedWorld],
) -> None:
    # The world clock runs 100x while the push waits, so Amazon's three minutes of feed
    # processing pass in two seconds.
    world = stocked_world(time_scale=100.0)
    settings = json.loads(world.ingest.config.read_text())
    settings["channels"]["amazon"]["push"] = {"feed_threshold": 10, "feed_poll_s": 0.05}
    world.ingest.config.write_text(json.dumps(settings))
    planned = [row for row in targets(world) if row[0].startswith("amazon:")]
    world.control.post("/clock", {"running": True})  # feeds process in world time
    try:
        report = world.push(channels=["amazon"])
    finally:
        world.control.post("/clock", {"running": False})
    assert report.status == "written", (report.blocked, report.counts())
    after = world.displayed()
    for listing_key, pushable, target, _ in planned:
        if pushable:
            assert after[listing_key]["displayed_quantity"] == target, listing_key
    routes = world.control.metrics()["amazon"]["endpoints"]
    requests = {route: metrics["requests"] for route, metrics in routes.items()}
    assert sum(n for route, n in requests.items() if "/feeds/2021-06-30/feeds" in route) >= 2
    assert not any("PATCH" in route for route in requests), "no listing was patched one by one"
