"""A sale the reactor has counted is taken off the sold listing once, not twice.

Shopify lowers a variant's level itself when it sells from it. The reactor counts the same
sale from `orders/create` and lowers every target of the SKU; when it sets the sold listing,
the compare-and-set base it sends must already be lowered by the sale. Before the fix it sent
the figure from before the sale, Shopify refused the write as stale, and the conflict rule
took the sale off the target a second time: the sold listing was left showing fewer units
than the warehouse had (in `make oversell`, units turned away while in stock).

Here the shop's inventory webhooks are not subscribed, so the reactor learns of the sales from
the order topics only, the way it does whenever `orders/create` arrives before the level's
`inventory_levels/update`, or the latter is dropped. TikTok sells the same SKUs too, so the
Shopify targets fall by more than Shopify's own sales and a sale taken off twice shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.warehouse import Warehouse
from orchestration.push import run_push
from orchestration.realtime import order_fetcher
from realtime.pusher import FastPusher
from realtime.reactor import Reactor
from realtime.stock_book import StockBook
from reverse_etl.writers.registry import build_writer
from tests.helpers.clients import Control
from tests.helpers.listings import off_target
from tests.helpers.webhooks import sell, subscribe, wait_idle
from tests.ingest.conftest import AMAZON_MARGIN_S, FAST_RETRIES
from tests.ingest.raw import Ingest
from tests.marts.conftest import dbt
from tests.realtime.conftest import start_receiver

ORDER_TOPICS = ["orders/create", "orders/updated", "orders/cancelled"]


def test_a_shopify_sale_is_taken_off_its_own_listing_once(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest = sandbox(scale="tiny")
    control = Control(manifest)
    control.advance(AMAZON_MARGIN_S)
    (tmp_path / "batch").mkdir()
    ingest = Ingest(manifest, tmp_path / "batch", policy=FAST_RETRIES)
    ingest.run()
    assert dbt(ingest.database, "build").ok
    assert run_push(config_file=ingest.config, warehouse=ingest.database).ok

    (tmp_path / "receiver").mkdir()
    receiver = start_receiver(tmp_path / "receiver", {"channels": manifest["channels"]})
    try:
        subscribe(control, "shopify", f"{receiver.url}/webhooks/shopify", topics=ORDER_TOPICS)
        subscribe(control, "tiktok_shop", f"{receiver.url}/webhooks/tiktok_shop")
        sell(control, "shopify", per_hour=240, seconds=600)
        sell(control, "tiktok_shop", per_hour=240, seconds=600)
        control.post("/live", {"enabled": False})
        wait_idle(control)

        book = StockBook()
        book.load_build(ingest.database)
        fetch = order_fetcher(str(ingest.config))  # TikTok's notifications carry no lines
        applied = Reactor(receiver.store, book, fetch_orders=fetch).apply_new_events()
        assert applied.orders > 5, applied
        channels = manifest["channels"]
        pusher = FastPusher(
            book,
            lambda channel, run_id: build_writer(channel, channels[channel], run_id, FAST_RETRIES),
            ledger_path=Warehouse.at(ingest.database).fast_push_ledger_path,
            locks_dir=tmp_path / "locks",
            clock=control.now,
        )
        report = pusher.push()
        assert not report.blocked, report.blocked
        assert not report.failed_channels, report.failed_channels

        shopify = {o.listing_key: o for o in report.outcomes if o.listing_key.startswith("shopify")}
        assert shopify, "no Shopify listing of a sold SKU moved"
        targets = {t.listing_key: t.target for t in book.targets() if t.target is not None}
        # Before the fix: each sold listing left its units below target, every write stale.
        assert not off_target(control, {key: targets[key] for key in shopify})
        stale = sorted(key for key, o in shopify.items() if o.status == "conflict_replanned")
        assert not stale, f"writes refused as stale though the reactor knew the sales: {stale}"
    finally:
        receiver.command.stop(timeout=10, linger=2)
