"""What common multichannel tools do: every 15 minutes, copy the warehouse's stock to every channel.

Stock only: the 3PL's on-hand per SKU (kits: what their components make) goes to every listing
of that SKU, with no knowledge of orders the warehouse has not shipped yet, no buffers and no
checks. It writes only the listings whose figure changed since its last sync, through the same
channel writers Tributary uses, so it is not handicapped by a worse client.

It is given a perfect listing map (SKU or barcode, from the setup truth), which a real tool's
merchant would have configured by hand: the comparison is about timing and the stock figure,
not about mapping.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import replace
from typing import Any, TypedDict

from benchmarks.oversell.observe import listing_id, manageable
from benchmarks.oversell.strategies import Action, ActionLog
from benchmarks.oversell.world import StrategyWorld
from channels.amazon import AmazonAccount, AmazonClient
from channels.budget import forget_budgets
from channels.shopify import ShopifyClient, ShopifyStore
from channels.tiktok_shop import TikTokShopClient, TikTokShopConfig
from channels.warehouse import WarehouseClient, WarehouseConfig
from reverse_etl.plan import ListingChange
from reverse_etl.writers.amazon import AmazonWriter
from reverse_etl.writers.shopify import ShopifyWriter
from reverse_etl.writers.tiktok_shop import TikTokShopWriter

INTERVAL_SECONDS = 15 * 60


class Handles(TypedDict):
    seller_sku: str | None
    product_id: str | None
    variant_id: str | None
    inventory_item_id: str | None
    location_id: str | None


def handles(row: dict[str, Any]) -> Handles:
    """The channel's own keys on a listing, as a writer addresses it."""
    key = row["key"]
    return {
        "seller_sku": key.get("seller_sku"),
        "product_id": key.get("product_id"),
        "variant_id": key.get("sku_id") or key.get("variant_id"),
        "inventory_item_id": key.get("inventory_item_id"),
        "location_id": key.get("location_id") or key.get("warehouse_id"),
    }


class Writers:
    """One writer per channel, over clients configured from the sandbox's manifest."""

    def __init__(self, manifest: dict[str, Any]) -> None:
        channels = manifest["channels"]
        shopify = channels["shopify"]
        stores = [ShopifyStore.from_mapping(store, shopify) for store in shopify["stores"]]
        tiktok = TikTokShopClient(TikTokShopConfig.from_mapping(channels["tiktok_shop"]))
        self.by_channel: dict[str, Any] = {
            "shopify": ShopifyWriter(
                {store.store_id: ShopifyClient(store) for store in stores}, "interval-sync"
            ),
            "amazon": AmazonWriter(AmazonClient(AmazonAccount.from_mapping(channels["amazon"]))),
            "tiktok_shop": TikTokShopWriter({str(tiktok.shop["id"]): tiktok}),
        }


class IntervalStockSync:
    name = "15-min stock sync"

    def __init__(self, interval_seconds: int = INTERVAL_SECONDS) -> None:
        self.interval = interval_seconds
        self.log = ActionLog()
        self._due = 0.0
        self._listings: list[ListingChange] = []
        self._pushed: dict[str, int] = {}
        self._kits: dict[str, list[tuple[str, int]]] = {}

    def prepare(self, world: StrategyWorld) -> None:
        forget_budgets()
        self._warehouse = WarehouseClient(
            WarehouseConfig.from_mapping(world.manifest["channels"]["warehouse"])
        )
        self._writers = Writers(world.manifest)
        for row in world.get("/truth/listings")["listings"]:
            if not manageable(row):
                continue
            key = listing_id(row)
            self._pushed[key] = row["displayed_quantity"]
            self._listings.append(
                ListingChange(
                    channel=row["channel"],
                    store_id=str(row["store_id"]),
                    listing_key=key,
                    sku=row["sku"],
                    previous=row["displayed_quantity"],
                    target=row["displayed_quantity"],
                    on_hand=0,
                    **handles(row),
                )
            )
        for page in self._warehouse.pages("/v1/kits"):
            for kit in page.records:
                self._kits[kit["sku"]] = [(c["sku"], int(c["quantity"])) for c in kit["components"]]
        self._due = world.now()

    def next_due(self) -> float:
        return self._due

    def on_hand(self) -> dict[str, int]:
        units: dict[str, int] = defaultdict(int)
        for page in self._warehouse.pages("/v1/inventory", {"limit": 500}):
            for row in page.records:
                units[row["sku"]] += int(row["on_hand"])
        for kit, components in self._kits.items():
            units[kit] = min(units.get(sku, 0) // quantity for sku, quantity in components)
        return units

    def act(self, world: StrategyWorld) -> None:
        started_world, started = world.now(), time.perf_counter()
        failed = 0
        stock = self.on_hand()
        by_channel: dict[str, list[ListingChange]] = defaultdict(list)
        for listing in self._listings:
            target = max(stock.get(listing.sku, 0), 0)
            previous = self._pushed[listing.listing_key]
            if target != previous:
                by_channel[listing.channel].append(
                    replace(listing, previous=previous, target=target, on_hand=target)
                )
        for channel, changes in sorted(by_channel.items()):
            for outcome in self._writers.by_channel[channel].write(changes):
                if outcome.status == "failed":
                    failed += 1
                else:
                    self._pushed[outcome.listing_key] = outcome.target
        written = sum(len(c) for c in by_channel.values())
        self.log.add(
            Action(
                "sync",
                started_world,
                time.perf_counter() - started,
                failed == 0,
                f"{written} listings, {failed} failed",
            )
        )
        self._due = started_world + self.interval

    def busy(self, world: StrategyWorld) -> bool:
        return False

    def close(self) -> None:
        forget_budgets()
