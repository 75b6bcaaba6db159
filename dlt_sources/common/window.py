"""An update window with a lookback: incremental reads that miss nothing and repeat nothing.

Channels index updates late (Amazon asks for a two-minute margin; replicas lag), so each
read starts `lookback` before the last high-water mark. What that overlap brings back is
compared with what the previous run loaded (`seen`: id -> update stamp within the lookback),
so only new or changed records pass: late updates are caught and unchanged records are not
loaded, counted or enriched (Amazon order items are fetched only for what passes) again.
State lives in dlt's resource state, committed with the load it describes.

A record that fails its checks is quarantined, not loaded (dlt_sources.common.quarantine),
and *held*: the next reads start early enough to read it again, for RETRY_HELD after its
update stamp, so it loads as soon as it passes, whether the channel served it whole again or
the rules learned what it says (a new status mapped in order_status_map). Without this, the
watermark moved past it and a record quarantined by a passing fault was never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# How long a quarantined record is read again, from its update stamp. Every read of a held
# record's window re-reads what changed since it (unchanged records are skipped, not loaded).
RETRY_HELD = timedelta(hours=24)


def parse_time(value: Any) -> datetime:
    """An API timestamp (ISO 8601 with offset or Z, or unix seconds) as an aware UTC datetime."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a timezone: {value!r}")
    return parsed.astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class UpdateWindow:
    """Where the next read starts, and which updates near that point are already loaded."""

    state: dict[str, Any]
    lookback: timedelta
    initial: datetime
    _next_seen: dict[str, str] = field(default_factory=dict)
    _held_now: dict[str, str] = field(default_factory=dict)
    _high: datetime | None = None

    @property
    def watermark(self) -> datetime | None:
        stored = self.state.get("watermark")
        return parse_time(stored) if stored else None

    @property
    def start(self) -> datetime:
        """Where to ask the channel to start: the watermark minus the lookback, or earlier to
        read a held record again."""
        mark = self.watermark
        if mark is None:
            return self.initial
        held = [parse_time(stamp) for stamp in (self.state.get("held") or {}).values()]
        return max(self.initial, min([mark - self.lookback, *held]))

    @property
    def first_run(self) -> bool:
        return self.watermark is None

    def is_new(self, record_id: str, updated: Any) -> bool:
        """True unless this exact update of this record was loaded by an earlier run.

        A record whose stamp cannot be read passes (its checks will quarantine it).
        """
        try:
            stamp = iso(parse_time(updated))
        except (TypeError, ValueError, OverflowError):
            return True
        seen = self.state.get("seen") or {}
        if self._next_seen.get(record_id) == stamp:
            return False  # the same update again within this run (overlapping pages)
        self._next_seen[record_id] = stamp
        moment = parse_time(stamp)
        if self._high is None or moment > self._high:
            self._high = moment
        return seen.get(record_id) != stamp

    def hold(self, record_id: str) -> bool:
        """This run read the record and quarantined it: it is not loaded, so the next runs
        read it again (see the module docstring). True when it was held already at this very
        update: a known bad record read again, which its first quarantine reported."""
        stamp = self._next_seen.pop(record_id, None)
        if stamp is None:
            return False
        self._held_now[record_id] = stamp
        return (self.state.get("held") or {}).get(record_id) == stamp

    def advance(self, window_end: datetime | None = None) -> None:
        """Commit the new high-water mark (the channel's window end when it states one)."""
        previous = self.watermark
        candidates = [m for m in (previous, self._high, window_end) if m is not None]
        if not candidates:
            return
        mark = max(candidates)
        held = {
            key: stamp
            for key, stamp in {**(self.state.get("held") or {}), **self._held_now}.items()
            if key not in self._next_seen  # loaded by this run: released
            and parse_time(stamp) >= mark - RETRY_HELD
        }
        # What a read from the earliest held record brings back and was loaded is skipped.
        horizon = min([mark - self.lookback, *(parse_time(stamp) for stamp in held.values())])
        seen = {
            key: stamp
            for key, stamp in {**(self.state.get("seen") or {}), **self._next_seen}.items()
            if parse_time(stamp) >= horizon
        }
        self.state["watermark"] = iso(mark)
        self.state["seen"] = seen
        self.state["held"] = held
        self._next_seen = {}
        self._held_now = {}
