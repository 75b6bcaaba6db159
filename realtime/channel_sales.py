"""The units each channel took off its own listings for sales the reactor has counted.

A marketplace lowers a listing's displayed quantity itself the moment it sells from it. The
reactor counts the same sale from the order's event and lowers every target of the SKU. When
it then sets the sold listing, the figure it believes the listing shows (`previous`, the
compare-and-set base Shopify checks) must already be lowered by that sale, or the channel
refuses the write as stale and the conflict rule (reverse_etl.writers.replan) takes the sale
off a second time: a listing left showing fewer units than the warehouse has.

So each order the reactor first sees holding stock is noted here with the units of each SKU
its lines name (bundles as bundles: the channel lowers the bundle's listing, not its
components'). What a listing shows "now" is then its last known figure less the units sold
from it after that figure was known: for a figure the channel said (`inventory_levels/update`,
our writes' echoes among them) or one we wrote, the sales whose event time is later; for the
figure the build read, the sales of orders the build does not know. Event times are on the
channel's clock, and a write's time on the push's (the sandbox's clock in a sandbox, the real
one otherwise, which the marketplaces keep too).

The rules lean towards counting a sale the figure already holds (a tie in time counts; a
write's time starts a little before the write): the write is then refused as stale with the
channel showing *more* than believed, which the conflict rule resolves without taking
anything off. Counting too few is the error that costs units.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

OrderKey = tuple[str, str, str]  # (channel, store_id, order_id)
# A sale older than this (by its event time, against the newest) is no figure's concern: every
# listing that sold has been said or written since, and the builds have read the orders.
HORIZON = timedelta(hours=24)
ListingSku = tuple[str, str, str]  # (channel, store_id, sku)


@dataclass(frozen=True)
class Sale:
    order: OrderKey
    sku: str
    units: int
    at: datetime  # the order's event time, on the channel's clock (naive UTC)
    seq: int  # when the reactor counted it, in its own order of events (for forgetting)


@dataclass(frozen=True)
class ShownSince:
    """Who last said what a listing shows, and so which sales it cannot hold yet."""

    at: datetime | None = None  # the channel said it, or we wrote it, at this time (naive UTC)
    known_orders: Collection[OrderKey] | None = None  # the build read it, knowing these


class ChannelSales:
    def __init__(self) -> None:
        self.seq = 0
        self._sales: dict[ListingSku, list[Sale]] = {}
        self._seen: set[OrderKey] = set()
        self._kept_from = 0  # sales counted before this seq are forgotten

    def note_order(
        self, order: OrderKey, at: datetime, units_by_sku: Mapping[str, int], *, built: bool
    ) -> None:
        """An order the reactor counts: its SKUs' units, the first time it holds any, unless
        the build already knows the order (its sale is in every figure since)."""
        self.seq += 1
        if built or order in self._seen or not any(units_by_sku.values()):
            return
        self._seen.add(order)
        channel, store_id, _ = order
        for sku, units in units_by_sku.items():
            if units:
                sale = Sale(order, sku, units, at, self.seq)
                self._sales.setdefault((channel, store_id, sku), []).append(sale)

    def sold_since(self, listing: ListingSku, since: ShownSince) -> int:
        """Units sold from the listing's SKU on its storefront that `since`'s figure lacks."""
        total = 0
        for sale in self._sales.get(listing, ()):
            if since.at is not None:  # a tie counts: a figure stamped in the sale's second
                counts = sale.at >= since.at  # may lack it (costing a stale compare at most)
            else:
                counts = since.known_orders is None or sale.order not in since.known_orders
            total += sale.units if counts else 0
        return total

    def forget(self, built_orders: Collection[OrderKey]) -> None:
        """A new build: forget the sales of orders it knows that were counted before the
        build before it, and any sale older than HORIZON. A figure a push starts from is the
        build's (which holds its orders' sales), or one the channel said or we wrote since
        the build before; a sale the builds do not know yet is kept, however many builds
        come (a stock-only build every minute reads no orders)."""
        kept_from, self._kept_from = self._kept_from, self.seq
        newest = max((s.at for sales in self._sales.values() for s in sales), default=None)
        for listing, sales in list(self._sales.items()):
            kept = [
                sale
                for sale in sales
                if (sale.seq > kept_from or sale.order not in built_orders)
                and (newest is None or newest - sale.at <= HORIZON)
            ]
            if kept:
                self._sales[listing] = kept
            else:
                del self._sales[listing]
        self._seen = {sale.order for sales in self._sales.values() for sale in sales}
