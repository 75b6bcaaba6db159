"""Scheduled events and what they do to the world's state.

Every change after the world start is an event with a time: an order is paid, a line ships,
an order is delivered, completed, cancelled or refunded, a restock arrives. Events already
known at build time sit in one sorted block; events scheduled later (live orders, injected
restocks) go on a heap. Applying a batch is vectorised because, between two arrivals, events
commute: stock moves add up and `updated_at` takes a maximum.
"""

from __future__ import annotations

import heapq

import numpy as np

from sandbox.world.columns import NEVER
from sandbox.world.orders import COMPLETION_DELAY
from sandbox.world.state import World

PAID, CANCEL, SHIP, DELIVER, COMPLETE, REFUND, RESTOCK = range(7)
ORDER_EVENTS = (PAID, CANCEL, DELIVER, COMPLETE, REFUND)


class EventQueue:
    def __init__(self, times: np.ndarray, kinds: np.ndarray, refs: np.ndarray) -> None:
        order = np.lexsort((refs, kinds, times))
        self._times = times[order]
        self._kinds = kinds[order]
        self._refs = refs[order]
        self._cursor = 0
        self._heap: list[tuple[int, int, int]] = []

    def push(self, time: int, kind: int, ref: int) -> None:
        if time != NEVER:
            heapq.heappush(self._heap, (int(time), kind, int(ref)))

    def __len__(self) -> int:
        return len(self._times) - self._cursor + len(self._heap)

    def take_until(self, until: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Remove and return every event at or before `until`, in time order."""
        stop = int(np.searchsorted(self._times, until, side="right"))
        block = slice(self._cursor, max(stop, self._cursor))
        self._cursor = max(stop, self._cursor)
        times, kinds, refs = self._times[block], self._kinds[block], self._refs[block]
        popped: list[tuple[int, int, int]] = []
        while self._heap and self._heap[0][0] <= until:
            popped.append(heapq.heappop(self._heap))
        if not popped:
            return times, kinds, refs
        extra = np.array(popped, np.int64)
        times = np.concatenate([times, extra[:, 0]])
        kinds = np.concatenate([kinds, extra[:, 1]])
        refs = np.concatenate([refs, extra[:, 2]])
        order = np.lexsort((refs, kinds, times))
        return times[order], kinds[order], refs[order]


def scheduled_after(world: World, start: int) -> EventQueue:
    """Every event of the built world that happens after `start`."""
    orders, lines = world.orders, world.lines
    times: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    refs: list[np.ndarray] = []

    def add(kind: int, when: np.ndarray, ref: np.ndarray) -> None:
        due = (when > start) & (when != NEVER)
        times.append(when[due])
        kinds.append(np.full(int(due.sum()), kind, np.int64))
        refs.append(ref[due])

    order_ids = np.arange(len(orders), dtype=np.int64)
    add(PAID, orders["paid"], order_ids)
    add(CANCEL, orders["cancelled"], order_ids)
    add(DELIVER, orders["delivered"], order_ids)
    completed = np.where(
        orders["delivered"] == NEVER, NEVER, orders["delivered"] + COMPLETION_DELAY
    )
    add(COMPLETE, completed, order_ids)
    add(REFUND, orders["refunded"], order_ids)
    add(SHIP, lines["shipped"], np.arange(len(lines), dtype=np.int64))
    add(RESTOCK, world.restocks["arrives"], np.arange(len(world.restocks), dtype=np.int64))
    return EventQueue(
        np.concatenate(times).astype(np.int64),
        np.concatenate(kinds),
        np.concatenate(refs).astype(np.int64),
    )


def schedule_order(queue: EventQueue, world: World, order: int) -> None:
    """Queue the future events of an order placed live."""
    row = {
        name: int(world.orders[name][order])
        for name in ("paid", "cancelled", "delivered", "refunded")
    }
    queue.push(row["paid"], PAID, order)
    queue.push(row["cancelled"], CANCEL, order)
    queue.push(row["delivered"], DELIVER, order)
    if row["delivered"] != NEVER:
        queue.push(row["delivered"] + COMPLETION_DELAY, COMPLETE, order)
    queue.push(row["refunded"], REFUND, order)
    for line in world.order_lines(order):
        queue.push(int(world.lines["shipped"][line]), SHIP, line)


def apply_events(world: World, times: np.ndarray, kinds: np.ndarray, refs: np.ndarray) -> None:
    if len(times) == 0:
        return
    orders, lines = world.orders, world.lines
    updated = orders["updated"]

    is_order_event = np.isin(kinds, ORDER_EVENTS)
    np.maximum.at(updated, refs[is_order_event], times[is_order_event])

    ship = kinds == SHIP
    shipped_lines = refs[ship]
    np.maximum.at(updated, lines["order"][shipped_lines], times[ship])
    _release(world, shipped_lines, times[ship], consume_stock=True)

    cancelled_orders = refs[kinds == CANCEL]
    if len(cancelled_orders):
        starts = orders["line_start"][cancelled_orders]
        counts = orders["line_count"][cancelled_orders].astype(np.int64)
        cancelled_lines = np.repeat(starts, counts) + (
            np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        )
        _release(world, cancelled_lines, None, consume_stock=False)

    restocked = refs[kinds == RESTOCK]
    cell = (world.restocks["sku"][restocked], world.restocks["location"][restocked])
    np.add.at(world.on_hand, cell, world.restocks["quantity"][restocked])
    np.maximum.at(world.stock_updated, cell, times[kinds == RESTOCK])
    world.touch()


def _release(
    world: World, line_ids: np.ndarray, times: np.ndarray | None, consume_stock: bool
) -> None:
    """Lines leave the open state: shipped (stock leaves the building) or cancelled."""
    if len(line_ids) == 0:
        return
    lines = world.lines
    quantity = lines["quantity"][line_ids].astype(np.int64)
    np.subtract.at(world.committed_by_listing, lines["listing"][line_ids], quantity)
    location = lines["location"][line_ids]
    merchant = location >= 0
    skus = world.listings.sku[lines["listing"][line_ids[merchant]]]
    row, component, units = world.components.expand(skus)
    moved = quantity[merchant][row] * units
    cell = (component, location[merchant][row])
    np.subtract.at(world.committed, cell, moved)
    if consume_stock and times is not None:
        np.subtract.at(world.on_hand, cell, moved)
        np.maximum.at(world.stock_updated, cell, times[merchant][row])
