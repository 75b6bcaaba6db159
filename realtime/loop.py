"""`tributary realtime react`: the reactor's rounds, until stopped.

A round: take the newest published build if there is one (the serving copy, replaced whole
after each passing build, so it is never half-written and never locked), apply every event
stored since the last round, push what moved. Events that arrive while a round pushes wait
for the next: a burst becomes one plan per round, never one call per order.

Each round that applied events is recorded in the event store (`reactor_rounds`): how many
events, when the oldest and newest of them were received, when the round's push finished.
Lag from receipt to push, p50 and p95, is read from there by `realtime status` and Dagster.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from realtime.pusher import FastPusher
from realtime.reactor import Reactor
from realtime.stock_book import StockBook

log = logging.getLogger(__name__)

# Events received this long before a build was published are replayed over it: the build
# may have been ingested before they were (older states lose to the build's, harmlessly).
REPLAY_MARGIN_S = 3600.0
HEARTBEAT_S = 10.0
# How long the bodies of applied events are kept (`TRIBUTARY_REALTIME_KEEP_DAYS`, default 7),
# and how often the reactor empties older ones.
KEEP_DAYS_ENV = "TRIBUTARY_REALTIME_KEEP_DAYS"
FORGET_EVERY_S = 3600.0

ROUNDS = """
create table if not exists reactor_heartbeat (name text primary key, at real not null);
create table if not exists reconciliations (
    build_id text not null, reconciled_at real not null, listings integer not null,
    listings_drifted integer not null, units_drifted integer not null, examples text
);
create table if not exists reactor_rounds (
    started_at real not null, finished_at real not null, events integer not null,
    first_received_at real, last_received_at real, planned integer not null,
    written integer not null, blocked text, failed text
);
"""


@dataclass
class LoopSettings:
    serving_copy: Path
    poll_s: float = 0.2


class ReactorLoop:
    def __init__(
        self, settings: LoopSettings, reactor: Reactor, book: StockBook, pusher: FastPusher
    ) -> None:
        self.settings = settings
        self.reactor = reactor
        self.book = book
        self.pusher = pusher
        self.build_mtime: float | None = None
        self.replaying = False
        self.last_heartbeat = 0.0
        self.last_forgotten = 0.0
        self.unsettled = False  # the last round left targets unpushed (blocked, failed, new build)
        self.stop = threading.Event()
        self.reactor.connection.executescript(ROUNDS)

    def take_new_build(self) -> bool:
        """Load the serving copy when it was replaced since the last look."""
        try:
            mtime = self.settings.serving_copy.stat().st_mtime
        except FileNotFoundError:
            return False
        if mtime == self.build_mtime:
            return False
        first = self.build_mtime is None
        believed = {} if first else {t.listing_key: t.target for t in self.book.targets()}
        build_id = self.book.load_build(self.settings.serving_copy)
        self.unsettled = True  # events newer than the build may move targets off its figures
        if not first:
            self.reconcile(build_id, believed)
        read_at = self.book.read_at()
        self.pusher.reset_to_build(read_at)
        self.build_mtime = mtime
        log.warning("reactor: took build %s", build_id)
        if first and read_at:  # a (re)start: the overlays were in memory; rebuild them
            # From before the build's earliest read: anything later the build may not know.
            earliest = min(at.replace(tzinfo=UTC) for at in read_at.values())
            self.replaying = self.reactor.rewind_to(earliest.timestamp() - REPLAY_MARGIN_S)
        return True

    def reconcile(self, build_id: str, believed: dict[str, int | None]) -> None:
        """What the new build corrected: each listing's target as the fast path believed it
        just before, against the target of the build with the events newer than it still
        applied (being ahead of the build is not drift; having missed or misread is)."""
        now = {t.listing_key: t.target for t in self.book.targets()}
        drifted = {
            key: (believed[key], target)
            for key, target in now.items()
            if key in believed and believed[key] != target
        }
        units = sum(abs((before or 0) - (after or 0)) for before, after in drifted.values())
        examples = ", ".join(f"{k}: {b} -> {a}" for k, (b, a) in list(drifted.items())[:10])
        self.reactor.connection.execute(
            "insert into reconciliations values (?, ?, ?, ?, ?, ?)",
            (build_id, time.time(), len(now), len(drifted), units, examples or None),
        )
        log.warning(
            "reactor: build %s corrected %d of %d listings (%d units)",
            build_id, len(drifted), len(now), units,
        )  # fmt: skip

    def beat(self) -> None:
        """Say the reactor is alive (every HEARTBEAT_S): Dagster's drift check waits for a
        reconciliation only from a reactor that is running."""
        now = time.time()
        if now - self.last_heartbeat < HEARTBEAT_S:
            return
        self.reactor.connection.execute(
            "insert into reactor_heartbeat values (?, ?) on conflict (name) do update set "
            "at = excluded.at",
            (self.reactor.name, now),
        )
        self.last_heartbeat = now

    def forget_old_bodies(self) -> None:
        """Every FORGET_EVERY_S: empty the bodies of applied events older than the retention
        and than any replay the current build could need."""
        now = time.time()
        if now - self.last_forgotten < FORGET_EVERY_S:
            return
        self.last_forgotten = now
        before = now - float(os.environ.get(KEEP_DAYS_ENV, "7")) * 86400.0
        read_at = self.book.read_at()
        if read_at:
            earliest = min(at.replace(tzinfo=UTC) for at in read_at.values()).timestamp()
            before = min(before, earliest - REPLAY_MARGIN_S)
        emptied = self.reactor.forget_bodies(before)
        if emptied:
            log.warning("reactor: emptied the bodies of %d events applied long ago", emptied)

    def round(self) -> None:
        started = time.time()
        self.take_new_build()
        self.beat()  # after the build is taken: a reactor that beats is ready for events
        self.forget_old_bodies()
        if self.book.build_id is None:
            return  # nothing built yet: nothing to start from
        before = self.reactor.cursor
        applied = self.reactor.apply_new_events()
        if not applied.events and not self.unsettled:
            return
        received = self.reactor.connection.execute(
            "select min(received_at), max(received_at) from events where seq > ? and seq <= ?",
            (before, self.reactor.cursor),
        ).fetchone()
        if self.replaying:  # events seen before a restart: their lag says nothing of now
            log.warning("reactor: replayed %d events received since the build", applied.events)
            received, self.replaying = None, False
        try:
            report = self.pusher.push()
        except Exception:
            self.unsettled = True  # pushed again next round, events or not
            raise
        # A blocked plan, a failed or deferred channel, a new build: the next round plans
        # again even if no event arrives meanwhile, so no target waits for the next sale.
        self.unsettled = bool(report.blocked or report.failed_channels)
        written = sum(o.status in ("written", "conflict_replanned") for o in report.outcomes)
        self.reactor.connection.execute(
            "insert into reactor_rounds values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                started,
                time.time(),
                applied.events,
                received[0] if received else None,
                received[1] if received else None,
                report.planned,
                written,
                "; ".join(str(b) for b in report.blocked) or None,
                "; ".join(f"{c}: {w}" for c, w in report.failed_channels.items()) or None,
            ),
        )

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.round()
            except Exception:  # a round that fails is logged and tried again; events wait
                log.exception("reactor round failed")
                self.stop.wait(2.0)
            self.stop.wait(self.settings.poll_s)
