"""The oversell benchmark's instrument, on a real sandbox: a stock drop opens an exposure that
stays open while any channel shows more than is left, and closes once none does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.oversell.observe import Observer, listing_id, manageable
from benchmarks.oversell.strategies.interval_sync import Writers, handles
from benchmarks.oversell.world import StrategyWorld
from reverse_etl.plan import ListingChange

QUIET = {"shopify": 0, "amazon_us": 0, "amazon_de": 0, "tiktok_shop": 0}


@pytest.fixture
def world() -> Iterator[StrategyWorld]:
    started = StrategyWorld(seed=42, scale="small", rate_limits=False)
    yield started
    started.close()


def listings_of_a_sku_on_several_channels(world: StrategyWorld) -> list[dict[str, Any]]:
    stock = {row["sku"]: row for row in world.get("/truth/stock")["skus"]}
    by_sku: dict[str, list[dict[str, Any]]] = {}
    for row in world.get("/truth/listings")["listings"]:
        if manageable(row) and not stock[row["sku"]]["is_bundle"]:
            by_sku.setdefault(row["sku"], []).append(row)
    for sku, rows in sorted(by_sku.items()):
        channels = {row["channel"] for row in rows}
        if "shopify" in channels and len(channels) > 1 and stock[sku]["available"] >= 3:
            return rows
    raise AssertionError("the small world lists no stocked SKU on Shopify and another channel")


def show(world: StrategyWorld, rows: list[dict[str, Any]], quantity: int) -> None:
    """Set what every given listing shows, through the channels' own stock-write APIs."""
    writers = Writers(world.manifest)
    for channel in sorted({row["channel"] for row in rows}):
        changes = [
            ListingChange(
                channel=row["channel"],
                store_id=str(row["store_id"]),
                listing_key=listing_id(row),
                sku=row["sku"],
                previous=row["displayed_quantity"],
                target=quantity,
                on_hand=quantity,
                **handles(row),
            )
            for row in rows
            if row["channel"] == channel
        ]
        outcomes = writers.by_channel[channel].write(changes)
        assert all(outcome.status != "failed" for outcome in outcomes), outcomes


def test_a_drop_is_exposed_until_no_channel_shows_more_than_is_left(
    world: StrategyWorld,
) -> None:
    rows = listings_of_a_sku_on_several_channels(world)
    sku = rows[0]["sku"]
    show(world, rows, 50)
    observer = Observer(world)
    observer.begin()
    world.post(
        "/live",
        {
            "enabled": True,
            "orders_per_hour": {**QUIET, "shopify": 400},
            "boost": {"shopify": {"skus": [sku], "factor": 5_000}},
        },
    )
    for _ in range(10):
        world.advance(60)
        observer.sample()
    mine = [drop for drop in observer.drops if drop.sku == sku]
    assert mine, "Shopify's sales lowered the SKU's true available"
    assert all(drop.shown_at is None for drop in mine), "the other channels still show 50"
    assert not any(drop.behind_unmapped for drop in mine), "every sale was on a mapped listing"
    world.post("/live", {"enabled": False})
    show(world, rows, 0)
    world.advance(60)
    observer.sample()
    assert all(drop.shown_at == observer.last_sample_at for drop in mine)
    assert max(drop.shown_at - drop.seen_at for drop in mine if drop.shown_at) <= 11 * 60
    counters = observer.finish()
    sold = counters["live"]["accepted_units"] - observer.started["live"]["accepted_units"]
    assert sold > 0
    assert counters["metrics"]["shopify"]["total"]["requests"] > 0, "the writes were counted"


def test_a_drop_behind_a_sale_on_an_unmapped_listing_is_marked_so(world: StrategyWorld) -> None:
    """A legacy listing no rule maps sells: the SKU's true available falls, yet no strategy
    can count the open units, so the drop is kept apart from the ones a strategy could see."""
    stock = {row["sku"]: row for row in world.get("/truth/stock")["skus"]}
    legacy = next(
        row
        for row in world.get("/truth/listings")["listings"]
        if row["mapping"] == "unmappable"
        and row["fulfilled_by"] == "merchant"
        and row["displayed_quantity"] > 0
        and stock[row["sku"]]["available"] > 0
        and not stock[row["sku"]]["is_bundle"]
    )
    observer = Observer(world)
    observer.begin()
    world.post(
        "/live",
        {
            "enabled": True,
            "orders_per_hour": {**QUIET, legacy["storefront"]: 400},
            "boost": {legacy["channel"]: {"skus": [legacy["sku"]], "factor": 5_000}},
        },
    )
    for _ in range(10):
        world.advance(60)
        observer.sample()
    world.post("/live", {"enabled": False})
    mine = [drop for drop in observer.drops if drop.sku == legacy["sku"]]
    assert mine, "the legacy listing's sales lowered the SKU's true available"
    assert all(drop.behind_unmapped for drop in mine)
