"""The world's state: what exists, what happened, and what each channel currently shows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sandbox.clock import SimClock
from sandbox.world.catalog import Catalog
from sandbox.world.columns import NEVER, Columns
from sandbox.world.demand import StorefrontDemand, storefront_demand
from sandbox.world.listings import Listings
from sandbox.world.people import People
from sandbox.world.signals import WRITE, WorldListener
from sandbox.world.spec import Scale, Storefront, WarehouseLocation
from sandbox.world.stock import ComponentTable

OVERSELL_COLUMNS: dict[str, type] = {
    "time": np.int64,
    "storefront": np.int16,
    "order": np.int32,
    "listing": np.int32,
    "sku": np.int32,
    "units": np.int32,
}


@dataclass
class LiveSettings:
    """How live demand behaves; changed at run time through `/_sandbox/live`."""

    enabled: bool = False
    orders_per_hour: dict[int, float] = field(default_factory=dict)  # by storefront index
    sku_boost: dict[int, dict[int, float]] = field(default_factory=dict)  # storefront -> sku -> x
    inventory_cancel_delay_s: int = 4 * 3600


@dataclass
class World:
    seed: int
    scale: Scale
    storefronts: list[Storefront]
    locations: list[WarehouseLocation]
    clock: SimClock
    catalog: Catalog
    people: People
    listings: Listings
    components: ComponentTable
    orders: Columns
    lines: Columns
    restocks: Columns
    oversells: Columns
    on_hand: np.ndarray  # int64 [sku, location]
    committed: np.ndarray  # int64 [sku, location]
    stock_updated: np.ndarray  # int64 [sku, location] last time on hand changed
    committed_by_listing: np.ndarray  # int64 units on open, unshipped lines per listing
    displayed: np.ndarray  # int64 quantity each listing shows its shoppers
    listing_updated: np.ndarray  # int64 last time a listing's quantity changed
    live: LiveSettings
    history_start: int
    world_start: int
    processed_until: int
    version: int = 0  # bumped on every change; lets readers cache derived views
    initial_on_hand: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    # Every quantity a channel's stock-write API set: (listing, quantity, world time). The
    # truth behind "no listing receives two different values" in push tests.
    stock_writes: list[tuple[int, int, int]] = field(default_factory=list)
    # Stock adjustments the warehouse booked (cycle counts, write-offs): (sku, location,
    # change in on hand, world time). Part of the stock history, like shipments and restocks.
    adjustments: list[tuple[int, int, int, int]] = field(default_factory=list)
    # Told about every change a channel would notify about; None while nobody listens.
    listener: WorldListener | None = None
    _by_storefront: list[Columns] = field(default_factory=list)
    _demand: dict[int, StorefrontDemand] = field(default_factory=dict)

    # ---- lookups -------------------------------------------------------------------------

    def storefront_index(self, key: str) -> int:
        for index, storefront in enumerate(self.storefronts):
            if storefront.key == key:
                return index
        raise KeyError(f"no storefront {key!r}; have {[s.key for s in self.storefronts]}")

    def storefronts_of(self, channel: str) -> list[int]:
        return [i for i, s in enumerate(self.storefronts) if s.channel == channel]

    def index_orders(self) -> None:
        """(Re)build each storefront's list of orders after a bulk load."""
        self._by_storefront = [
            Columns.from_arrays({"order": np.flatnonzero(self.orders["storefront"] == index)})
            for index in range(len(self.storefronts))
        ]

    def register_order(self, storefront: int, order: int) -> None:
        self._by_storefront[storefront].append({"order": [order]})

    def orders_of(self, storefront: int) -> np.ndarray:
        """Global order indices of one storefront, in placement order (= `seq` order)."""
        return self._by_storefront[storefront]["order"]

    def order_lines(self, order: int) -> range:
        start = int(self.orders["line_start"][order])
        return range(start, start + int(self.orders["line_count"][order]))

    def listing_sku(self, listing: int) -> int:
        return int(self.listings.sku[listing])

    def demand(self, storefront: int) -> StorefrontDemand:
        """Who buys what on a storefront right now (cached; reset when a boost changes)."""
        if storefront not in self._demand:
            self._demand[storefront] = storefront_demand(
                self.catalog,
                self.listings,
                self.people,
                storefront,
                self.storefronts[storefront],
                self.live.sku_boost.get(storefront),
            )
        return self._demand[storefront]

    def set_sku_boost(
        self, storefront: int, boost: dict[int, float], keep_other_demand: bool = False
    ) -> None:
        """Multiply demand for some SKUs on one storefront (a flash sale).

        A boost reweights which listings shoppers pick. With `keep_other_demand`, the
        storefront's arrival rate rises too, so the boosted SKUs sell `factor` times as fast
        while every other SKU keeps its rate: what a sale on a few SKUs does to a shop.
        """
        if keep_other_demand:
            rate = self.live.orders_per_hour.get(storefront, 0.0)
            self.live.orders_per_hour[storefront] = rate * self._boost_rate_factor(
                storefront, boost
            )
        self.live.sku_boost[storefront] = boost
        self._demand.pop(storefront, None)

    def _boost_rate_factor(self, storefront: int, boost: dict[int, float]) -> float:
        """1 + sum over boosted SKUs of (factor - 1) x their share of the storefront's demand."""
        own = self.listings.of_storefront(storefront)
        skus = self.listings.sku[own]
        weight = self.catalog.sku_popularity[skus].astype(np.float64)
        total = float(weight.sum())
        if total == 0:
            return 1.0
        extra = sum(
            (factor - 1.0) * float(weight[skus == sku].sum()) / total
            for sku, factor in boost.items()
        )
        return 1.0 + extra

    # ---- derived per-order facts at a moment -----------------------------------------------

    def last_shipment_at(self, orders: np.ndarray, now: int) -> np.ndarray:
        """Latest line shipment that has happened by `now`, per order (NEVER if none)."""
        starts = self.orders["line_start"][orders]
        counts = self.orders["line_count"][orders].astype(np.int64)
        line_index = np.repeat(starts, counts) + (
            np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        )
        shipped = self.lines["shipped"][line_index]
        happened = np.where(shipped <= now, shipped, -1)
        result = np.full(len(orders), -1, np.int64)
        if len(line_index):
            group_starts = np.cumsum(counts) - counts
            nonempty = counts > 0
            result[nonempty] = np.maximum.reduceat(happened, group_starts[nonempty])
        return np.where(result < 0, NEVER, result)

    # ---- stock --------------------------------------------------------------------------

    def available(self, sku: int) -> int:
        """True available to sell: warehouse on hand minus committed, over every location.

        For a bundle: how many complete kits its components allow. Negative means oversold.
        """
        return min(
            int(self.on_hand[component].sum() - self.committed[component].sum()) // units
            for component, units in self.components.of(sku)
        )

    def available_at(self, sku: int, location: int) -> int:
        return min(
            int(self.on_hand[component, location] - self.committed[component, location]) // units
            for component, units in self.components.of(sku)
        )

    def set_displayed(self, listing: int, quantity: int, now: int) -> bool:
        """A stock write through a channel's API: the listing now shows `quantity`. Logged;
        True when the quantity changed."""
        changed = int(self.displayed[listing]) != quantity
        self.displayed[listing] = quantity
        self.listing_updated[listing] = now
        self.stock_writes.append((listing, quantity, now))
        self.touch()
        if changed and self.listener is not None:
            self.listener.listing_changed(listing, now, WRITE)
        return changed

    def touch(self) -> None:
        self.version += 1
