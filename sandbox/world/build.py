"""Build a world from a seed and a scale: catalog, shoppers, listings, history, stock.

Each part draws from its own random stream (`[seed, part]`), so changing how one part is
generated does not reshuffle the others, and the same seed always yields the same world.
"""

from __future__ import annotations

import numpy as np

from sandbox.clock import SimClock
from sandbox.world import orders as order_model
from sandbox.world.catalog import build_catalog
from sandbox.world.columns import NEVER, Columns
from sandbox.world.events import scheduled_after
from sandbox.world.listings import MARKETPLACE, build_listings
from sandbox.world.live import LiveEngine
from sandbox.world.people import build_people
from sandbox.world.spec import DAY, HOUR, WORLD_START, Scale, Storefront, WarehouseLocation
from sandbox.world.state import OVERSELL_COLUMNS, LiveSettings, World
from sandbox.world.stock import (
    RESTOCK_COLUMNS,
    ComponentTable,
    plan_restocks,
    starting_on_hand,
    target_available,
)

CATALOG, PEOPLE, LISTINGS, HISTORY, STOCK, DISPLAY = range(1, 7)


def build_world(
    seed: int,
    scale: Scale,
    storefronts: list[Storefront],
    locations: list[WarehouseLocation],
    clock: SimClock | None = None,
) -> tuple[World, LiveEngine]:
    def stream(part: int) -> np.random.Generator:
        return np.random.default_rng([seed, part])

    catalog = build_catalog(stream(CATALOG), scale)
    people = build_people(stream(PEOPLE), scale.customers)
    listings = build_listings(stream(LISTINGS), catalog, storefronts)
    components = ComponentTable.from_catalog(catalog)
    history_start = WORLD_START - scale.history_days * DAY

    world = World(
        seed=seed,
        scale=scale,
        storefronts=storefronts,
        locations=locations,
        clock=clock or SimClock(WORLD_START),
        catalog=catalog,
        people=people,
        listings=listings,
        components=components,
        orders=Columns(order_model.ORDER_COLUMNS, 0),
        lines=Columns(order_model.LINE_COLUMNS, 0),
        restocks=Columns(RESTOCK_COLUMNS, 0),
        oversells=Columns(OVERSELL_COLUMNS),
        on_hand=np.zeros((catalog.sku_count, len(locations)), np.int64),
        committed=np.zeros((catalog.sku_count, len(locations)), np.int64),
        stock_updated=np.full((catalog.sku_count, len(locations)), history_start, np.int64),
        committed_by_listing=np.zeros(len(listings), np.int64),
        displayed=np.zeros(len(listings), np.int64),
        listing_updated=listings.created_at.copy(),
        live=LiveSettings(),
        history_start=history_start,
        world_start=WORLD_START,
        processed_until=WORLD_START,
    )
    world.orders, world.lines = _history(stream(HISTORY), world)
    world.index_orders()
    _stock(stream(STOCK), world)
    world.initial_on_hand = world.on_hand.copy()
    _channel_quantities(stream(DISPLAY), world)
    orders = np.arange(len(world.orders))
    world.orders["updated"][:] = order_model.last_event_at(
        {
            name: world.orders[name]
            for name in ("created", "paid", "cancelled", "delivered", "refunded")
        },
        world.last_shipment_at(orders, WORLD_START),
        WORLD_START,
    )
    hours = scale.history_days * 24
    counts = np.bincount(world.orders["storefront"], minlength=len(storefronts))
    world.live.orders_per_hour = {i: float(counts[i]) / hours for i in range(len(storefronts))}
    return world, LiveEngine(world, scheduled_after(world, WORLD_START))


def _split(total: int, shares: list[float]) -> list[int]:
    """Largest-remainder split of `total` by `shares`."""
    weights = np.array(shares) / sum(shares)
    raw = weights * total
    counts = np.floor(raw).astype(int)
    for index in np.argsort(-(raw - counts))[: total - counts.sum()]:
        counts[index] += 1
    return counts.tolist()


def _history(rng: np.random.Generator, world: World) -> tuple[Columns, Columns]:
    """Every storefront's orders over the history window, in global placement order."""
    horizon = world.scale.history_days * DAY
    order_parts: list[dict[str, np.ndarray]] = []
    line_parts: list[dict[str, np.ndarray]] = []
    counts = _split(world.scale.orders, [s.order_share for s in world.storefronts])
    for index, (storefront, count) in enumerate(zip(world.storefronts, counts, strict=True)):
        # Demand grows over the window: density rises towards the world start.
        offsets = (horizon * rng.random(count) ** (1 / 1.3)).astype(np.int64)
        created = np.sort(world.history_start + offsets)
        created = np.minimum(created, WORLD_START - 60)
        demand = world.demand(index)
        people = demand.shoppers.sample(rng, count)
        line_counts = order_model.draft_line_counts(rng, count)
        fulfilled_by = order_model.draft_fulfilment(rng, demand, count)
        lines = order_model.draft_lines(rng, demand, line_counts, fulfilled_by)
        unit, discount, tax, shipping, has_discount = order_model.draft_prices(
            rng, world.catalog, world.listings, storefront, lines, count
        )
        timeline = order_model.draft_timeline(
            rng, storefront, created, fulfilled_by, lines, lines.quantity
        )
        location = np.where(
            world.listings.fulfilled_by[lines.listing] == MARKETPLACE, -1, storefront.home_location
        )
        order_parts.append(
            _typed(
                order_model.ORDER_COLUMNS,
                {
                    "storefront": np.full(count, index),
                    "seq": np.arange(count),
                    "person": people,
                    "created": created,
                    **timeline.order_columns(),
                    "fulfilled_by": fulfilled_by,
                    "line_count": np.bincount(lines.order, minlength=count),
                    "shipping_cents": np.where(fulfilled_by == MARKETPLACE, 0, shipping),
                    "has_discount": has_discount,
                },
            )
        )
        line_parts.append(
            _typed(
                order_model.LINE_COLUMNS,
                {
                    "order": lines.order,  # local to the storefront until merged below
                    "listing": lines.listing,
                    "quantity": lines.quantity,
                    "unit_price_cents": unit,
                    "discount_cents": discount,
                    "tax_cents": tax,
                    **timeline.line_columns(),
                    "location": location,
                },
            )
        )
        del lines, timeline, unit, discount, tax

    # Global placement order: by time, then storefront, then the storefront's own sequence.
    created = np.concatenate([p["created"] for p in order_parts])
    storefront_of = np.concatenate([p["storefront"] for p in order_parts])
    seq = np.concatenate([p["seq"] for p in order_parts])
    placement = np.lexsort((seq, storefront_of, created))
    del created, storefront_of, seq
    new_index = np.empty_like(placement)
    new_index[placement] = np.arange(len(placement))

    orders: dict[str, np.ndarray] = {}
    for name in list(order_parts[0]):
        orders[name] = np.concatenate([p.pop(name) for p in order_parts])[placement]
    orders["line_start"] = np.cumsum(orders["line_count"], dtype=np.int64) - orders["line_count"]
    orders["updated"] = orders["created"].copy()
    orders["oversold_units"] = np.zeros(len(placement), np.int32)

    offsets = np.cumsum([0, *counts[:-1]])
    line_order = np.concatenate(
        [
            new_index[p["order"].astype(np.int64) + offset]
            for p, offset in zip(line_parts, offsets, strict=True)
        ]
    )
    line_sort = np.argsort(line_order, kind="stable")
    lines_out: dict[str, np.ndarray] = {"order": line_order[line_sort].astype(np.int32)}
    del line_order
    for name in (n for n in order_model.LINE_COLUMNS if n != "order"):
        lines_out[name] = np.concatenate([p.pop(name) for p in line_parts])[line_sort]
    return (
        Columns.from_arrays(_typed(order_model.ORDER_COLUMNS, orders)),
        Columns.from_arrays(_typed(order_model.LINE_COLUMNS, lines_out)),
    )


def _typed(columns: dict[str, type], values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Cast each known column to its storage type (no copy when it already is)."""
    return {
        name: np.asarray(values[name], dtype) for name, dtype in columns.items() if name in values
    }


def _stock(rng: np.random.Generator, world: World) -> None:
    """Restock plan and starting levels so history never goes negative."""
    lines, orders = world.lines, world.orders
    location_count = len(world.locations)
    sku_count = world.catalog.sku_count
    merchant = np.flatnonzero(lines["location"] >= 0)
    skus = world.listings.sku[lines["listing"][merchant]]
    row, component, units = world.components.expand(skus)
    line = merchant[row]
    moved = lines["quantity"][line].astype(np.int64) * units
    location = lines["location"][line].astype(np.int64)
    cell = component * location_count + location
    cancelled = orders["cancelled"][lines["order"][line]] != NEVER

    demand = np.bincount(
        cell[~cancelled], weights=moved[~cancelled], minlength=sku_count * location_count
    )
    daily = (demand / world.scale.history_days).reshape(sku_count, location_count)
    world.restocks = plan_restocks(rng, daily, world.history_start, WORLD_START)

    shipped_time = lines["shipped"][line]
    shipped_by_start = shipped_time <= WORLD_START
    restocks = world.restocks
    arrived = restocks["arrives"] <= WORLD_START
    restock_cell = (
        restocks["sku"][arrived].astype(np.int64) * location_count + restocks["location"][arrived]
    )
    flows_key = np.concatenate([cell[shipped_by_start], restock_cell])
    flows_time = np.concatenate([shipped_time[shipped_by_start], restocks["arrives"][arrived]])
    flows_delta = np.concatenate(
        [-moved[shipped_by_start], restocks["quantity"][arrived].astype(np.int64)]
    )
    cell_count = sku_count * location_count
    net = np.bincount(flows_key, weights=flows_delta, minlength=cell_count).astype(np.int64)

    open_at_start = (~shipped_by_start) & (orders["cancelled"][lines["order"][line]] > WORLD_START)
    committed = np.bincount(cell[open_at_start], weights=moved[open_at_start], minlength=cell_count)
    committed = committed.astype(np.int64)
    target = target_available(rng, daily, world.catalog.sku_is_bundle).reshape(-1)
    start = starting_on_hand(
        flows_key, flows_time, flows_delta, cell_count, target + committed - net
    )
    world.on_hand[:] = (start + net).reshape(sku_count, location_count)
    last_move = np.full(cell_count, world.history_start, np.int64)
    np.maximum.at(last_move, flows_key, flows_time)
    world.stock_updated[:] = last_move.reshape(sku_count, location_count)
    world.committed[:] = committed.reshape(sku_count, location_count)

    open_lines = (lines["shipped"] > WORLD_START) & (
        orders["cancelled"][lines["order"]] > WORLD_START
    )
    world.committed_by_listing[:] = np.bincount(
        lines["listing"][open_lines],
        weights=lines["quantity"][open_lines],
        minlength=len(world.listings),
    ).astype(np.int64)


def _channel_quantities(rng: np.random.Generator, world: World) -> None:
    """What each listing displays at the world start: truth, give or take a stale sync.

    Without a platform keeping them in step, channel quantities drift: most match the
    warehouse, some show stock that is gone, some hide stock that is there.
    """
    listings = world.listings
    truth = np.array([world.available(int(sku)) for sku in range(world.catalog.sku_count)])
    roll = rng.random(len(listings))
    merchant_truth = np.maximum(truth[listings.sku], 0)
    too_high = merchant_truth + rng.integers(1, 11, len(listings))
    too_low = np.maximum(merchant_truth - rng.integers(1, 6, len(listings)), 0)
    shown = np.where(roll < 0.65, merchant_truth, np.where(roll < 0.85, too_high, too_low))
    fba = listings.fulfilled_by == MARKETPLACE
    fba_stock = np.where(rng.random(len(listings)) < 0.1, 0, rng.integers(5, 150, len(listings)))
    world.displayed[:] = np.where(fba, fba_stock, shown)
    world.listing_updated[:] = WORLD_START - rng.integers(HOUR, 30 * DAY, len(listings))
