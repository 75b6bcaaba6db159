"""A flood of refused requests cannot grow the receiver's memory without end: while the event
store is busy (here: another process holds its write lock), refusals wait up to a cap, and
past it they are only counted; once the store is free, what waited is recorded."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from realtime import batcher
from realtime.batcher import GroupCommitter
from realtime.store import Delivery, EventStore


def test_refusals_past_the_cap_are_counted_not_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batcher, "MAX_WAITING_REFUSALS", 50)
    path = tmp_path / "events.sqlite"
    store = EventStore(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("begin immediate")  # the store's writer now waits on the file's lock
    committer = GroupCommitter(store)
    try:
        for number in range(80):
            committer.note(Delivery("shopify", time.time(), rejected_because=f"forged {number}"))
        # Fifty wait (taken by the blocked writer or still queued); the other thirty do not.
        assert committer.refusals_not_recorded == 30
    finally:
        blocker.execute("rollback")
        blocker.close()
        committer.close()
    recorded = (
        sqlite3.connect(path)
        .execute("select count(*) from deliveries where outcome = 'rejected'")
        .fetchone()[0]
    )
    assert recorded == 80 - committer.refusals_not_recorded
    store.close()
