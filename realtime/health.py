"""How the fast path is doing, read from its event store: what `realtime status` prints and
what Dagster observes.

- deliveries per channel: accepted, duplicates, refused (forged, stale, unsigned);
- backlog: events stored that the reactor has not applied yet;
- problems: events the reactor could not read (left to the refresh);
- lag from receipt to push, per reactor round (its oldest event to its push's end), p50
  and p95, and how many rounds were blocked by a guard or had a channel fail;
- what the last refresh corrected: listings whose fast-path target the build changed;
- when the reactor last said it was alive (its heartbeat).
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Health:
    window_s: float
    deliveries: dict[str, dict[str, int]] = field(default_factory=dict)  # channel -> outcome
    backlog: int = 0
    problems: int = 0
    rounds: int = 0
    lag_p50_s: float | None = None
    lag_p95_s: float | None = None
    blocked_rounds: int = 0
    failed_rounds: int = 0
    # The last refresh's correction of the fast path: (build id, listings, drifted, units).
    last_reconciliation: tuple[str, int, int, int] | None = None
    reactor_beat_at: float | None = None  # the reactor's last heartbeat (epoch seconds)

    def reactor_alive(self, within_s: float = 60.0, now: float | None = None) -> bool:
        """Whether the reactor beat within `within_s` (it beats every few seconds)."""
        now = time.time() if now is None else now
        return self.reactor_beat_at is not None and now - self.reactor_beat_at < within_s

    def lines(self) -> list[str]:
        said = []
        for channel, outcomes in sorted(self.deliveries.items()):
            said.append(
                f"{channel}: {outcomes.get('accepted', 0)} accepted, "
                f"{outcomes.get('duplicate', 0)} duplicates, {outcomes.get('rejected', 0)} refused"
            )
        alive = (
            f"last alive {time.time() - self.reactor_beat_at:.0f} s ago"
            if self.reactor_beat_at is not None
            else "never started"
        )
        said.append(
            f"reactor: {alive}; {self.backlog} events waiting, {self.problems} not readable"
        )
        if self.rounds:
            said.append(
                f"pushes: {self.rounds} rounds, lag from receipt to push p50 "
                f"{self.lag_p50_s:.2f} s, p95 {self.lag_p95_s:.2f} s; "
                f"{self.blocked_rounds} blocked, {self.failed_rounds} with a failed channel"
            )
        else:
            said.append("pushes: no reactor round in the window")
        if self.last_reconciliation:
            build, listings, drifted, units = self.last_reconciliation
            said.append(
                f"last refresh (build {build}) corrected {drifted} of {listings} listings, "
                f"{units} units"
            )
        return said


def _table_exists(connection: sqlite3.Connection, name: str) -> bool:
    found = connection.execute(
        "select count(*) from sqlite_master where type = 'table' and name = ?", (name,)
    ).fetchone()
    return bool(found and found[0])


def read_health(store: Path, window_s: float = 3600.0, now: float | None = None) -> Health:
    since = (time.time() if now is None else now) - window_s
    health = Health(window_s)
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10.0)
    try:
        for channel, outcome, count in connection.execute(
            "select channel, outcome, count(*) from deliveries where received_at >= ? "
            "group by channel, outcome",
            (since,),
        ):
            health.deliveries.setdefault(channel, {})[outcome] = int(count)
        if _table_exists(connection, "reactor_cursor"):
            cursor = connection.execute("select max(seq) from reactor_cursor").fetchone()
            waiting = connection.execute(
                "select count(*) from events where seq > ?", ((cursor[0] or 0),)
            ).fetchone()
            health.backlog = int(waiting[0])
            problems = connection.execute("select count(*) from event_problems").fetchone()
            health.problems = int(problems[0])
        if _table_exists(connection, "reactor_rounds"):
            rows = connection.execute(
                "select finished_at - first_received_at, blocked, failed from reactor_rounds "
                "where finished_at >= ? and planned > 0",
                (since,),
            ).fetchall()
            lags = sorted(float(lag) for lag, _, _ in rows if lag is not None)
            health.rounds = len(rows)
            health.blocked_rounds = sum(blocked is not None for _, blocked, _ in rows)
            health.failed_rounds = sum(failed is not None for _, _, failed in rows)
            if lags:
                health.lag_p50_s = statistics.median(lags)
                health.lag_p95_s = lags[min(len(lags) - 1, int(0.95 * len(lags)))]
        if _table_exists(connection, "reactor_heartbeat"):
            beat = connection.execute("select max(at) from reactor_heartbeat").fetchone()
            health.reactor_beat_at = None if not beat or beat[0] is None else float(beat[0])
        if _table_exists(connection, "reconciliations"):
            last = connection.execute(
                "select build_id, listings, listings_drifted, units_drifted "
                "from reconciliations order by reconciled_at desc limit 1"
            ).fetchone()
            if last:
                health.last_reconciliation = (
                    str(last[0]),
                    int(last[1]),
                    int(last[2]),
                    int(last[3]),
                )
    finally:
        connection.close()
    return health
