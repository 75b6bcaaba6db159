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

from orchestration.realtime import order_fetcher
from realtime.reactor import Reactor
from realtime.stock_book import StockBook
from tests.helpers.listings import off_target
from tests.helpers.webhooks import sell, subscribe, wait_idle
from tests.realtime.conftest import fast_pusher, pushed_by_the_batch, start_receiver

ORDER_TOPICS = ["orders/create", "orders/updated", "orders/cancelled"]


def test_a_shopify_sale_is_taken_off_its_own_listing_once(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest, control, ingest = pushed_by_the_batch(sandbox, tmp_path)

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
        pusher = fast_pusher(book, manifest, ingest, control, tmp_path / "locks")
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
