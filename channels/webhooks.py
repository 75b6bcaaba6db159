"""What every channel's webhook check hands the fast path, and how it says no.

A channel's sale signal is only worth acting on when it is authentic: each channel signs its
deliveries its own way (channels/<slug>/webhooks.py), and a delivery that fails its check is
refused before anything is stored. An accepted one is reduced to what the receiver needs to
store it once: the channel's own event id (the same on every duplicate and retry of one
event), its topic, the storefront it concerns and when the channel signed it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

# A delivery signed longer ago than this is refused as a replay. Shopify retries for 4 hours
# and deliveries a day late happen (REALTIME.md), so the default keeps a day and an hour; the
# periodic refresh catches up whatever arrives later still.
DEFAULT_MAX_AGE_S = 25 * 3600.0
# Clocks drift: a signature a little from the future is the sender's clock, not a forgery.
FUTURE_SKEW_S = 300.0


class WebhookRejectedError(ValueError):
    """A delivery that must not be stored: the reason is safe to log and to answer with."""


@dataclass(frozen=True)
class VerifiedDelivery:
    channel: str
    event_id: str  # the channel's id of the event: equal on duplicates and retries
    topic: str
    store_id: str
    signed_at: float | None  # unix seconds on the sender's clock, when it says


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, case-insensitively (ASGI servers lower-case them, others do not)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""


def check_age(signed_at: float, now: float | None, max_age_s: float) -> None:
    """Refuse a signature stamped too long ago (a replay) or too far ahead."""
    current = time.time() if now is None else now
    if not math.isfinite(signed_at):
        raise WebhookRejectedError("signature time is not a number")
    if signed_at < current - max_age_s:
        raise WebhookRejectedError(
            f"stale delivery: signed {current - signed_at:.0f} s ago (limit {max_age_s:.0f} s)"
        )
    if signed_at > current + FUTURE_SKEW_S:
        raise WebhookRejectedError(f"signature time {signed_at:.0f} is in the future")


def iso_seconds(value: str) -> float:
    """Unix seconds of an ISO-8601 timestamp; a refusal when it is not one."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise WebhookRejectedError(f"unreadable timestamp {value[:40]!r}") from error
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


@dataclass(frozen=True)
class OrderLine:
    seller_sku: str | None
    variant_id: str | None
    quantity: int


@dataclass(frozen=True)
class OrderUpdate:
    """An order as one notification shows it: what the fast path needs to know which units
    it holds. `lines` is None when the notification carries none (TikTok: only the status)."""

    channel: str
    store_id: str
    order_id: str
    updated_at: datetime  # UTC, the channel's own change time (the marts' updated_at)
    status_fields: dict[str, str | None]  # the fields order_status_map maps, as the API names them
    fulfilled_by: str  # merchant | marketplace
    lines: tuple[OrderLine, ...] | None


@dataclass(frozen=True)
class StockUpdate:
    """A warehouse cell as the 3PL last reported it."""

    sku: str
    location_code: str
    on_hand: int
    updated_at: datetime  # UTC, the 3PL's change time (fct_stock_levels.updated_at)


class UnreadableEventError(ValueError):
    """A stored event whose body does not say what its topic promises: kept, reported, and
    left to the next refresh, never guessed at."""


def utc(value: str) -> datetime:
    """A channel's ISO-8601 timestamp, in UTC (a naive one is taken as UTC)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass(frozen=True)
class ShownQuantity:
    """What a listing displays, as its channel announced (Shopify's inventory_levels/update:
    after a sale, and as the echo of our own write)."""

    channel: str
    store_id: str
    inventory_item_id: str
    location_id: str
    available: int
    updated_at: datetime
