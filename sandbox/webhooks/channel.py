"""The contract a channel's webhooks fulfil: what it notifies about, and how it sends it.

The collector asks every subscribed channel what a world change means to it (nothing, by
default); the dispatcher asks it for the wire form of each attempt. Keeping both halves in one
class per channel keeps each channel's quirks (ids, clocks, headers) in one place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime
from typing import ClassVar

from sandbox.server.context import SandboxContext
from sandbox.webhooks.ids import IdSource
from sandbox.webhooks.model import Delivery, DeliveryPolicy, Draft, Event, Subscription


class ChannelWebhooks(ABC):
    channel: ClassVar[str]
    topics: ClassVar[tuple[str, ...]]
    policy: ClassVar[DeliveryPolicy]
    transport: ClassVar[str] = "http"  # or "sqs"

    def __init__(self, context: SandboxContext) -> None:
        self.context = context

    # ---- what a world change means to this channel (`wanted`: topics someone subscribed to)

    def order_created(self, order: int, at: int, wanted: frozenset[str]) -> list[Draft]:
        return []

    def order_changed(
        self, order: int, at: int, cancelled: bool, wanted: frozenset[str]
    ) -> list[Draft]:
        return []

    def listing_changed(self, listing: int, at: int, wanted: frozenset[str]) -> list[Draft]:
        return []

    def stock_changed(
        self, sku: int, location: int, at: int, wanted: frozenset[str]
    ) -> list[Draft]:
        return []

    # ---- the wire ------------------------------------------------------------------------

    def event_id(self, ids: IdSource, sequence: int) -> str:
        return ids.uuid(self.channel, "event", sequence)

    def attempt_id(self, ids: IdSource, sequence: int) -> str:
        return ids.uuid(self.channel, "delivery", sequence)

    @abstractmethod
    def body(self, event: Event, subscription: Subscription, stamped_real: float) -> bytes:
        """The bytes every attempt of one delivery sends (and signs); each channel its own."""

    def headers(self, delivery: Delivery, attempt_id: str, real_now: float) -> dict[str, str]:
        """The headers of one attempt."""
        return {}


def iso_utc(ts: int) -> str:
    """World timestamps as the warehouse and Amazon's APIs print them (UTC, Z)."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_millis(ts: float) -> str:
    """Amazon notifications' timestamps: UTC with milliseconds (`2026-09-21T14:13:20.000Z`)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
