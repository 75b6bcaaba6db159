"""A sale whose webhook never arrives is caught up by the next refresh.

Channels drop deliveries: Shopify gives up after its retries, and a sandbox fault drops them
outright. The fast path then believes a listing holds more than it does, and only the batch
path can know better. Here the batch path has run once; shoppers buy on Shopify while half of
its deliveries are dropped; the reactor (the real loop's rounds, run by hand) pushes what it
heard, so some listings still show units that were sold. Then a refresh runs as the
schedule's does (ingest, build, push). After it every listing shows the new build's target,
the reactor's state equals the marts once it takes the build, and the reconciliation it
records names the drift the drops caused.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from orchestration.push import run_push
from realtime.loop import LoopSettings, ReactorLoop
from realtime.reactor import Reactor
from realtime.stock_book import StockBook
from tests.helpers.listings import off_target
from tests.helpers.webhooks import deliveries, delivery_faults, sell, subscribe, wait_idle
from tests.marts.conftest import dbt, query
from tests.realtime.conftest import fast_pusher, pushed_by_the_batch, start_receiver

ORDER_TOPICS = ["orders/create", "orders/updated", "orders/cancelled"]


def test_a_dropped_delivery_is_caught_up_by_the_next_refresh(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest, control, ingest = pushed_by_the_batch(sandbox, tmp_path)
    served = tmp_path / "served.duckdb"
    shutil.copy(ingest.database, served)  # the first build, as published

    (tmp_path / "receiver").mkdir()
    receiver = start_receiver(tmp_path / "receiver", {"channels": manifest["channels"]})
    try:
        subscribe(control, "shopify", f"{receiver.url}/webhooks/shopify", topics=ORDER_TOPICS)
        delivery_faults(control, "shopify", drop=0.5)
        sell(control, "shopify", per_hour=240, seconds=900)
        control.post("/live", {"enabled": False})
        wait_idle(control)
        sent = deliveries(control, channel="shopify")
        dropped = [d for d in sent if d["outcome"] == "dropped"]
        assert dropped, "the fault should have dropped some deliveries"
        assert len(dropped) < len(sent), "and let others through"

        book = StockBook()
        reactor = Reactor(receiver.store, book)
        pusher = fast_pusher(book, manifest, ingest, control, tmp_path / "locks")
        loop = ReactorLoop(LoopSettings(serving_copy=served), reactor, book, pusher)
        loop.round()  # takes the first build, applies what was delivered, pushes it
        heard = {t.listing_key: t.target for t in book.targets()}

        ingest.run()  # the refresh: it reads every order, delivered or not
        assert dbt(ingest.database, "build").ok
        refreshed = dict(
            query(
                ingest.database,
                "select listing_key, target_quantity from marts.inventory_push_targets "
                "where is_pushable",
            )
        )
        missed = {key for key, target in refreshed.items() if heard.get(key) != target}
        assert missed, "the dropped sales should have left the fast path above the truth"
        assert off_target(control, {key: refreshed[key] for key in missed})
        assert run_push(config_file=ingest.config, warehouse=ingest.database).ok

        assert not off_target(control, refreshed)
        shutil.copy(ingest.database, served)  # the refresh publishes its build
        loop.round()
        assert {t.listing_key: t.target for t in book.targets() if t.target is not None} == (
            refreshed
        )
        assert pusher.push().planned == 0
        [(listings_drifted, units_drifted)] = receiver.query(
            "select listings_drifted, units_drifted from reconciliations"
        )
        assert listings_drifted >= len(missed), (listings_drifted, missed)
        assert units_drifted > 0
    finally:
        receiver.command.stop(timeout=10, linger=2)
