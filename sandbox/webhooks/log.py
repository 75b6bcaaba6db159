"""The delivery log: every attempt, what it carried and how the receiver answered.

What a merchant sees in a channel's webhook metrics, and what a test reads to prove a retry
kept its event id or a fault was applied. Bounded: the most recent attempts are kept, the
counters cover everything.
"""

from __future__ import annotations

from collections import Counter, deque
from datetime import UTC, datetime
from typing import Any

from sandbox.webhooks.model import Delivery

MAX_ENTRIES = 20_000


def real_iso(real: float) -> str:
    return (
        datetime.fromtimestamp(real, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def world_iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class DeliveryLog:
    def __init__(self) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=MAX_ENTRIES)
        self.counts: dict[str, Counter[str]] = {}

    def record(
        self,
        delivery: Delivery,
        delivery_id: str | None,
        sent_real: float,
        world_now: float,
        status: int | None = None,
        error: str | None = None,
        answered_ms: float | None = None,
        outcome: str = "failed",
    ) -> None:
        event = delivery.event
        self.entries.append(
            {
                "channel": event.channel,
                "topic": event.topic,
                "event_id": event.event_id,
                "delivery_id": delivery_id,
                "subscription_id": delivery.subscription.id,
                "attempt": delivery.attempts,
                "status": status,
                "error": error,
                "outcome": outcome,
                "sent_at": real_iso(sent_real),
                "world_sent_at": world_iso(world_now),
                "event_at": world_iso(event.at),
                "answered_in_ms": None if answered_ms is None else round(answered_ms, 1),
                "faults": list(delivery.faults),
            }
        )
        self.counts.setdefault(event.channel, Counter())[outcome] += 1

    def as_list(self, channel: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        rows = [row for row in self.entries if channel is None or row["channel"] == channel]
        return rows[-limit:] if limit else rows

    def summary(self) -> dict[str, dict[str, int]]:
        return {channel: dict(sorted(c.items())) for channel, c in sorted(self.counts.items())}
