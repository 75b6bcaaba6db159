"""The TikTok Shop source: orders with their line items (one per unit, as TikTok sends them),
products with SKUs, and inventory per SKU and warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource

from channels.deadline import Deadline
from channels.retry import RetryPolicy
from channels.tiktok_shop import TikTokShopClient, TikTokShopConfig
from channels.transport import RequestTally
from dlt_sources.common.dedupe import Once
from dlt_sources.common.lazy import lazily
from dlt_sources.common.quarantine import Screening, Sorter
from dlt_sources.common.tables import FROZEN, stamp, to_table
from dlt_sources.common.window import UpdateWindow
from dlt_sources.tiktok_shop import checks

CHANNEL = "tiktok_shop"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dlt.source(name=CHANNEL, max_table_nesting=2, schema_contract=FROZEN)
def tiktok_shop_source(
    settings: dict[str, Any],
    lookback_minutes: float = 15.0,
    policy: RetryPolicy | None = None,
    tally: RequestTally | None = None,
    deadline: Deadline | None = None,
) -> list[DltResource]:
    client = lazily(
        lambda: TikTokShopClient(
            TikTokShopConfig.from_mapping(settings), policy=policy, tally=tally, deadline=deadline
        )
    )
    screening = Screening.from_settings(settings)
    lookback = timedelta(minutes=lookback_minutes)

    @dlt.resource(name="orders", write_disposition="merge", primary_key=("store_id", "id"))
    def orders() -> Iterator[Any]:
        store_id = str(client().shop["id"])
        window = UpdateWindow(dlt.current.resource_state(), lookback, EPOCH)
        sorter = Sorter(CHANNEL, store_id, screening, window)
        for page in client().orders(int(window.start.timestamp())):
            fresh = [o for o in page if window.is_new(str(o.get("id")), o.get("update_time") or 0)]
            good, bad = sorter.split(
                fresh,
                checks.ORDER,
                resource="orders",
                endpoint="POST /order/202309/orders/search",
                id_field="id",
            )
            if good:
                yield to_table(
                    "orders", stamp(good, CHANNEL, store_id), primary_key=("store_id", "id")
                )
            if bad:
                yield sorter.rows(bad)
        sorter.judge()
        window.advance()

    @dlt.resource(name="products", write_disposition="replace")
    def products() -> Iterator[Any]:
        store_id = str(client().shop["id"])
        sorter, once = Sorter(CHANNEL, store_id, screening), Once(lambda r: r.get("id"))
        for page in client().products():
            good, bad = sorter.split(
                once.fresh(page),
                checks.PRODUCT,
                resource="products",
                endpoint="POST /product/202309/products/search",
                id_field="id",
            )
            stock = [
                {
                    "product_id": product["id"],
                    "sku_id": sku["id"],
                    "seller_sku": sku.get("seller_sku"),
                    **level,
                }
                for product in good
                for sku in product.get("skus", [])
                for level in sku.pop("inventory", None) or []
            ]
            if good:
                yield to_table(
                    "products", stamp(good, CHANNEL, store_id), write_disposition="replace"
                )
            if stock:
                yield to_table(
                    "inventory", stamp(stock, CHANNEL, store_id), write_disposition="replace"
                )
            if bad:
                yield sorter.rows(bad)
        sorter.judge(snapshot=True)

    return [orders, products]
