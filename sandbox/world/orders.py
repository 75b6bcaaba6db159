"""Orders and their lines: columns, pricing and the timeline every order follows.

An order's life is a timeline fixed when it is placed: paid, lines shipped (possibly in two
shipments), delivered, or cancelled, sometimes refunded. Its status at any moment is a pure
function of that timeline and the clock, so advancing the clock moves statuses and
`updated_at` exactly as a real channel's would, and a test can compute what changed.

The same vectorised functions draft historical orders and live arrivals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.world.catalog import Catalog
from sandbox.world.columns import NEVER
from sandbox.world.demand import StorefrontDemand
from sandbox.world.listings import MARKETPLACE, Listings
from sandbox.world.spec import DAY, HOUR, Storefront

ORDER_COLUMNS: dict[str, type] = {
    "storefront": np.int16,
    "seq": np.int32,  # 0-based order number within its storefront, in placement order
    "person": np.int32,
    "created": np.int64,
    "paid": np.int64,
    "cancelled": np.int64,
    "delivered": np.int64,
    "refunded": np.int64,
    "cancel_reason": np.int8,
    "fulfilled_by": np.int8,
    "line_start": np.int64,
    "line_count": np.int16,
    "shipping_cents": np.int32,
    "has_discount": np.int8,
    "refund_full": np.int8,
    "updated": np.int64,  # last event at or before the world's current time
    "oversold_units": np.int32,
}

LINE_COLUMNS: dict[str, type] = {
    "order": np.int32,
    "listing": np.int32,
    "quantity": np.int16,
    "unit_price_cents": np.int32,
    "discount_cents": np.int32,
    "tax_cents": np.int32,
    "shipped": np.int64,
    "refund_quantity": np.int16,  # units refunded when the order's refund event happens
    "location": np.int8,  # warehouse location shipping it; -1 when the marketplace ships
}

NO_REASON, CUSTOMER_CANCEL, UNPAID_CANCEL, INVENTORY_CANCEL = 0, 1, 2, 3
CANCEL_REASONS = ("", "customer", "unpaid", "inventory")

LINE_COUNT_CHOICES = np.array([1, 2, 3, 4, 5])
LINE_COUNT_WEIGHTS = np.array([0.62, 0.24, 0.09, 0.03, 0.02])
QUANTITY_CHOICES = np.array([1, 2, 3, 4, 5, 6])
QUANTITY_WEIGHTS = np.array([0.82, 0.12, 0.04, 0.01, 0.006, 0.004])
COMPLETION_DELAY = 3 * DAY  # delivered orders count as completed (TikTok COMPLETED) after this
FREE_SHIPPING_CENTS = 5_000
SHIPPING_CENTS = 599
DISCOUNT_SHARE = 0.15
DISCOUNT_RATE = 0.10


@dataclass
class DraftLines:
    """Lines of a batch of drafted orders, grouped by order (`order` is 0..n-1 in the batch)."""

    order: np.ndarray
    listing: np.ndarray
    quantity: np.ndarray


def draft_line_counts(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.choice(LINE_COUNT_CHOICES, size=count, p=LINE_COUNT_WEIGHTS).astype(np.int16)


def draft_fulfilment(rng: np.random.Generator, demand: StorefrontDemand, count: int) -> np.ndarray:
    """Marketplace-fulfilled or merchant-fulfilled per order, in proportion to demand.

    A marketplace splits mixed carts into separate orders, so every order is one or the other.
    """
    return (rng.random(count) < demand.marketplace_share).astype(np.int8)


def draft_lines(
    rng: np.random.Generator,
    demand: StorefrontDemand,
    line_counts: np.ndarray,
    fulfilled_by: np.ndarray,
) -> DraftLines:
    """Pick distinct listings for each order's lines, weighted by demand.

    `line_counts` is clipped in place where a pool has fewer listings than an order wants.
    """
    orders_out: list[np.ndarray] = []
    listings_out: list[np.ndarray] = []
    for kind, pool in demand.listings_by_fulfilment.items():
        members = np.flatnonzero(fulfilled_by == kind)
        if len(members) == 0:
            continue
        counts = np.minimum(line_counts[members], len(pool)).astype(np.int64)
        line_counts[members] = counts
        order_of_line = np.repeat(members, counts)
        choice = pool.positions(rng, len(order_of_line))
        _make_distinct_within_orders(rng, order_of_line, choice, len(pool))
        orders_out.append(order_of_line)
        listings_out.append(pool.items[choice])
    unserved = ~np.isin(fulfilled_by, list(demand.listings_by_fulfilment))
    if unserved.any():
        raise ValueError(
            "orders drafted for a fulfilment kind with no listings: "
            f"{set(fulfilled_by[unserved].tolist())}"
        )
    order = np.concatenate(orders_out) if orders_out else np.zeros(0, np.int64)
    listing = np.concatenate(listings_out) if listings_out else np.zeros(0, np.int64)
    by_order = np.argsort(order, kind="stable")
    quantity = rng.choice(QUANTITY_CHOICES, size=len(order), p=QUANTITY_WEIGHTS)
    return DraftLines(order[by_order], listing[by_order], quantity.astype(np.int16))


def _make_distinct_within_orders(
    rng: np.random.Generator, order_of_line: np.ndarray, choice: np.ndarray, pool_size: int
) -> None:
    """Re-draw the rare repeated listing within one order (in place; lines grouped by order)."""
    key = order_of_line.astype(np.int64) * pool_size + choice
    by_key = np.argsort(key, kind="stable")
    repeats = by_key[1:][key[by_key][1:] == key[by_key][:-1]]
    for order in np.unique(order_of_line[repeats]).tolist():
        first = int(np.searchsorted(order_of_line, order))
        last = int(np.searchsorted(order_of_line, order, side="right"))
        members = np.arange(first, last)
        taken: set[int] = set()
        for line in members.tolist():
            while int(choice[line]) in taken:
                choice[line] = rng.integers(0, pool_size)
            taken.add(int(choice[line]))


def price_point(cents: np.ndarray) -> np.ndarray:
    """Round to a .99 price point, as shops price."""
    return np.maximum(np.round(cents / 100) * 100 - 1, 99).astype(np.int64)


def list_price(catalog: Catalog, sku: int, storefront: Storefront) -> int:
    """A SKU's unit price on a storefront, in the storefront's currency (cents)."""
    return int(price_point(np.array([catalog.sku_price_cents[sku] * storefront.price_factor]))[0])


def draft_prices(
    rng: np.random.Generator,
    catalog: Catalog,
    listings: Listings,
    storefront: Storefront,
    lines: DraftLines,
    order_count: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit price, discount and tax per line; shipping and discount flag per order (cents)."""
    unit = price_point(
        catalog.sku_price_cents[listings.sku[lines.listing]] * storefront.price_factor
    )
    has_discount = (rng.random(order_count) < DISCOUNT_SHARE).astype(np.int8)
    gross = unit * lines.quantity
    discount = np.where(has_discount[lines.order] == 1, gross * DISCOUNT_RATE, 0).astype(np.int64)
    net = gross - discount
    if storefront.taxes_included:
        tax = net - np.round(net / (1 + storefront.tax_rate)).astype(np.int64)
    else:
        tax = np.round(net * storefront.tax_rate).astype(np.int64)
    subtotal = np.bincount(lines.order, weights=net, minlength=order_count)
    shipping = np.where(subtotal >= FREE_SHIPPING_CENTS, 0, SHIPPING_CENTS).astype(np.int64)
    return unit, discount, tax, shipping, has_discount


@dataclass
class Timeline:
    paid: np.ndarray
    cancelled: np.ndarray
    cancel_reason: np.ndarray
    shipped: np.ndarray  # per line
    delivered: np.ndarray
    refunded: np.ndarray
    refund_full: np.ndarray
    refund_quantity: np.ndarray  # per line

    def order_columns(self) -> dict[str, np.ndarray]:
        """The order columns this timeline fills."""
        return {
            "paid": self.paid,
            "cancelled": self.cancelled,
            "delivered": self.delivered,
            "refunded": self.refunded,
            "cancel_reason": self.cancel_reason,
            "refund_full": self.refund_full,
        }

    def line_columns(self) -> dict[str, np.ndarray]:
        """The line columns this timeline fills."""
        return {"shipped": self.shipped, "refund_quantity": self.refund_quantity}


def draft_timeline(
    rng: np.random.Generator,
    storefront: Storefront,
    created: np.ndarray,
    fulfilled_by: np.ndarray,
    lines: DraftLines,
    quantity: np.ndarray,
) -> Timeline:
    """Schedule every future event of a batch of orders placed at `created`."""
    count = len(created)
    paid = created + rng.integers(20, max(storefront.payment_delay_max_s, 21), count)
    cancel_roll = rng.random(count)
    cancelled = np.full(count, NEVER, np.int64)
    cancel_reason = np.zeros(count, np.int8)
    unpaid = cancel_roll < storefront.cancel_share * 0.3
    customer = (cancel_roll >= storefront.cancel_share * 0.3) & (
        cancel_roll < storefront.cancel_share
    )
    cancelled[unpaid] = created[unpaid] + rng.integers(2 * HOUR, 24 * HOUR, int(unpaid.sum()))
    paid[unpaid] = NEVER
    cancelled[customer] = paid[customer] + rng.integers(10 * 60, 20 * HOUR, int(customer.sum()))
    cancel_reason[unpaid] = UNPAID_CANCEL
    cancel_reason[customer] = CUSTOMER_CANCEL
    is_cancelled = unpaid | customer

    handling = np.where(
        fulfilled_by == MARKETPLACE,
        rng.integers(2 * HOUR, 30 * HOUR, count),
        rng.integers(6 * HOUR, 60 * HOUR, count),
    )
    first_shipment = np.where(paid == NEVER, created, paid) + handling
    line_counts = np.bincount(lines.order, minlength=count)
    split = (rng.random(count) < storefront.partial_share) & (line_counts > 1)
    second_shipment = first_shipment + rng.integers(1 * DAY, 6 * DAY, count)
    first_line = np.concatenate([[0], np.cumsum(line_counts)[:-1]])
    line_rank = np.arange(len(lines.order)) - first_line[lines.order]
    shipped = np.where(
        split[lines.order] & (line_rank > 0),
        second_shipment[lines.order],
        first_shipment[lines.order],
    )
    shipped[is_cancelled[lines.order]] = NEVER

    last_shipment = np.where(split, second_shipment, first_shipment)
    delivered = np.where(is_cancelled, NEVER, last_shipment + rng.integers(2 * DAY, 6 * DAY, count))

    refund_roll = rng.random(count)
    refunded = np.full(count, NEVER, np.int64)
    refund_mask = (~is_cancelled) & (refund_roll < storefront.refund_share)
    refunded[refund_mask] = delivered[refund_mask] + rng.integers(
        2 * DAY, 20 * DAY, int(refund_mask.sum())
    )
    refund_full = (refund_mask & (rng.random(count) < 0.5)).astype(np.int8)
    refund_quantity = np.where(
        refund_mask[lines.order] & ((refund_full[lines.order] == 1) | (line_rank == 0)), quantity, 0
    ).astype(np.int16)
    return Timeline(
        paid=paid,
        cancelled=cancelled,
        cancel_reason=cancel_reason,
        shipped=shipped.astype(np.int64),
        delivered=delivered.astype(np.int64),
        refunded=refunded,
        refund_full=refund_full,
        refund_quantity=refund_quantity,
    )


def last_event_at(
    orders_view: dict[str, np.ndarray], last_shipment: np.ndarray, now: int
) -> np.ndarray:
    """`updated_at` of each order at `now`: the latest of its events that has happened."""
    updated = orders_view["created"].copy()
    completed = np.where(
        orders_view["delivered"] == NEVER, NEVER, orders_view["delivered"] + COMPLETION_DELAY
    )
    for events in (
        orders_view["paid"],
        orders_view["cancelled"],
        last_shipment,
        orders_view["delivered"],
        completed,
        orders_view["refunded"],
    ):
        updated = np.where(events <= now, np.maximum(updated, events), updated)
    return updated
