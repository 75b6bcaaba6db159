"""The reactor: stored events in, the stock book moved, the listings whose target changed out.

It reads the event store from its cursor (the receiver only appends), turns each event into
an absolute state (an order's units, a warehouse cell's on-hand) and gives it to the stock
book. An event it cannot read is recorded as a problem with its reason and skipped: the next
refresh reads the channel itself, so nothing is lost, and the problem is visible in
`realtime status` and Dagster. The cursor moves only past events that were applied or
recorded, so a reactor killed mid-batch applies the batch again; every state is absolute,
so applying it twice changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from channels.amazon import notifications as amazon
from channels.shopify import webhooks as shopify
from channels.tiktok_shop import webhooks as tiktok_shop
from channels.warehouse import webhooks as warehouse
from channels.webhooks import OrderUpdate, ShownQuantity, StockUpdate, UnreadableEventError
from realtime.orders import (
    LinesNeededError,
    UnresolvedOrderError,
    component_units,
    held_skus,
)
from realtime.stock_book import StockBook
from realtime.store import EventStore, StoredEvent, connect

log = logging.getLogger(__name__)

REACTOR_TABLES = """
create table if not exists reactor_cursor (name text primary key, seq integer not null);
create table if not exists event_problems (
    seq integer primary key, channel text not null, event_id text not null,
    topic text not null, reason text not null
);
"""
BATCH = 5_000


Update = OrderUpdate | StockUpdate | ShownQuantity


def read_event(event: StoredEvent) -> Update | None:
    """What an event says about stock or about what a listing shows; None for a topic the
    book has no use for. Shopify's inventory_levels/update only tells what a listing shows
    (after a sale, or echoing our own write): it never moves stock, so an echo cannot
    trigger a push; the sale itself is read from its order."""
    topic = (event.channel, event.topic)
    if event.channel == "shopify" and event.topic in shopify.ORDER_TOPICS:
        return shopify.order_update(event.store_id, event.body)
    if event.channel == "shopify" and event.topic == "inventory_levels/update":
        return shopify.inventory_level(event.store_id, event.body)
    readers: dict[tuple[str, str], Callable[[bytes], Update]] = {
        ("amazon", "ORDER_CHANGE"): amazon.order_update,
        ("tiktok_shop", "order_status_change"): tiktok_shop.order_update,
        ("warehouse", "stock_changed"): warehouse.stock_update,
    }
    reader = readers.get(topic)
    return None if reader is None else reader(event.body)


def read_order_id(event: StoredEvent) -> str:
    update = read_event(event)
    assert isinstance(update, OrderUpdate)
    return update.order_id


@dataclass
class Applied:
    events: int = 0
    orders: int = 0
    stock_cells: int = 0
    shown: int = 0
    fetched: int = 0  # orders read from the channel because their notification had no lines
    problems: list[str] = field(default_factory=list)


# (channel, store_id, order ids) -> the orders as the channel shows them now, with lines.
OrderFetcher = Callable[[str, str, list[str]], list[OrderUpdate]]


class Reactor:
    def __init__(
        self,
        store_path: Path,
        book: StockBook,
        name: str = "reactor",
        fetch_orders: OrderFetcher | None = None,
    ) -> None:
        self.connection = connect(store_path)
        self.connection.executescript(REACTOR_TABLES)
        self.book = book
        self.name = name
        self.fetch_orders = fetch_orders
        self._lines_needed: dict[tuple[str, str], list[StoredEvent]] = {}

    @property
    def cursor(self) -> int:
        row = self.connection.execute(
            "select seq from reactor_cursor where name = ?", (self.name,)
        ).fetchone()
        return int(row[0]) if row else 0

    def forget_bodies(self, received_before: float) -> int:
        """Empty the headers and bodies of the events applied and received before
        `received_before`: they hold customers' names, emails and addresses, which the fast
        path needs only until the batch has the orders. Their ids stay, so a late duplicate
        is still known as one. Returns how many events were emptied."""
        emptied = self.connection.execute(
            "update events set headers = '{}', body = x'' "
            "where seq <= ? and received_at < ? and length(body) > 0",
            (self.cursor, received_before),
        )
        return int(emptied.rowcount)

    def _events_after(self, seq: int) -> list[StoredEvent]:
        return EventStore.read_events(self.connection, seq, BATCH)

    def rewind_to(self, received_at: float) -> bool:
        """Move the cursor back to the first event received since `received_at`: how a
        restarted reactor, whose book lives in memory, rebuilds what it knew. States are
        absolute and older ones lose to newer ones, so events applied twice change nothing.
        Returns whether there is anything to replay."""
        first = self.connection.execute(
            "select min(seq) from events where received_at >= ?", (received_at,)
        ).fetchone()
        if not first or first[0] is None:
            return False
        self._set_cursor(int(first[0]) - 1)
        return True

    def _set_cursor(self, seq: int) -> None:
        self.connection.execute(
            "insert into reactor_cursor values (?, ?) on conflict (name) do update set "
            "seq = excluded.seq",
            (self.name, seq),
        )

    def apply_new_events(self) -> Applied:
        """Apply every event stored since the cursor; returns what it did."""
        applied = Applied()
        while True:
            events = self._events_after(self.cursor)
            if not events:
                return applied
            for event in events:
                self._apply(event, applied)
            self._fetch_what_lacks_lines(applied)
            self._set_cursor(events[-1].seq)
            applied.events += len(events)

    def _apply(self, event: StoredEvent, applied: Applied) -> None:
        try:
            update = read_event(event)
            if isinstance(update, OrderUpdate):
                self._set_order(update)
                applied.orders += 1
            elif isinstance(update, StockUpdate):
                self.book.set_stock(
                    update.sku, update.location_code, update.on_hand, update.updated_at
                )
                applied.stock_cells += 1
            elif isinstance(update, ShownQuantity):
                self.book.set_shown(
                    update.channel,
                    update.store_id,
                    update.inventory_item_id,
                    update.location_id,
                    update.available,
                    update.updated_at,
                )
                applied.shown += 1
        except LinesNeededError as problem:
            if self.fetch_orders is None:
                self._problem(event, str(problem), applied)
            else:  # fetched in one call per store and batch, below
                self._lines_needed.setdefault((event.channel, event.store_id), []).append(event)
        except (UnreadableEventError, UnresolvedOrderError) as problem:
            self._problem(event, str(problem), applied)
        except Exception as error:  # a body no reader foresaw must not stall every later event
            self._problem(event, f"unexpected {type(error).__name__}: {error}", applied)

    def _fetch_what_lacks_lines(self, applied: Applied) -> None:
        """Orders whose notifications carry no lines and the build has not seen: ask the
        channel for them, all at once, and apply what it shows now (newer than any of the
        notifications, so absolute and final for this round)."""
        waiting, self._lines_needed = self._lines_needed, {}
        for (channel, store_id), events in waiting.items():
            wanted = {str(read_order_id(event)): event for event in events}
            assert self.fetch_orders is not None
            try:
                fetched = self.fetch_orders(channel, store_id, sorted(wanted))
            except Exception as error:  # the channel failed: the refresh will read them
                for event in events:
                    self._problem(event, f"fetching the order failed: {error}", applied)
                continue
            for update in fetched:
                try:
                    self._set_order(update)
                except UnresolvedOrderError as problem:
                    self._problem(wanted[update.order_id], str(problem), applied)
                    continue
                applied.orders += 1
                applied.fetched += 1
            for missing in sorted(set(wanted) - {update.order_id for update in fetched}):
                self._problem(wanted[missing], "the channel does not show the order", applied)

    def _set_order(self, update: OrderUpdate) -> None:
        held = held_skus(self.book, update)
        self.book.set_order(
            update.channel,
            update.store_id,
            update.order_id,
            update.updated_at,
            component_units(self.book, held),
            sold=held,
        )

    def _problem(self, event: StoredEvent, reason: str, applied: Applied) -> None:
        applied.problems.append(reason)
        self.connection.execute(
            "insert or replace into event_problems values (?, ?, ?, ?, ?)",
            (event.seq, event.channel, event.event_id, event.topic, reason),
        )
        log.warning("event %s/%s not applied: %s", event.channel, event.event_id, reason)
