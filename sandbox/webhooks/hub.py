"""One sandbox's webhooks: subscriptions, faults, the local SQS, the dispatcher, the log.

Nothing runs for webhooks until someone subscribes: the world has no listener (a single
`is None` check per change), channel builders are not even constructed, no task is started.
The first subscription makes the collector the world's listener and starts the dispatcher in
the sandbox's loop; removing the last one detaches it again. The local SQS server is the one
exception: it runs with the sandbox, so the manifest can name its queue from the start.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sandbox.server.context import SandboxContext
from sandbox.webhooks.amazon import AmazonWebhooks
from sandbox.webhooks.channel import ChannelWebhooks
from sandbox.webhooks.collector import Collector
from sandbox.webhooks.delivery import Dispatcher
from sandbox.webhooks.faults import STALE_S, WebhookFaults, WebhookFaultSettings
from sandbox.webhooks.ids import IdSource
from sandbox.webhooks.log import DeliveryLog
from sandbox.webhooks.model import Delivery, Draft, Event, Subscription
from sandbox.webhooks.registry import Registry
from sandbox.webhooks.shopify import ShopifyWebhooks
from sandbox.webhooks.sqs import NotificationQueue
from sandbox.webhooks.tiktok_shop import TikTokShopWebhooks
from sandbox.webhooks.warehouse import WarehouseWebhooks

CHANNELS: dict[str, type[ChannelWebhooks]] = {
    "shopify": ShopifyWebhooks,
    "amazon": AmazonWebhooks,
    "tiktok_shop": TikTokShopWebhooks,
    "warehouse": WarehouseWebhooks,
}


class WebhookHub:
    def __init__(self, context: SandboxContext) -> None:
        self.context = context
        self.world = context.world
        self.clock = context.clock
        self.ids = IdSource(self.world.seed)
        available = {name: kind for name, kind in CHANNELS.items() if name in context.simulators}
        self.kinds = available
        self.registry = Registry(
            self.ids,
            {name: kind.topics for name, kind in available.items()},
            {name for name, kind in available.items() if kind.transport == "sqs"},
        )
        self.faults = {name: WebhookFaults(self.world.seed, name) for name in available}
        self.channels: dict[str, ChannelWebhooks] = {}  # built on first subscription
        self.log = DeliveryLog()
        self.queue = NotificationQueue()
        self.dispatcher = Dispatcher(self.clock, self.channels, self.queue, self.log, self.ids)
        self.collector = Collector(
            self.world, self.channels, self.registry.wanted, self.emit, self.dispatcher.wake
        )
        self._events: dict[str, int] = {}
        self._deliveries = 0

    # ---- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Start the local SQS server (moto is slow to import: off the event loop)."""
        if "amazon" in self.kinds:
            await asyncio.to_thread(self.queue.start)

    async def stop(self) -> None:
        self.world.listener = None
        await self.dispatcher.stop()
        await asyncio.to_thread(self.queue.stop)

    def sqs_manifest(self) -> dict[str, str] | None:
        return self.queue.manifest()

    # ---- subscriptions -------------------------------------------------------------------

    def subscribe(self, body: Any) -> Subscription:
        """Register a subscription (from the sandbox's loop); ValueError for a bad request."""
        subscription = self.registry.parse(body)
        if subscription.channel not in self.channels:
            self.channels[subscription.channel] = self.kinds[subscription.channel](self.context)
        self.registry.add(subscription)
        self.world.listener = self.collector
        self.dispatcher.start()
        return subscription

    def unsubscribe(self, subscription_id: str | None = None) -> list[Subscription]:
        """Remove one subscription, or all; their pending deliveries are dropped."""
        if subscription_id is None:
            removed = self.registry.clear()
        else:
            found = self.registry.remove(subscription_id)
            removed = [found] if found is not None else []
        self.dispatcher.cancel({s.id for s in removed})
        if not self.registry:
            self.world.listener = None
        return removed

    def configure_faults(self, channel: str, payload: dict[str, Any]) -> WebhookFaultSettings:
        if channel not in self.faults:
            raise ValueError(f"unknown channel {channel!r}; have {sorted(self.faults)}")
        settings = WebhookFaultSettings.parse(channel, payload)
        self.faults[channel].configure(settings)
        return settings

    def clear_faults(self) -> None:
        for faults in self.faults.values():
            faults.configure(WebhookFaultSettings())

    # ---- events --------------------------------------------------------------------------

    def emit(self, channel: str, drafts: list[Draft]) -> None:
        """Give each draft an id and a delivery per subscription that wants its topic."""
        if not drafts:
            return
        kind = self.channels[channel]
        subscriptions = self.registry.of(channel)
        for draft in drafts:
            targets = [s for s in subscriptions if draft.topic in s.topics]
            if not targets:
                continue
            sequence = self._events.get(channel, 0)
            self._events[channel] = sequence + 1
            event = Event(
                channel=channel,
                topic=draft.topic,
                event_id=kind.event_id(self.ids, sequence),
                key=draft.key,
                at=draft.at,
                data=draft.data,
                emitted_real=self.clock.real_wall(),
            )
            for subscription in targets:
                self._deliver(kind, event, subscription)

    def _deliver(self, kind: ChannelWebhooks, event: Event, subscription: Subscription) -> None:
        draw = self.faults[event.channel].draw()
        stamped = event.emitted_real - (STALE_S if draw.stale else 0)
        body = kind.body(event, subscription, stamped)
        signing = [name for name in ("forged", "stale") if getattr(draw, name)]

        def delivery(faults: list[str]) -> Delivery:
            self._deliveries += 1
            return Delivery(
                number=self._deliveries,
                event=event,
                subscription=subscription,
                body=body,
                stamped_real=stamped,
                faults=faults,
                forged=draw.forged,
                stale=draw.stale,
                earliest=event.at + draw.delay_s,
            )

        if draw.drop:
            self.log.record(
                delivery(["drop"]),
                None,
                self.clock.real_wall(),
                self.clock.sim_now(),
                error="dropped (fault): never delivered",
                outcome="dropped",
            )
            return
        original = delivery([name for name in draw.names() if name != "duplicate"])
        if draw.reorder:
            hold_s = self.faults[event.channel].settings.reorder_hold_s
            self.dispatcher.hold(original, self.clock.sim_now() + hold_s)
        else:
            self.dispatcher.schedule(original, original.earliest)
        if draw.duplicate:
            twin = delivery(["duplicate", *signing])
            self.dispatcher.schedule(twin, twin.earliest)

    # ---- what GET /_sandbox/webhooks shows -----------------------------------------------

    def state(self, channel: str | None = None, limit: int | None = None) -> dict[str, Any]:
        return {
            "subscriptions": [s.as_dict() for s in self.registry.all()],
            "faults": {name: f.settings.as_dict() for name, f in sorted(self.faults.items())},
            "pending": self.dispatcher.pending,
            "in_flight": self.dispatcher.in_flight,
            "summary": self.log.summary(),
            "deliveries": self.log.as_list(channel, limit),
        }
