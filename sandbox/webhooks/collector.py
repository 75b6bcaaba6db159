"""From world changes to channel events: the world's listener while anyone subscribes.

The world announces changes in its own terms (orders, lines, listings, stock cells); this asks
each subscribed channel what they mean to it, in world-time order. Scheduled events come in
vectorised batches: one notification per order per moment (two lines shipping together are one
change), and one per stock cell per moment.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sandbox.webhooks.channel import ChannelWebhooks
from sandbox.webhooks.model import Draft
from sandbox.world.events import CANCEL, ORDER_EVENTS, RESTOCK, SHIP
from sandbox.world.state import World

WAREHOUSE = "warehouse"
Emit = Callable[[str, list[Draft]], None]


class Collector:
    def __init__(
        self,
        world: World,
        channels: dict[str, ChannelWebhooks],
        wanted: Callable[[str], frozenset[str]],
        emit: Emit,
        wake: Callable[[], None],
    ) -> None:
        self.world = world
        self.channels = channels
        self.wanted = wanted
        self.emit = emit
        self.wake = wake
        self.channel_of_storefront = [s.channel for s in world.storefronts]

    def _subscribed(self, channel: str) -> frozenset[str]:
        return self.wanted(channel) if channel in self.channels else frozenset()

    def _storefronts_wanted(self) -> np.ndarray:
        return np.array(
            [i for i, c in enumerate(self.channel_of_storefront) if self._subscribed(c)], np.int64
        )

    # ---- WorldListener -------------------------------------------------------------------

    def order_placed(self, order: int, at: int) -> None:
        channel = self.channel_of_storefront[int(self.world.orders["storefront"][order])]
        wanted = self._subscribed(channel)
        if wanted:
            self.emit(channel, self.channels[channel].order_created(order, at, wanted))

    def listing_changed(self, listing: int, at: int, cause: str) -> None:
        channel = self.channel_of_storefront[int(self.world.listings.storefront[listing])]
        wanted = self._subscribed(channel)
        if wanted:
            self.emit(channel, self.channels[channel].listing_changed(listing, at, wanted))

    def stock_counted(self, sku: int, location: int, change: int, at: int) -> None:
        wanted = self._subscribed(WAREHOUSE)
        if wanted:
            self.emit(WAREHOUSE, self.channels[WAREHOUSE].stock_changed(sku, location, at, wanted))

    def advanced_to(self, until: int) -> None:
        self.wake()

    def events_applied(self, times: np.ndarray, kinds: np.ndarray, refs: np.ndarray) -> None:
        storefronts = self._storefronts_wanted()
        if len(storefronts):
            self._orders_changed(times, kinds, refs, storefronts)
        wanted = self._subscribed(WAREHOUSE)
        if wanted:
            self._stock_changed(times, kinds, refs, wanted)

    # ---- batches -------------------------------------------------------------------------

    def _orders_changed(
        self, times: np.ndarray, kinds: np.ndarray, refs: np.ndarray, storefronts: np.ndarray
    ) -> None:
        world = self.world
        about_orders = np.isin(kinds, ORDER_EVENTS) | (kinds == SHIP)
        times, kinds, refs = times[about_orders], kinds[about_orders], refs[about_orders]
        orders = refs.copy()
        shipped = kinds == SHIP
        orders[shipped] = world.lines["order"][refs[shipped]]
        mine = np.isin(world.orders["storefront"][orders], storefronts)
        changes: dict[tuple[int, int], bool] = {}  # (time, order) -> cancelled then
        for at, order, kind in zip(
            times[mine].tolist(), orders[mine].tolist(), kinds[mine].tolist(), strict=True
        ):
            changes[(at, order)] = changes.get((at, order), False) or kind == CANCEL
        for (at, order), cancelled in sorted(changes.items()):
            channel = self.channel_of_storefront[int(world.orders["storefront"][order])]
            drafts = self.channels[channel].order_changed(
                order, at, cancelled, self._subscribed(channel)
            )
            self.emit(channel, drafts)

    def _stock_changed(
        self, times: np.ndarray, kinds: np.ndarray, refs: np.ndarray, wanted: frozenset[str]
    ) -> None:
        """Shipments take stock out, receipts bring it in: one event per cell per moment."""
        world = self.world
        lines = refs[kinds == SHIP]
        ship_times = times[kinds == SHIP]
        location = world.lines["location"][lines].astype(np.int64)
        merchant = location >= 0
        row, component, _ = world.components.expand(
            world.listings.sku[world.lines["listing"][lines[merchant]]]
        )
        cells = {
            (at, sku, loc)
            for at, sku, loc in zip(
                ship_times[merchant][row].tolist(),
                component.tolist(),
                location[merchant][row].tolist(),
                strict=True,
            )
        }
        received = refs[kinds == RESTOCK]
        cells.update(
            zip(
                times[kinds == RESTOCK].tolist(),
                world.restocks["sku"][received].tolist(),
                world.restocks["location"][received].tolist(),
                strict=True,
            )
        )
        channel = self.channels[WAREHOUSE]
        for at, sku, loc in sorted(cells):
            self.emit(WAREHOUSE, channel.stock_changed(int(sku), int(loc), at, wanted))
