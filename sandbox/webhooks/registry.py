"""Subscriptions, as a merchant registers them in each channel's admin.

An HTTP channel posts to a URL (`http://` or `https://`); Amazon publishes into an SQS queue.
Topics default to everything the channel sends. Only changes after a subscription exists are
delivered to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from sandbox.webhooks.ids import IdSource
from sandbox.webhooks.model import Subscription


class Registry:
    def __init__(
        self, ids: IdSource, topics: Mapping[str, tuple[str, ...]], queued: set[str]
    ) -> None:
        self.ids = ids
        self.topics = topics  # channel -> every topic it sends
        self.queued = queued  # channels that publish into a queue rather than POST to a URL
        self._subscriptions: dict[str, Subscription] = {}
        self._count = 0
        self._wanted: dict[str, frozenset[str]] = {}

    def parse(self, body: Any) -> Subscription:
        """A subscription from a registration body; ValueError says what is wrong with it."""
        if not isinstance(body, dict):
            raise ValueError("send a JSON object: {channel, url | queue_url, topics?}")
        channel = str(body.get("channel"))
        if channel not in self.topics:
            raise ValueError(f"unknown channel {channel!r}; have {sorted(self.topics)}")
        topics = body.get("topics") or list(self.topics[channel])
        if not isinstance(topics, list):
            raise ValueError("topics must be a list of topic names")
        unknown = [t for t in topics if t not in self.topics[channel]]
        if unknown:
            raise ValueError(f"{channel} sends only {list(self.topics[channel])}; not {unknown}")
        url = queue_url = None
        if channel in self.queued:
            queue_url = body.get("queue_url")
            if not isinstance(queue_url, str) or not queue_url.startswith(("http://", "https://")):
                raise ValueError(f"{channel} publishes into an SQS queue: give its queue_url")
        else:
            url = body.get("url")
            parsed = urlparse(url) if isinstance(url, str) else None
            if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError(f"{channel} posts to an http(s) url: give one")
        self._count += 1
        return Subscription(
            id=self.ids.uuid("subscription", self._count),
            channel=channel,
            topics=tuple(dict.fromkeys(topics)),
            url=url,
            queue_url=queue_url,
            created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        )

    def add(self, subscription: Subscription) -> None:
        self._subscriptions[subscription.id] = subscription
        self._wanted.clear()

    def remove(self, subscription_id: str) -> Subscription | None:
        self._wanted.clear()
        return self._subscriptions.pop(subscription_id, None)

    def clear(self) -> list[Subscription]:
        removed = list(self._subscriptions.values())
        self._subscriptions.clear()
        self._wanted.clear()
        return removed

    def __bool__(self) -> bool:
        return bool(self._subscriptions)

    def all(self) -> list[Subscription]:
        return list(self._subscriptions.values())

    def of(self, channel: str) -> list[Subscription]:
        return [s for s in self._subscriptions.values() if s.channel == channel]

    def wanted(self, channel: str) -> frozenset[str]:
        """Every topic of a channel that at least one subscription wants (cached)."""
        if channel not in self._wanted:
            self._wanted[channel] = frozenset(t for s in self.of(channel) for t in s.topics)
        return self._wanted[channel]
