"""The synthetic world: sizes, mess, timelines and stock that stay consistent as time passes."""

from __future__ import annotations

import numpy as np
import pytest

from sandbox.clock import SimClock
from sandbox.registry import simulators
from sandbox.world.build import build_world
from sandbox.world.catalog import gtin13
from sandbox.world.columns import NEVER
from sandbox.world.listings import BARCODE_ONLY, EXACT, MARKETPLACE, UNMAPPABLE
from sandbox.world.spec import DAY, SCALES, WORLD_START
from sandbox.world.truth import recompute_stock

STOREFRONTS = [s for sim in simulators() for s in sim.storefronts]
LOCATIONS = [loc for sim in simulators() for loc in sim.locations]


def build(scale: str = "small", seed: int = 42):
    return build_world(seed, SCALES[scale], STOREFRONTS, LOCATIONS, SimClock(WORLD_START))


@pytest.fixture(scope="module")
def small():
    return build()


def test_small_world_has_the_promised_size(small) -> None:
    world, _ = small
    assert world.catalog.sku_count == 200
    assert len(world.orders) == 2_000
    assert len(world.people) == 600
    span = world.orders["created"].max() - world.orders["created"].min()
    assert 80 * DAY < span <= 90 * DAY


def test_same_seed_same_world_and_another_seed_another(small) -> None:
    world, _ = small
    again, _ = build()
    other, _ = build(seed=7)
    for column in ("created", "paid", "cancelled", "person", "shipping_cents"):
        assert np.array_equal(world.orders[column], again.orders[column])
    assert np.array_equal(world.lines["unit_price_cents"], again.lines["unit_price_cents"])
    assert np.array_equal(world.displayed, again.displayed)
    assert not np.array_equal(world.orders["created"], other.orders["created"])


def test_listings_are_messy_as_in_life(small) -> None:
    world, _ = small
    listings = world.listings
    for index, storefront in enumerate(world.storefronts):
        mine = listings.storefront == index
        kinds = set(listings.mapping[mine].tolist())
        assert {EXACT, BARCODE_ONLY, UNMAPPABLE} <= kinds, storefront.key
    amazon = np.isin(listings.storefront, world.storefronts_of("amazon"))
    assert (listings.fulfilled_by[amazon] == MARKETPLACE).any()
    assert not (listings.fulfilled_by[~amazon] == MARKETPLACE).any()
    unmappable = np.flatnonzero(listings.mapping == UNMAPPABLE)
    assert all(listings.barcode(int(i), world.catalog) is None for i in unmappable)
    renamed = np.flatnonzero(listings.mapping == BARCODE_ONLY)
    assert all(
        listings.seller_sku(int(i), world.catalog, "X")
        != world.catalog.sku_code[int(listings.sku[i])]
        for i in renamed
    )


def test_barcodes_are_valid_gtin13_and_unique(small) -> None:
    world, _ = small
    barcodes = world.catalog.sku_barcode
    assert len(set(barcodes)) == len(barcodes)
    for code in barcodes:
        body, check = code[:12], code[12]
        assert gtin13(int(body)) == code, code
        assert check.isdigit()


def test_bundles_consume_plain_components(small) -> None:
    world, _ = small
    catalog = world.catalog
    bundles = np.flatnonzero(catalog.sku_is_bundle)
    assert len(bundles) >= 2
    for bundle in bundles.tolist():
        parts = world.components.of(bundle)
        assert len(parts) >= 2
        assert not any(catalog.sku_is_bundle[c] for c, _ in parts)
    assert (world.on_hand[bundles] == 0).all(), "the warehouse never stocks a bundle"


def test_shoppers_cross_channels_and_currencies_differ(small) -> None:
    world, _ = small
    storefront_of_person: dict[int, set[int]] = {}
    for person, storefront in zip(
        world.orders["person"].tolist(), world.orders["storefront"].tolist(), strict=True
    ):
        storefront_of_person.setdefault(person, set()).add(storefront)
    assert sum(len(s) > 1 for s in storefront_of_person.values()) > 20
    assert {s.currency for s in world.storefronts} == {"USD", "EUR", "GBP"}


def test_order_timelines_are_coherent(small) -> None:
    world, _ = small
    orders, lines = world.orders, world.lines
    paid = orders["paid"] != NEVER
    assert (orders["paid"][paid] >= orders["created"][paid]).all()
    cancelled = orders["cancelled"] != NEVER
    assert (orders["cancelled"][cancelled] > orders["created"][cancelled]).all()
    cancelled_lines = cancelled[lines["order"]]
    assert (lines["shipped"][cancelled_lines] == NEVER).all(), "a cancelled order never ships"
    shipped = lines["shipped"] != NEVER
    assert (lines["shipped"][shipped] > orders["paid"][lines["order"][shipped]]).all()
    delivered = orders["delivered"] != NEVER
    last = world.last_shipment_at(np.flatnonzero(delivered), int(NEVER) - 1)
    assert (orders["delivered"][delivered] > last).all()
    refunded = orders["refunded"] != NEVER
    assert (orders["refunded"][refunded] > orders["delivered"][refunded]).all()
    assert cancelled.any()
    assert refunded.any()
    partial = [
        o
        for o in np.flatnonzero(~cancelled).tolist()
        if len(set(lines["shipped"][list(world.order_lines(o))])) > 1
    ]
    assert partial, "some orders ship in two parts"


def test_stock_never_goes_negative_and_engine_matches_a_recompute(small) -> None:
    world, engine = build()
    assert (world.on_hand >= 0).all()
    assert (world.committed >= 0).all()
    assert (world.on_hand - world.committed >= 0).all()
    for days in (1, 7, 30):
        engine.advance_to(WORLD_START + days * DAY)
        on_hand, committed = recompute_stock(world, WORLD_START + days * DAY)
        assert np.array_equal(world.on_hand, on_hand), f"on hand drifted after {days} days"
        assert np.array_equal(world.committed, committed), f"committed drifted after {days} days"
        assert (world.on_hand >= 0).all()


def test_updated_at_moves_with_scheduled_events() -> None:
    world, engine = build()
    before = world.orders["updated"].copy()
    engine.advance_to(WORLD_START + 3 * DAY)
    changed = np.flatnonzero(world.orders["updated"] != before)
    assert len(changed) > 0
    assert (world.orders["updated"][changed] > WORLD_START).all()
    assert (world.orders["updated"][changed] <= WORLD_START + 3 * DAY).all()


def test_live_demand_is_deterministic_in_world_time() -> None:
    first, first_engine = build(scale="tiny")
    second, second_engine = build(scale="tiny")
    for world in (first, second):
        world.live.enabled = True
        world.live.orders_per_hour = dict.fromkeys(world.live.orders_per_hour, 30.0)
    first_engine.advance_to(WORLD_START + 6 * 3600)
    for hour in range(1, 7):  # polled in steps: same result as one jump
        second_engine.advance_to(WORLD_START + hour * 3600)
    assert len(first.orders) == len(second.orders) > 300
    assert np.array_equal(first.orders["created"], second.orders["created"])
    assert np.array_equal(first.lines["listing"], second.lines["listing"])
    on_hand, committed = recompute_stock(first, WORLD_START + 6 * 3600)
    assert np.array_equal(first.on_hand, on_hand)
    assert np.array_equal(first.committed, committed)


def test_a_cycle_count_is_part_of_the_stock_history() -> None:
    world, engine = build(scale="tiny")
    world.live.enabled = True
    world.live.orders_per_hour = dict.fromkeys(world.live.orders_per_hour, 30.0)
    sku = next(s for s in range(world.catalog.sku_count) if not world.catalog.sku_is_bundle[s])
    engine.advance_to(WORLD_START + 3600)
    before = int(world.on_hand[sku, 0])
    change = engine.count_stock(sku, 0, 3, WORLD_START + 3600)
    assert world.on_hand[sku, 0] == 3
    assert change == 3 - before
    assert world.stock_updated[sku, 0] == WORLD_START + 3600
    engine.advance_to(WORLD_START + 4 * 3600)
    on_hand, committed = recompute_stock(world, WORLD_START + 4 * 3600)
    assert np.array_equal(world.on_hand, on_hand), "the adjustment is booked, not lost"
    assert np.array_equal(world.committed, committed)
