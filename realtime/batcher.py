"""Group commit: many concurrent deliveries, one durable write.

An fsync costs milliseconds; one per request would cap the receiver at a few hundred events a
second on a laptop disk. A single writer thread takes whatever deliveries are waiting,
commits them in one transaction and only then tells each caller its outcome: every 2xx still
follows its own event's commit, and a burst costs one fsync per batch.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from concurrent.futures import Future

from realtime.store import Delivery, EventStore

log = logging.getLogger(__name__)

MAX_BATCH = 512
# Refusals waiting for the disk, at most: a flood of forged requests must not grow the
# receiver's memory without end. Past it they are still answered 401, and counted, not kept.
MAX_WAITING_REFUSALS = 10_000

_Waiting = tuple[Delivery, "Future[str]"]


class GroupCommitter:
    """Owns the store's writes: `submit` from an event loop, `record` from any thread."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._queue: queue.Queue[_Waiting | None] = queue.Queue()
        self._refusals_waiting = 0
        self._refusals_lock = threading.Lock()
        self.refusals_not_recorded = 0
        self._thread = threading.Thread(target=self._run, name="event-store-writer", daemon=True)
        self._thread.start()

    def _enqueue(self, delivery: Delivery) -> Future[str]:
        future: Future[str] = Future()
        self._queue.put((delivery, future))
        return future

    async def submit(self, delivery: Delivery) -> str:
        """The delivery's outcome once it is on disk (accepted, duplicate or rejected)."""
        return await asyncio.wrap_future(self._enqueue(delivery))

    def note(self, delivery: Delivery) -> None:
        """Store without waiting: for refusals, whose answer does not depend on the disk. Past
        MAX_WAITING_REFUSALS waiting, a refusal is only counted (`refusals_not_recorded`)."""
        with self._refusals_lock:
            if self._refusals_waiting >= MAX_WAITING_REFUSALS:
                self.refusals_not_recorded += 1
                if self.refusals_not_recorded % MAX_WAITING_REFUSALS == 1:
                    log.warning(
                        "refusals arrive faster than the event store takes them: %d not "
                        "recorded so far (a flood of forged or unsigned requests?)",
                        self.refusals_not_recorded,
                    )
                return
            self._refusals_waiting += 1
        self._enqueue(delivery).add_done_callback(self._refusal_settled)

    def _refusal_settled(self, _: Future[str]) -> None:
        with self._refusals_lock:
            self._refusals_waiting -= 1

    def record(self, delivery: Delivery) -> str:
        """The blocking form, for a thread without an event loop (the SQS consumer)."""
        return self._enqueue(delivery).result()

    def close(self) -> None:
        """Commit what is queued, then stop the writer."""
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    waiting = self._queue.get_nowait()
                except queue.Empty:
                    break
                if waiting is None:
                    stopping = True
                    break
                batch.append(waiting)
            self._commit(batch)

    def _commit(self, batch: list[_Waiting]) -> None:
        try:
            outcomes = self.store.record([delivery for delivery, _ in batch])
        except Exception as error:  # every waiting caller must hear of it
            for _, future in batch:
                _settle(future, error)
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            _settle(future, outcome)


def _settle(future: Future[str], result: str | Exception) -> None:
    """Tell a caller its outcome, unless it stopped waiting (it answered 503 meanwhile)."""
    if not future.set_running_or_notify_cancel():
        return
    if isinstance(result, Exception):
        future.set_exception(result)
    else:
        future.set_result(result)
