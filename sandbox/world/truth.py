"""Ground truth: what really happened, computed from the world rather than from any API.

Tests and quality checks score Tributary against these numbers: orders, lines, units and
gross per currency per storefront; stock per SKU; what each listing displays; oversells.
Lines are counted the way the channel presents them (TikTok shows one line item per unit).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from sandbox.world.listings import FULFILMENT_NAMES, MAPPING_NAMES
from sandbox.world.state import World

UNIFIED_STATUSES = ("pending", "open", "partially_fulfilled", "fulfilled", "cancelled", "refunded")


@lru_cache(maxsize=1 << 16)
def money(cents: int) -> str:
    """Cents as the decimal string APIs send ("12.30"); cached, since amounts repeat a lot."""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def shipped_line_counts(
    world: World, orders: np.ndarray, now: int
) -> tuple[np.ndarray, np.ndarray]:
    """(lines shipped by `now`, lines in total) per order."""
    counts = world.orders["line_count"][orders].astype(np.int64)
    starts = world.orders["line_start"][orders]
    line_index = np.repeat(starts, counts) + (
        np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    shipped = (world.lines["shipped"][line_index] <= now).astype(np.int64)
    owner = np.repeat(np.arange(len(orders)), counts)
    return np.bincount(owner, weights=shipped, minlength=len(orders)).astype(np.int64), counts


def unified_status(world: World, orders: np.ndarray, now: int) -> np.ndarray:
    """Index into UNIFIED_STATUSES of each order at `now`."""
    columns = world.orders
    shipped, total = shipped_line_counts(world, orders, now)
    status = np.where(shipped == 0, 1, np.where(shipped < total, 2, 3))
    status = np.where(columns["paid"][orders] > now, 0, status)
    refunded = (columns["refunded"][orders] <= now) & (columns["refund_full"][orders] == 1)
    status = np.where(refunded, 5, status)
    return np.where(columns["cancelled"][orders] <= now, 4, status)


def order_summary(world: World, now: int) -> list[dict[str, Any]]:
    summary = []
    for index, storefront in enumerate(world.storefronts):
        orders = world.orders_of(index)
        orders = orders[world.orders["created"][orders] <= now]
        counts = world.orders["line_count"][orders].astype(np.int64)
        starts = world.orders["line_start"][orders]
        lines = np.repeat(starts, counts) + (
            np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        )
        quantity = world.lines["quantity"][lines].astype(np.int64)
        unit = world.lines["unit_price_cents"][lines].astype(np.int64)
        net = unit * quantity - world.lines["discount_cents"][lines]
        tax = world.lines["tax_cents"][lines].astype(np.int64)
        total = int(net.sum()) + int(world.orders["shipping_cents"][orders].sum())
        if not storefront.taxes_included:
            total += int(tax.sum())
        cancelled = np.repeat(world.orders["cancelled"][orders] <= now, counts)
        status = unified_status(world, orders, now)
        summary.append(
            {
                "channel": storefront.channel,
                "store_id": storefront.store_id,
                "storefront": storefront.key,
                "currency": storefront.currency,
                "orders": len(orders),
                "lines": int(quantity.sum()) if storefront.line_per_unit else len(lines),
                "units": int(quantity.sum()),
                "gross": money(int((unit * quantity).sum())),
                "gross_excluding_cancelled": money(int((unit * quantity)[~cancelled].sum())),
                "total": money(total),
                "statuses": {
                    name: int((status == code).sum()) for code, name in enumerate(UNIFIED_STATUSES)
                },
            }
        )
    return summary


def stock_rows(world: World) -> list[dict[str, Any]]:
    rows = []
    catalog = world.catalog
    for sku in range(catalog.sku_count):
        row: dict[str, Any] = {"sku": catalog.sku_code[sku], "barcode": catalog.sku_barcode[sku]}
        if catalog.sku_is_bundle[sku]:
            row["is_bundle"] = True
            row["components"] = [
                {"sku": catalog.sku_code[c], "quantity": units}
                for c, units in world.components.of(sku)
            ]
        else:
            row["is_bundle"] = False
            row["on_hand"] = {
                loc.code: int(world.on_hand[sku, i]) for i, loc in enumerate(world.locations)
            }
            row["committed"] = {
                loc.code: int(world.committed[sku, i]) for i, loc in enumerate(world.locations)
            }
        row["available"] = world.available(sku)
        rows.append(row)
    return rows


def listing_rows(world: World) -> list[dict[str, Any]]:
    listings, catalog = world.listings, world.catalog
    return [
        {
            "storefront": world.storefronts[int(listings.storefront[i])].key,
            "channel": world.storefronts[int(listings.storefront[i])].channel,
            "store_id": world.storefronts[int(listings.storefront[i])].store_id,
            "sku": catalog.sku_code[int(listings.sku[i])],
            "mapping": MAPPING_NAMES[int(listings.mapping[i])],
            "fulfilled_by": FULFILMENT_NAMES[int(listings.fulfilled_by[i])],
            "displayed_quantity": int(world.displayed[i]),
            "open_units": int(world.committed_by_listing[i]),
        }
        for i in range(len(listings))
    ]


def oversell_summary(world: World) -> dict[str, Any]:
    oversells = world.oversells
    by_storefront: dict[str, dict[str, int]] = {}
    for index, storefront in enumerate(world.storefronts):
        mine = oversells["storefront"] == index
        by_storefront[storefront.key] = {
            "events": int(mine.sum()),
            "units": int(oversells["units"][mine].sum()),
        }
    return {
        "events": len(oversells),
        "units": int(oversells["units"].sum()),
        "by_storefront": by_storefront,
    }


def recompute_stock(world: World, now: int) -> tuple[np.ndarray, np.ndarray]:
    """On hand and committed at `now`, from scratch, for checking the incremental engine.

    Only valid for `now` at or after the world start (starting levels are a world-start fact).
    """
    lines, orders = world.lines, world.orders
    merchant = np.flatnonzero(lines["location"] >= 0)
    row, component, units = world.components.expand(world.listings.sku[lines["listing"][merchant]])
    line = merchant[row]
    moved = lines["quantity"][line].astype(np.int64) * units
    location = lines["location"][line].astype(np.int64)
    created = orders["created"][lines["order"][line]]
    shipped = lines["shipped"][line]
    cancelled = orders["cancelled"][lines["order"][line]]
    start = world.world_start
    size = world.on_hand.size
    cell = component * len(world.locations) + location

    def total(mask: np.ndarray) -> np.ndarray:
        return np.bincount(cell[mask], weights=moved[mask], minlength=size).astype(np.int64)

    shipped_since_start = total((shipped > start) & (shipped <= now))
    restocks = world.restocks
    arrived = (restocks["arrives"] > start) & (restocks["arrives"] <= now)
    restock_cell = (
        restocks["sku"][arrived].astype(np.int64) * len(world.locations)
        + restocks["location"][arrived]
    )
    restocked = np.bincount(
        restock_cell, weights=restocks["quantity"][arrived], minlength=size
    ).astype(np.int64)
    adjusted = np.zeros(size, np.int64)
    for sku, location, change, at in world.adjustments:
        if start < at <= now:
            adjusted[sku * len(world.locations) + location] += change
    on_hand = world.initial_on_hand.reshape(-1) + restocked + adjusted - shipped_since_start
    committed = total((created <= now) & (shipped > now) & (cancelled > now))
    shape = world.on_hand.shape
    return on_hand.reshape(shape), committed.reshape(shape)
