"""The units the webhook machinery passes around: drafts, events, subscriptions, deliveries.

A *draft* is what a channel would notify about (topic, content); it becomes an *event* once the
hub gives it an id, and one *delivery* per matching subscription. Retries and duplicates are
further attempts or deliveries of the same event, so they carry the same event id, as on every
real channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Draft:
    """Something a channel notifies about, before it has an id."""

    topic: str
    key: str  # what "the same order / item / cell" is, for the reorder fault
    at: int  # world time of the change
    data: Any  # channel-specific content the channel's wire turns into bytes


@dataclass(frozen=True)
class Event:
    channel: str
    topic: str
    event_id: str
    key: str
    at: int
    data: Any
    emitted_real: float  # real clock when the channel noticed the change


@dataclass(frozen=True)
class DeliveryPolicy:
    """How a channel delivers: deadlines in real seconds, retry gaps in world seconds.

    Deadlines measure the receiver's own work, so they stay real; retry gaps are part of the
    world's schedule and run on the sandbox clock like everything else (`--time-scale`).
    """

    connect_timeout_s: float
    answer_timeout_s: float
    retry_delays_s: tuple[float, ...]  # world seconds to wait after each failed attempt


@dataclass(frozen=True)
class Subscription:
    id: str
    channel: str
    topics: tuple[str, ...]
    url: str | None  # HTTP webhooks
    queue_url: str | None  # Amazon: the SQS queue notifications go to
    created_at: str

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": self.id,
            "channel": self.channel,
            "topics": list(self.topics),
            "created_at": self.created_at,
        }
        if self.url is not None:
            row["url"] = self.url
        if self.queue_url is not None:
            row["queue_url"] = self.queue_url
        return row


@dataclass
class Delivery:
    """One event on its way to one subscription; `attempts` counts what was tried so far."""

    number: int  # creation order within the sandbox: ties in due time go out in this order
    event: Event
    subscription: Subscription
    body: bytes  # the exact bytes signed and sent, on every attempt
    stamped_real: float  # the real-clock time the channel states (stale: two days earlier)
    faults: list[str]
    forged: bool = False  # signed with a wrong secret
    stale: bool = False  # signed correctly, but stating a real-clock time two days old
    earliest: float = 0.0  # world time before which no attempt goes (the event, or its delay)
    due: float = 0.0  # world time of the next attempt
    attempts: int = 0
    held: bool = False  # kept back until a later delivery of the same key has gone (reorder)
    hold_until: float = 0.0
    cancelled: bool = False
    token: int = 0  # bumped on every (re)scheduling; outdated heap entries are skipped
