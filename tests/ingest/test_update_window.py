"""A quarantined record is held by its update window: read again until it loads, reported once.

Pure state, so plain values; test_faults.py shows the same against the sandbox.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dlt_sources.common.window import RETRY_HELD, UpdateWindow, iso

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LOOKBACK = timedelta(minutes=15)


def read(state: dict[str, Any], records: dict[str, datetime], bad: set[str]) -> dict[str, bool]:
    """One run: the channel serves the records updated since the window's start; the bad
    ones go to quarantine. Returns, per bad record, whether the window says it was held
    already at that update."""
    window = UpdateWindow(state, LOOKBACK, EPOCH)
    again = {}
    served = {key: stamp for key, stamp in records.items() if stamp >= window.start}
    for record_id, stamp in served.items():
        if window.is_new(record_id, iso(stamp)) and record_id in bad:
            again[record_id] = window.hold(record_id)
    window.advance()
    return again


def test_a_held_record_is_read_again_until_it_loads() -> None:
    state: dict[str, Any] = {}
    old = NOW - timedelta(hours=2)
    read(state, {"a": old, "b": NOW}, bad={"a"})
    # The watermark is at NOW, yet the next read starts where it finds `a` again.
    assert UpdateWindow(state, LOOKBACK, EPOCH).start == old
    assert read(state, {"a": old, "b": NOW}, bad={"a"}) == {"a": True}  # reported once
    read(state, {"a": old, "b": NOW}, bad=set())  # `a` passes now: loaded, released
    assert UpdateWindow(state, LOOKBACK, EPOCH).start == NOW - LOOKBACK
    assert read(state, {"a": old, "b": NOW}, bad={"a"}) == {}  # loaded: not read any more


def test_a_held_record_changed_upstream_is_a_new_quarantine() -> None:
    state: dict[str, Any] = {}
    read(state, {"a": NOW - timedelta(minutes=5)}, bad={"a"})
    assert read(state, {"a": NOW}, bad={"a"}) == {"a": False}


def test_a_record_held_longer_than_the_retry_is_let_go() -> None:
    state: dict[str, Any] = {}
    read(state, {"a": NOW - timedelta(minutes=1)}, bad={"a"})
    later = NOW + RETRY_HELD + timedelta(minutes=1)
    read(state, {"b": later}, bad=set())
    assert UpdateWindow(state, LOOKBACK, EPOCH).start == later - LOOKBACK
