"""The event store does not keep customers' details for ever: the bodies of events the
reactor has applied are emptied once they are older than the retention, their ids kept so a
late duplicate is still refused as one; events not yet applied keep everything."""

from __future__ import annotations

import json
import time
from pathlib import Path

from realtime.reactor import Reactor
from realtime.stock_book import StockBook
from realtime.store import DUPLICATE, Delivery, EventStore

DAY_S = 86400.0
ORDER = json.dumps({"id": 1, "email": "ada@example.com", "shipping_address": {"zip": "1011"}})


def delivery(event_id: str, received_at: float) -> Delivery:
    return Delivery(
        "shopify",
        received_at,
        event_id=event_id,
        topic="orders/create",
        store_id="s1",
        headers={"x-shopify-shop-domain": "s1.myshopify.com"},
        body=ORDER.encode(),
    )


def test_applied_old_events_lose_their_bodies_and_keep_their_ids(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    store = EventStore(path)
    now = time.time()
    store.record([delivery("old-applied", now - 9 * DAY_S), delivery("new-applied", now - 60)])
    store.record([delivery("old-waiting", now - 8 * DAY_S)])  # received late, not applied
    reactor = Reactor(path, StockBook())
    applied = store.connection.execute(
        "select max(seq) from events where event_id in ('old-applied', 'new-applied')"
    ).fetchone()[0]
    reactor.connection.execute("insert into reactor_cursor values ('reactor', ?)", (applied,))

    assert reactor.forget_bodies(now - 7 * DAY_S) == 1
    bodies = dict(store.connection.execute("select event_id, body from events").fetchall())
    assert bodies["old-applied"] == b""
    assert json.loads(bodies["new-applied"])["email"] == "ada@example.com"
    assert json.loads(bodies["old-waiting"])["email"] == "ada@example.com"  # not yet applied
    assert store.record([delivery("old-applied", now)]) == [DUPLICATE]
    # A rewound reactor still reads them: an emptied event is a problem to skip, not a crash.
    (emptied,) = EventStore.read_events(store.connection, 0, 10)[:1]
    assert (emptied.event_id, emptied.headers, emptied.body) == ("old-applied", {}, b"")
    assert reactor.forget_bodies(now - 7 * DAY_S) == 0  # nothing left to empty
    store.close()
