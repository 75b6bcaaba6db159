"""The filters of Shopify's `orders.json`, vectorised over a shop's orders.

`status` defaults to `open` exactly as on Shopify: a client that forgets `status=any` misses
every archived (fulfilled and paid) and cancelled order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np

from sandbox.server.lookup import present
from sandbox.shopify import ids
from sandbox.shopify.rest_pagination import PageError
from sandbox.shopify.shop import Shop
from sandbox.world.truth import shipped_line_counts

FILTERS = (
    "ids",
    "since_id",
    "status",
    "financial_status",
    "fulfillment_status",
    "created_at_min",
    "created_at_max",
    "updated_at_min",
    "updated_at_max",
    "processed_at_min",
    "processed_at_max",
    "attribution_app_id",
)


def parse_time(name: str, value: str) -> int:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise PageError({name: f"{name} must be an ISO 8601 date and time"}) from error
    if moment.tzinfo is None:
        raise PageError({name: f"{name} must include a UTC offset"})
    return int(moment.timestamp())


def parse_ids(name: str, value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise PageError({name: "Invalid value."}) from error


def time_window(
    mask: np.ndarray, values: np.ndarray, filters: dict[str, str], prefix: str
) -> np.ndarray:
    if f"{prefix}_min" in filters:
        mask &= values >= parse_time(f"{prefix}_min", filters[f"{prefix}_min"])
    if f"{prefix}_max" in filters:
        mask &= values <= parse_time(f"{prefix}_max", filters[f"{prefix}_max"])
    return mask


def id_mask(
    mask: np.ndarray,
    filters: dict[str, str],
    indices: np.ndarray,
    id_of: Callable[[Any], Any],
    index_of: Callable[[int], int | None],
) -> np.ndarray:
    """Shopify's `ids` and `since_id` filters over world indices, through the id formulas."""
    if "ids" in filters:
        wanted = [index_of(i) for i in parse_ids("ids", filters["ids"])]
        mask &= np.isin(indices, present(wanted))
    if "since_id" in filters:
        (since,) = parse_ids("since_id", filters["since_id"]) or [0]
        mask &= id_of(indices.astype(np.int64)) > since
    return mask


def order_mask(shop: Shop, orders: np.ndarray, filters: dict[str, str], now: int) -> np.ndarray:
    """Which of `orders` (a shop's orders, placed by `now`) match Shopify's filters."""
    columns = shop.world.orders
    mask = np.ones(len(orders), bool)
    created = columns["created"][orders]
    mask = time_window(mask, created, filters, "created_at")
    mask = time_window(mask, created, filters, "processed_at")
    mask = time_window(mask, columns["updated"][orders], filters, "updated_at")
    mask = id_mask(mask, filters, columns["seq"][orders], ids.order_id, ids.order_seq)

    paid = columns["paid"][orders] <= now
    cancelled = columns["cancelled"][orders] <= now
    refund_happened = columns["refunded"][orders] <= now
    refund_full = columns["refund_full"][orders] == 1
    shipped, total = shipped_line_counts(shop.world, orders, now)
    closed = cancelled | (paid & (shipped == total))

    status = filters.get("status", "open")
    statuses = {
        "open": ~closed,
        "closed": closed,
        "cancelled": cancelled,
        "any": np.ones_like(closed),
    }
    if status not in statuses:
        raise PageError({"status": "Invalid value."})
    mask &= statuses[status]

    financial = filters.get("financial_status", "any")
    refunded = paid & (cancelled | (refund_happened & refund_full))
    financial_masks = {
        "any": np.ones_like(paid),
        "authorized": np.zeros_like(paid),
        "partially_paid": np.zeros_like(paid),
        "pending": ~paid & ~cancelled,
        "unpaid": ~paid & ~cancelled,
        "voided": ~paid & cancelled,
        "refunded": refunded,
        "partially_refunded": paid & ~cancelled & refund_happened & ~refund_full,
        "paid": paid & ~cancelled & ~refund_happened,
    }
    if financial not in financial_masks:
        raise PageError({"financial_status": "Invalid value."})
    mask &= financial_masks[financial]

    fulfillment = filters.get("fulfillment_status", "any")
    fulfillment_masks = {
        "any": np.ones_like(paid),
        "shipped": shipped == total,
        "partial": (shipped > 0) & (shipped < total),
        "unshipped": shipped == 0,
        "unfulfilled": shipped < total,
    }
    if fulfillment not in fulfillment_masks:
        raise PageError({"fulfillment_status": "Invalid value."})
    return mask & fulfillment_masks[fulfillment]
