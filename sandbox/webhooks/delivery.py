"""Sending deliveries: on time in world time, promptly in real time, never on the request path.

A heap orders pending attempts by their world due time; one asyncio task in the sandbox's loop
sends whatever is due (at most `MAX_IN_FLIGHT` at once) and sleeps until the next is due, or
until new deliveries arrive or the clock is moved. A frozen clock holds retries and delays until
a test advances it, exactly as it holds every other scheduled event.

A reorder hold keeps a delivery back until a later delivery of the same key (the same order,
inventory item or stock cell) to the same subscription has been attempted, or until its hold
expires, whichever comes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import time
from collections.abc import Callable

import aiohttp

from sandbox.clock import SimClock
from sandbox.webhooks.channel import ChannelWebhooks
from sandbox.webhooks.ids import IdSource
from sandbox.webhooks.log import DeliveryLog
from sandbox.webhooks.model import Delivery
from sandbox.webhooks.sqs import NotificationQueue

MAX_IN_FLIGHT = 16
IDLE_WAIT_S = 0.5  # longest real sleep while the clock runs, so clock changes are noticed


class Dispatcher:
    def __init__(
        self,
        clock: SimClock,
        channels: dict[str, ChannelWebhooks],
        queue: NotificationQueue,
        log: DeliveryLog,
        ids: IdSource,
    ) -> None:
        self.clock = clock
        self.channels = channels
        self.queue = queue
        self.log = log
        self.ids = ids
        self._heap: list[tuple[float, int, int, Delivery]] = []
        self._held: dict[tuple[str, str], list[Delivery]] = {}
        self._removed: set[str] = set()  # subscriptions gone: nothing more is sent to them
        self._attempt_numbers: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._runner: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)

    # ---- scheduling ----------------------------------------------------------------------

    def schedule(self, delivery: Delivery, due: float) -> None:
        delivery.token += 1
        delivery.due = due
        heapq.heappush(self._heap, (due, delivery.number, delivery.token, delivery))
        self.wake()

    def hold(self, delivery: Delivery, until: float) -> None:
        """Keep a delivery back until a later one of its key overtakes it, or until `until`."""
        delivery.held = True
        delivery.hold_until = until
        self._held.setdefault(self._hold_key(delivery), []).append(delivery)
        self.schedule(delivery, max(delivery.earliest, until))

    def cancel(self, subscription_ids: set[str]) -> None:
        """Forget every delivery to these subscriptions (they were removed), even in flight."""
        self._removed |= subscription_ids
        for _, _, _, delivery in self._heap:
            if delivery.subscription.id in subscription_ids:
                delivery.cancelled = True
        self._heap = [entry for entry in self._heap if not entry[3].cancelled]
        heapq.heapify(self._heap)
        self._held = {k: v for k, v in self._held.items() if k[0] not in subscription_ids}

    @property
    def pending(self) -> int:
        """Deliveries waiting for their next attempt (a retry, a delay, a reorder hold)."""
        return sum(
            1
            for _, _, token, delivery in self._heap
            if token == delivery.token and not delivery.cancelled
        )

    @property
    def in_flight(self) -> int:
        """Attempts being sent right now."""
        return len(self._tasks)

    def wake(self) -> None:
        """New work or a moved clock: look at the heap again (from any thread)."""
        if self._loop is None or self._wake is None:
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._wake.set()
        else:
            self._loop.call_soon_threadsafe(self._wake.set)

    @staticmethod
    def _hold_key(delivery: Delivery) -> tuple[str, str]:
        return delivery.subscription.id, delivery.event.key

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start sending (from within the sandbox's event loop); idempotent."""
        if self._runner is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._runner = self._loop.create_task(self._run())

    async def stop(self) -> None:
        tasks = [t for t in (self._runner, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._runner = None
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ---- the loop ------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            now = self.clock.sim_now()
            while self._heap and self._heap[0][0] <= now:
                _, _, token, delivery = heapq.heappop(self._heap)
                if delivery.cancelled or token != delivery.token:
                    continue
                self._launch(delivery)
            timeout: float | None = None
            if self._heap and self.clock.running:
                wait = self.clock.wire_seconds(self._heap[0][0] - now)
                timeout = min(max(wait, 0.01), IDLE_WAIT_S)
            # `asyncio.timeout`, not `wait_for`: on Python 3.11 `wait_for` drops a cancellation
            # that arrives as the event is set, and `stop()` would then wait forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    def _launch(self, delivery: Delivery) -> None:
        if delivery.held:  # its hold expired before anything overtook it
            self._release(delivery)
        task = asyncio.get_running_loop().create_task(self._attempt(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _release(self, delivery: Delivery) -> None:
        delivery.held = False
        waiting = self._held.get(self._hold_key(delivery), [])
        if delivery in waiting:
            waiting.remove(delivery)

    def _release_overtaken(self, delivery: Delivery) -> None:
        """A delivery has gone: the earlier ones of its key held back may follow now."""
        key = self._hold_key(delivery)
        waiting = self._held.get(key, [])
        overtaken = [
            held
            for held in waiting
            if held.number < delivery.number and held.event.event_id != delivery.event.event_id
        ]
        for held in overtaken:
            self._release(held)
            self.schedule(held, max(held.earliest, self.clock.sim_now()))
        if not self._held.get(key):
            self._held.pop(key, None)

    async def _attempt(self, delivery: Delivery) -> None:
        channel = self.channels[delivery.event.channel]
        async with self._slots:
            delivery.attempts += 1
            sequence = self._attempt_numbers.get(channel.channel, 0)
            self._attempt_numbers[channel.channel] = sequence + 1
            attempt_id = channel.attempt_id(self.ids, sequence)
            sent_real, world_now = self.clock.real_wall(), self.clock.sim_now()
            started = time.perf_counter()
            if channel.transport == "sqs":
                status, error, attempt_id = await self._enqueue(delivery, attempt_id)
            else:
                headers = channel.headers(delivery, attempt_id, sent_real)
                status, error = await self._post(delivery, headers, channel)
        answered_ms = (time.perf_counter() - started) * 1000
        delivered = status is not None and 200 <= status < 300
        retries = channel.policy.retry_delays_s
        gave_up = not delivered and delivery.attempts > len(retries)
        outcome = "delivered" if delivered else ("gave_up" if gave_up else "failed")
        self.log.record(
            delivery, attempt_id, sent_real, world_now, status, error, answered_ms, outcome
        )
        if delivery.attempts == 1:
            self._release_overtaken(delivery)
        if delivery.subscription.id in self._removed:
            delivery.cancelled = True
        if not delivered and not gave_up and not delivery.cancelled:
            self.schedule(delivery, self.clock.sim_now() + retries[delivery.attempts - 1])

    async def _post(
        self, delivery: Delivery, headers: dict[str, str], channel: ChannelWebhooks
    ) -> tuple[int | None, str | None]:
        url = delivery.subscription.url
        assert url is not None
        policy = channel.policy
        timeout = aiohttp.ClientTimeout(
            total=policy.answer_timeout_s, sock_connect=policy.connect_timeout_s
        )
        try:
            async with self._http().post(
                url, data=delivery.body, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                await response.read()
                return response.status, None
        except aiohttp.ConnectionTimeoutError:
            return None, f"no connection within {policy.connect_timeout_s:g} s"
        except TimeoutError:
            return None, f"no answer within {policy.answer_timeout_s:g} s"
        except aiohttp.ClientError as error:
            return None, f"{type(error).__name__}: {error}"

    async def _enqueue(
        self, delivery: Delivery, attempt_id: str
    ) -> tuple[int | None, str | None, str]:
        queue_url = delivery.subscription.queue_url
        assert queue_url is not None
        send: Callable[[str, bytes], str] = self.queue.send
        try:
            message_id = await asyncio.to_thread(send, queue_url, delivery.body)
        except Exception as error:  # any queue failure is a failed attempt
            return None, f"{type(error).__name__}: {error}", attempt_id
        return 200, None, message_id

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=MAX_IN_FLIGHT),
                skip_auto_headers=("User-Agent",),
            )
        return self._session
