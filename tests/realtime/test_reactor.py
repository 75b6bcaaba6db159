"""Sales on the channels reach the reactor through the real paths, and its targets are the
next build's: the sandbox sends its webhooks and SQS notifications to a real receiver process,
the reactor reads them from the event store into a stock book of the last build, and a real
ingest and dbt build of the same moment is the yardstick. No dbt run in between.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import duckdb

from orchestration.realtime import order_fetcher
from realtime.reactor import Reactor
from realtime.stock_book import StockBook
from tests.helpers.clients import Control
from tests.helpers.webhooks import QUIET, subscribe, wait_idle
from tests.ingest.conftest import AMAZON_MARGIN_S, FAST_RETRIES
from tests.ingest.raw import Ingest
from tests.marts.conftest import dbt
from tests.realtime.conftest import start_receiver

# Shopify and Amazon carry their lines; TikTok's notifications do not, so the reactor reads
# the orders the build has not seen through Get Order Detail.
DEMAND = {**QUIET, "shopify": 60, "amazon_us": 40, "amazon_de": 20, "tiktok_shop": 40}
SETTLE_S = 1800


def targets(warehouse: Path) -> dict[str, int | None]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return dict(
            connection.execute(
                "select listing_key, target_quantity from marts.inventory_push_targets"
            ).fetchall()
        )


def wait_for_queue(manifest: dict[str, Any], timeout: float = 30.0) -> None:
    queue = manifest["channels"]["amazon"]["notifications"]
    client = boto3.client(
        "sqs",
        endpoint_url=queue["sqs_endpoint_url"],
        region_name=queue["region"],
        aws_access_key_id=queue["aws_access_key_id"],
        aws_secret_access_key=queue["aws_secret_access_key"],
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        attributes = client.get_queue_attributes(
            QueueUrl=queue["queue_url"], AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        if int(attributes["ApproximateNumberOfMessages"]) == 0:
            return
        time.sleep(0.2)
    raise AssertionError("Amazon's notifications were not read")


def test_sales_reach_the_reactor_and_it_computes_the_next_builds_targets(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    control.advance(AMAZON_MARGIN_S)
    (tmp_path / "batch").mkdir()
    ingest = Ingest(manifest, tmp_path / "batch", policy=FAST_RETRIES)
    ingest.run()
    assert dbt(ingest.database, "build").ok
    served = tmp_path / "served.duckdb"
    shutil.copy2(ingest.database, served)

    (tmp_path / "receiver").mkdir()
    receiver = start_receiver(tmp_path / "receiver", {"channels": manifest["channels"]})
    try:
        for channel in ("shopify", "tiktok_shop", "warehouse"):
            subscribe(control, channel, f"{receiver.url}/webhooks/{channel}")
        subscribe(control, "amazon", manifest["channels"]["amazon"]["notifications"]["queue_url"])
        control.post("/live", {"enabled": True, "orders_per_hour": DEMAND})
        control.advance(3600)
        control.post("/live", {"enabled": False})
        # Amazon lists an order only two minutes after its last change: let the new orders'
        # payments settle, so that the build below sees every change the events told.
        control.advance(SETTLE_S)
        wait_idle(control)
        wait_for_queue(manifest)
    finally:
        receiver.command.stop(timeout=10, linger=2)

    book = StockBook()
    book.load_build(served)
    fetch = order_fetcher(str(ingest.config))
    applied = Reactor(receiver.store, book, fetch_orders=fetch).apply_new_events()
    assert applied.orders > 10, applied
    assert applied.fetched > 3, applied
    assert not applied.problems, applied.problems[:5]

    ingest.run()
    assert dbt(ingest.database, "build").ok
    expected, before = targets(ingest.database), targets(served)
    got = {target.listing_key: target.target for target in book.targets()}
    moved = [key for key in expected if before.get(key) != expected[key]]
    assert len(moved) > 5, "too few sales to test anything"
    differing = {k: (got.get(k), expected[k]) for k in expected if got.get(k) != expected[k]}
    assert not differing, (
        f"{len(differing)} of {len(expected)} listings differ (reactor, build), e.g. "
        f"{list(differing.items())[:6]}; {applied}"
    )
