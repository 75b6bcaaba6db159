"""A sandbox stops promptly whatever its webhook dispatcher was doing at that moment.

CI once spent 60 s in a sandbox's teardown: the dispatcher had been woken (a delivery finished
and scheduled the next) in the very loop turn its stop cancelled it. On Python 3.11,
`asyncio.wait_for` returns the inner result in that case and drops the cancellation, so the
dispatcher's loop went on and `stop()` waited on it forever.
"""

from __future__ import annotations

import asyncio

from sandbox.clock import SimClock
from sandbox.webhooks.delivery import Dispatcher
from sandbox.webhooks.ids import IdSource
from sandbox.webhooks.log import DeliveryLog
from sandbox.webhooks.model import Delivery, Event, Subscription
from sandbox.webhooks.sqs import NotificationQueue

WORLD_START = 1_760_000_000


def a_delivery_due_in_an_hour(clock: SimClock) -> Delivery:
    """Something on the heap, so the dispatcher sleeps with a timeout while the clock runs."""
    event = Event("shopify", "orders/create", "e-1", "order-1", clock.sim_now(), {}, 0.0)
    subscription = Subscription(
        "s-1", "shopify", ("orders/create",), "http://127.0.0.1:9/", None, ""
    )
    return Delivery(1, event, subscription, b"{}", 0.0, [])


async def stop_right_after_a_wake(turns: int) -> bool:
    """Wake the dispatcher, let `turns` loop turns pass, stop it: True if it stopped."""
    clock = SimClock(WORLD_START, running=True)
    dispatcher = Dispatcher(clock, {}, NotificationQueue(), DeliveryLog(), IdSource(1))
    dispatcher.start()
    dispatcher.schedule(a_delivery_due_in_an_hour(clock), clock.sim_now() + 3_600)
    for _ in range(5):  # the dispatcher is asleep on its timed wait
        await asyncio.sleep(0)
    dispatcher.wake()
    for _ in range(turns):
        await asyncio.sleep(0)
    stopping = asyncio.ensure_future(dispatcher.stop())
    done, _ = await asyncio.wait({stopping}, timeout=2.0)
    return stopping in done


def test_a_dispatcher_woken_as_it_is_stopped_still_stops() -> None:
    stopped = {turns: asyncio.run(stop_right_after_a_wake(turns)) for turns in range(6)}
    assert all(stopped.values()), f"stopped within 2 s, by loop turns after the wake: {stopped}"
