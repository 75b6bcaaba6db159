"""What an order notification means for stock: the units the order holds now, per component.

The same rule as fct_stock_commitments: an order whose unified status (realtime.statuses)
holds stock commits its merchant-fulfilled lines' units, bundles as their components; any
other order commits nothing. Lines come from the notification, or, when it carries none
(TikTok), from the lines the build knows; an order neither shows is left to the next
refresh.
"""

from __future__ import annotations

from collections import Counter

from channels.webhooks import OrderUpdate
from realtime.statuses import HOLDING_STATUSES, unified_status
from realtime.stock_book import StockBook


class UnresolvedOrderError(LookupError):
    """The notification does not say enough to know the order's units (the refresh will)."""


class LinesNeededError(UnresolvedOrderError):
    """A notification without lines for an order the build has not seen: its lines must be
    fetched from the channel (TikTok's Get Order Detail) before it can be counted."""


def component_units(book: StockBook, held: dict[str, int]) -> dict[str, int]:
    """Component SKU -> units an order holding `held` (held_skus) takes from the warehouse."""
    units: Counter[str] = Counter()
    for sku, quantity in held.items():
        for component, per_unit in book.components_of(sku).items():
            units[component] += quantity * per_unit
    return dict(units)


def held_skus(book: StockBook, update: OrderUpdate) -> dict[str, int]:
    """SKU (as the lines name it, a bundle as itself) -> units the order holds now: what the
    channel took off those listings when it sold them (empty: it holds none)."""
    status = unified_status(update.channel, update.status_fields)
    if status is None:
        raise UnresolvedOrderError(
            f"{update.channel} order {update.order_id}: status {update.status_fields} is not "
            f"in order_status_map"
        )
    if status not in HOLDING_STATUSES or update.fulfilled_by != "merchant":
        return {}
    skus: Counter[str] = Counter()
    if update.lines is not None:
        for line in update.lines:
            sku = book.sku_of(update.channel, update.store_id, line.seller_sku)
            if sku is not None:  # an unmapped line holds nothing, as in the marts
                skus[sku] += line.quantity
    else:
        known = book.known_lines(update.channel, update.store_id, update.order_id)
        if known is None:
            raise LinesNeededError(
                f"{update.channel} order {update.order_id}: the notification has no lines "
                f"and the last build has not seen the order"
            )
        skus.update(known)
    return dict(skus)
