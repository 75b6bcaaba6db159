"""Push figures: each channel's stock writer against that channel's write ceiling.

Each channel is served by its own `tributary sandbox serve` process enforcing the real
limits, time-scaled so that the limit and not the machine is the bottleneck (the scale is
printed). Every merchant-fulfilled listing of the medium world gets a new absolute quantity
(what it shows plus one), written by the same writer `tributary push` uses. Rates are in
world time; the ceiling is what the limit allows over exactly that run (burst plus rate times
its duration), so no window is cherry-picked:

- Shopify: GraphQL points (2,000-point bucket, 100 points/s on Standard); a call sets up to
  250 listings and costs what the server reports.
- Amazon: patchListingsItem's usage plan (5/s, burst 5), one listing a call (the writer
  switches to a JSON_LISTINGS_FEED above 1,000 listings a marketplace; this measures the
  patches, whose ceiling binds).
- TikTok Shop: the shop's request budget (the sandbox enforces 10 QPS, burst 10), one
  product (all of its SKUs) a call.

Prints figures; never passes or fails.

    uv run python -m benchmarks.push_throughput
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx

from benchmarks.sandbox_serving import ServedSandbox
from channels.amazon import AmazonAccount, AmazonClient
from channels.budget import forget_budgets
from channels.shopify import ShopifyClient, ShopifyStore
from channels.tiktok_shop import TikTokShopClient, TikTokShopConfig
from reverse_etl.plan import ListingChange
from reverse_etl.writers.amazon import AmazonWriter
from reverse_etl.writers.shopify import SET_QUANTITIES, ShopifyWriter
from reverse_etl.writers.tiktok_shop import TikTokShopWriter


@dataclass
class Throughput:
    channel: str
    listings: int
    calls: int
    achieved_calls: float  # calls (or points) spent, world time
    ceiling_calls: float
    unit: str
    world_seconds: float
    time_scale: float
    failed: int

    def line(self) -> str:
        share = self.achieved_calls / self.ceiling_calls
        return (
            f"{self.channel:<12} {self.listings:>6,} listings in {self.calls:>5,} calls over "
            f"{self.world_seconds:>7,.0f} world s: {self.achieved_calls:>9,.0f} / "
            f"{self.ceiling_calls:>9,.0f} {self.unit} = {share:6.1%} of the ceiling; "
            f"{self.failed} failed (time scale x{self.time_scale:g})"
        )


def merchant_listings(control_url: str, channel: str) -> list[dict[str, Any]]:
    rows = httpx.get(
        f"{control_url}/truth/listings", params={"channel": channel}, timeout=120
    ).json()["listings"]
    return [row for row in rows if row["fulfilled_by"] == "merchant"]


def change(row: dict[str, Any], **handles: Any) -> ListingChange:
    shown = int(row["displayed_quantity"])
    return ListingChange(
        channel=row["channel"],
        store_id=str(row["store_id"]),
        listing_key=f"{row['channel']}:{row['store_id']}:{sorted(row['key'].items())}",
        sku=str(row["sku"]),
        seller_sku=handles.get("seller_sku"),
        product_id=handles.get("product_id"),
        variant_id=handles.get("variant_id"),
        inventory_item_id=handles.get("inventory_item_id"),
        location_id=handles.get("location_id"),
        previous=shown,
        target=shown + 1,
        on_hand=shown + 1,
    )


def timed(
    channel: str, time_scale: float, work: Callable[[dict[str, Any], str], Throughput]
) -> Throughput:
    forget_budgets()
    sandbox = ServedSandbox("medium", "--time-scale", str(time_scale))
    try:
        _, manifest = sandbox.wait_ready()
        return work(manifest, manifest["sandbox"]["control_url"])
    finally:
        sandbox.stop()


def shopify(time_scale: float = 2.0, calls: int = 400) -> Throughput:
    """Every listing of the world fits in a handful of calls (250 a call), far inside the
    2,000-point bucket, so the plan is pushed round after round (each round moving every
    listing one unit up or back down) until `calls` calls have gone out: long enough for
    the restore rate, not the bucket, to set the pace."""

    def work(manifest: dict[str, Any], control: str) -> Throughput:
        settings = manifest["channels"]["shopify"]
        store = ShopifyStore.from_mapping(settings["stores"][0], settings)
        client = ShopifyClient(store)
        rows = merchant_listings(control, "shopify")
        base = [
            change(
                row,
                inventory_item_id=row["key"]["inventory_item_id"],
                location_id=row["key"]["location_id"],
            )
            for row in rows
        ]
        writer = ShopifyWriter({store.store_id: client}, "benchmark")
        failed, listings, round_number = 0, 0, 0
        started = time.perf_counter()
        while writer.calls < calls:
            up = round_number % 2 == 0
            changes = [
                replace(c, previous=c.target - 1, target=c.target) if up
                else replace(c, previous=c.target, target=c.target - 1)
                for c in base
            ]  # fmt: skip
            outcomes = writer.write(changes)
            failed += sum(o.status == "failed" for o in outcomes)
            listings += len(changes)
            round_number += 1
        world = (time.perf_counter() - started) * time_scale
        cost = client._query_costs.get(SET_QUANTITIES, 10.0)  # what the server charged
        bucket, restore = 2000.0, 100.0  # Standard plan, world units
        return Throughput(
            "shopify",
            listings,
            writer.calls,
            writer.calls * cost,
            bucket + restore * world,
            "points",
            world,
            time_scale,
            failed,
        )

    return timed("shopify", time_scale, work)


def amazon(time_scale: float = 20.0) -> Throughput:
    def work(manifest: dict[str, Any], control: str) -> Throughput:
        client = AmazonClient(AmazonAccount.from_mapping(manifest["channels"]["amazon"]))
        changes = [
            change(row, seller_sku=row["key"]["seller_sku"])
            for row in merchant_listings(control, "amazon")
        ]
        writer = AmazonWriter(client, feed_threshold=10**9)  # the patch path, one call each
        started = time.perf_counter()
        outcomes = writer.write(changes)
        world = (time.perf_counter() - started) * time_scale
        return Throughput(
            "amazon",
            len(changes),
            writer.calls,
            writer.calls,
            5.0 + 5.0 * world,
            "calls",
            world,
            time_scale,
            sum(o.status == "failed" for o in outcomes),
        )

    return timed("amazon", time_scale, work)


def tiktok_shop(time_scale: float = 2.0) -> Throughput:
    def work(manifest: dict[str, Any], control: str) -> Throughput:
        config = TikTokShopConfig.from_mapping(manifest["channels"]["tiktok_shop"])
        client = TikTokShopClient(config)
        changes = [
            change(
                row,
                product_id=row["key"]["product_id"],
                variant_id=row["key"]["sku_id"],
                location_id=row["key"]["warehouse_id"],
            )
            for row in merchant_listings(control, "tiktok_shop")
        ]
        writer = TikTokShopWriter({str(client.shop["id"]): client})
        started = time.perf_counter()
        outcomes = writer.write(changes)
        world = (time.perf_counter() - started) * time_scale
        qps = config.requests_per_second / time_scale  # the sandbox's limit, world time
        burst = config.burst
        return Throughput(
            "tiktok_shop",
            len(changes),
            writer.calls,
            writer.calls,
            burst + qps * world,
            "calls",
            world,
            time_scale,
            sum(o.status == "failed" for o in outcomes),
        )

    return timed("tiktok_shop", time_scale, work)


def main() -> None:
    print("each stock writer against its channel's write ceiling, world time (target >= 90%):")
    for measure in (shopify, amazon, tiktok_shop):
        print(measure().line(), flush=True)


if __name__ == "__main__":
    main()
