"""Live demand: shoppers arrive, channels accept what they display, oversells are counted.

Arrivals are drawn per storefront per minute of world time from a generator seeded by
(seed, storefront, minute), so the same seed and the same clock give the same shoppers no
matter how often the sandbox is polled. Whether a shopper's order is *accepted* depends on
what the channel displays at that instant, which is exactly what stock pushes change.

A channel accepts a line only while its displayed quantity covers it, then decrements that
quantity. If the warehouse's true available (on hand minus committed, every location) no
longer covers the accepted units, that is an oversell: it is recorded, and the merchant
cancels the order a few hours later, as merchants do.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from sandbox.world import orders as order_model
from sandbox.world.columns import NEVER
from sandbox.world.events import RESTOCK, EventQueue, apply_events, schedule_order
from sandbox.world.listings import MARKETPLACE
from sandbox.world.signals import SALE
from sandbox.world.state import World

BUCKET_SECONDS = 60


@dataclass
class Arrival:
    time: int
    storefront: int
    person: int
    fulfilled_by: int
    listings: np.ndarray
    quantities: np.ndarray


@dataclass
class DemandCounters:
    """What live shoppers asked for, what the channels sold, and what they turned away.

    `rejected_units_in_stock` is the part of the rejected demand the brand could have served:
    the channel showed too little while the warehouse's true available covered the line (the
    stock a too-cautious or stale channel quantity leaves unsold).
    """

    rejected_lines: int = 0
    rejected_units: int = 0
    rejected_units_in_stock: int = 0
    accepted_orders: int = 0
    accepted_units: int = 0


class LiveEngine:
    """Advances the world to a moment: events in time order, arrivals interleaved."""

    def __init__(self, world: World, queue: EventQueue) -> None:
        self.world = world
        self.queue = queue
        self.pending: deque[Arrival] = deque()
        self.generated_until = world.processed_until - world.processed_until % BUCKET_SECONDS
        self.counters = DemandCounters()

    def advance_to(self, until: int) -> None:
        world = self.world
        if until <= world.processed_until:
            return
        if world.live.enabled:
            self._generate_buckets(until)
        while self.pending and self.pending[0].time <= until:
            arrival = self.pending.popleft()
            if arrival.time <= world.processed_until:
                continue
            self._apply(*self.queue.take_until(arrival.time))
            self._place(arrival)
        self._apply(*self.queue.take_until(until))
        world.processed_until = until
        world.touch()
        if world.listener is not None:
            world.listener.advanced_to(until)

    def _apply(self, times: np.ndarray, kinds: np.ndarray, refs: np.ndarray) -> None:
        apply_events(self.world, times, kinds, refs)
        if len(times) and self.world.listener is not None:
            self.world.listener.events_applied(times, kinds, refs)

    def restock(self, sku: int, location: int, quantity: int, arrives: int) -> int:
        """Schedule a purchase order arriving at the warehouse (injected by a scenario)."""
        rows = self.world.restocks.append(
            {"sku": [sku], "location": [location], "quantity": [quantity], "arrives": [arrives]}
        )
        self.queue.push(arrives, RESTOCK, rows.start)
        return rows.start

    def count_stock(self, sku: int, location: int, on_hand: int, now: int) -> int:
        """A cycle count: the warehouse finds `on_hand` units of a SKU at a location and books
        the difference as an adjustment (injected by a scenario). Returns the change."""
        world = self.world
        change = on_hand - int(world.on_hand[sku, location])
        world.on_hand[sku, location] = on_hand
        world.stock_updated[sku, location] = now
        world.adjustments.append((sku, location, change, now))
        world.touch()
        if change and world.listener is not None:
            world.listener.stock_counted(sku, location, change, now)
        return change

    # ---- arrivals --------------------------------------------------------------------------

    def _generate_buckets(self, until: int) -> None:
        world = self.world
        while self.generated_until < until:
            start = self.generated_until
            batch: list[Arrival] = []
            for storefront, rate in sorted(world.live.orders_per_hour.items()):
                batch.extend(self._draw_bucket(storefront, rate, start))
            batch.sort(key=lambda a: (a.time, a.storefront))
            self.pending.extend(batch)
            self.generated_until = start + BUCKET_SECONDS

    def _draw_bucket(self, storefront: int, rate: float, start: int) -> list[Arrival]:
        world = self.world
        rng = np.random.default_rng([world.seed, 7, storefront, start // BUCKET_SECONDS])
        count = int(rng.poisson(rate * BUCKET_SECONDS / 3600))
        if count == 0:
            return []
        times = start + np.sort(rng.integers(1, BUCKET_SECONDS + 1, count))
        demand = world.demand(storefront)
        people = demand.shoppers.sample(rng, count)
        line_counts = order_model.draft_line_counts(rng, count)
        fulfilled_by = order_model.draft_fulfilment(rng, demand, count)
        lines = order_model.draft_lines(rng, demand, line_counts, fulfilled_by)
        bounds = np.searchsorted(lines.order, np.arange(count + 1))
        return [
            Arrival(
                time=int(times[i]),
                storefront=storefront,
                person=int(people[i]),
                fulfilled_by=int(fulfilled_by[i]),
                listings=lines.listing[bounds[i] : bounds[i + 1]],
                quantities=lines.quantity[bounds[i] : bounds[i + 1]],
            )
            for i in range(count)
        ]

    # ---- one order -------------------------------------------------------------------------

    def _place(self, arrival: Arrival) -> None:
        world = self.world
        accepted: list[tuple[int, int]] = []
        for listing, quantity in zip(
            arrival.listings.tolist(), arrival.quantities.tolist(), strict=True
        ):
            if world.displayed[listing] >= quantity:
                world.displayed[listing] -= quantity
                world.listing_updated[listing] = arrival.time
                accepted.append((listing, quantity))
            else:
                self.counters.rejected_lines += 1
                self.counters.rejected_units += quantity
                if self._warehouse_covers(listing, quantity):
                    self.counters.rejected_units_in_stock += quantity
        if not accepted:
            return
        order = len(world.orders)
        placed: list[tuple[int, int, int, int]] = []  # listing, quantity, location, oversold
        for listing, quantity in accepted:
            if world.listings.fulfilled_by[listing] == MARKETPLACE:
                placed.append((listing, quantity, -1, 0))
                continue
            sku = world.listing_sku(listing)
            oversold = quantity - max(world.available(sku), 0)
            location = self._choose_location(arrival.storefront, sku, quantity)
            for component, units in world.components.of(sku):
                world.committed[component, location] += quantity * units
            placed.append((listing, quantity, location, max(oversold, 0)))
        self._append(order, arrival, placed)
        if world.listener is not None:
            world.listener.order_placed(order, arrival.time)
            for listing, _ in accepted:
                world.listener.listing_changed(listing, arrival.time, SALE)

    def _warehouse_covers(self, listing: int, quantity: int) -> bool:
        """The brand's own stock could have served this line (marketplace stock is not ours)."""
        world = self.world
        if world.listings.fulfilled_by[listing] == MARKETPLACE:
            return False
        return world.available(world.listing_sku(listing)) >= quantity

    def _choose_location(self, storefront: int, sku: int, quantity: int) -> int:
        world = self.world
        home = world.storefronts[storefront].home_location
        if world.available_at(sku, home) >= quantity:
            return home
        free = [world.available_at(sku, location) for location in range(len(world.locations))]
        return int(np.argmax(free))

    def _append(
        self, order: int, arrival: Arrival, placed: list[tuple[int, int, int, int]]
    ) -> None:
        world = self.world
        storefront = world.storefronts[arrival.storefront]
        rng = np.random.default_rng([world.seed, 11, arrival.storefront, order])
        listing = np.array([p[0] for p in placed], np.int64)
        quantity = np.array([p[1] for p in placed], np.int16)
        lines = order_model.DraftLines(np.zeros(len(placed), np.int64), listing, quantity)
        unit, discount, tax, shipping, has_discount = order_model.draft_prices(
            rng, world.catalog, world.listings, storefront, lines, 1
        )
        created = np.array([arrival.time], np.int64)
        timeline = order_model.draft_timeline(
            rng, storefront, created, np.array([arrival.fulfilled_by]), lines, quantity
        )
        oversold_units = sum(p[3] for p in placed)
        if oversold_units:
            timeline.cancelled[0] = arrival.time + world.live.inventory_cancel_delay_s
            timeline.cancel_reason[0] = order_model.INVENTORY_CANCEL
            timeline.shipped[:] = NEVER
            timeline.delivered[0] = NEVER
            timeline.refunded[0] = NEVER
            timeline.refund_quantity[:] = 0
        sequence = len(world.orders_of(arrival.storefront))
        world.orders.append(
            {
                "storefront": [arrival.storefront],
                "seq": [sequence],
                "person": [arrival.person],
                "created": created,
                **timeline.order_columns(),
                "fulfilled_by": [arrival.fulfilled_by],
                "line_start": [len(world.lines)],
                "line_count": [len(placed)],
                "shipping_cents": shipping,
                "has_discount": has_discount,
                "updated": created,
                "oversold_units": [oversold_units],
            }
        )
        world.lines.append(
            {
                "order": np.full(len(placed), order),
                "listing": listing,
                "quantity": quantity,
                "unit_price_cents": unit,
                "discount_cents": discount,
                "tax_cents": tax,
                **timeline.line_columns(),
                "location": [p[2] for p in placed],
            }
        )
        world.register_order(arrival.storefront, order)
        np.add.at(world.committed_by_listing, listing, quantity.astype(np.int64))
        for line_listing, _quantity, _location, oversold in placed:
            if oversold:
                world.oversells.append(
                    {
                        "time": [arrival.time],
                        "storefront": [arrival.storefront],
                        "order": [order],
                        "listing": [line_listing],
                        "sku": [world.listing_sku(line_listing)],
                        "units": [oversold],
                    }
                )
        schedule_order(self.queue, world, order)
        self.counters.accepted_orders += 1
        self.counters.accepted_units += int(quantity.sum())
        world.touch()  # views cached by version (customers, orders) must see the new order
