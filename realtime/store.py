"""The fast path's durable event store: a SQLite file of its own, beside the warehouse.

Why not the warehouse: DuckDB admits one writing process and shuts every other process out
while it writes, and an ingest or a dbt build can hold it for minutes. A channel waits 3 to 5
seconds for its answer. So events go to a store no batch job ever locks: SQLite in WAL mode,
where one writer (the receiver) and any number of readers (the reactor, `realtime status`,
Dagster's observations) never block each other. `synchronous=FULL` makes every commit reach
the disk before the receiver answers 2xx: an acknowledged event survives kill -9 and power
loss. (With a Postgres warehouse the same tables can live in Postgres, which has no such lock.)

Every delivery the receiver answers is recorded with its outcome (accepted, duplicate,
rejected and why), so health and lag are read from the store rather than from process memory.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import orjson

STORE_ENV = "TRIBUTARY_REALTIME_STORE"
DEFAULT_PATH = Path("data/realtime.sqlite")


def configured_store_path(given: str | None = None) -> Path:
    """The event store: `given`, else $TRIBUTARY_REALTIME_STORE, else data/realtime.sqlite."""
    return Path(given or os.environ.get(STORE_ENV) or DEFAULT_PATH)


ACCEPTED, DUPLICATE, REJECTED = "accepted", "duplicate", "rejected"

SCHEMA = """
create table if not exists events (
    seq integer primary key autoincrement,
    channel text not null,
    event_id text not null,
    topic text not null,
    store_id text not null,
    signed_at real,
    received_at real not null,
    headers blob not null,
    body blob not null,
    unique (channel, event_id)
);
create table if not exists deliveries (
    received_at real not null,
    channel text not null,
    outcome text not null,
    event_id text,
    reason text
);
create index if not exists deliveries_by_time on deliveries (received_at);
create index if not exists events_by_receipt on events (received_at);
"""


@dataclass(frozen=True)
class Delivery:
    """One answered delivery: an event to store (accepted or duplicate) or a refusal."""

    channel: str
    received_at: float
    event_id: str | None = None
    topic: str = ""
    store_id: str = ""
    signed_at: float | None = None
    headers: dict[str, str] | None = None
    body: bytes = b""
    rejected_because: str | None = None


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    channel: str
    event_id: str
    topic: str
    store_id: str
    signed_at: float | None
    received_at: float
    headers: dict[str, str]
    body: bytes


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the store's durability settings; creates the file and tables."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    connection.execute("pragma journal_mode=wal")
    connection.execute("pragma synchronous=full")
    connection.executescript(SCHEMA)
    return connection


class EventStore:
    """Writes deliveries in batches (one transaction, one fsync) and reads events back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection = connect(path)

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.connection.execute("begin immediate")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("rollback")
            raise
        self.connection.execute("commit")

    def record(self, deliveries: Sequence[Delivery]) -> list[str]:
        """Store a batch in one durable commit; the outcome of each, in order."""
        outcomes = []
        with self.transaction() as connection:
            for delivery in deliveries:
                outcome = self._record_one(connection, delivery)
                connection.execute(
                    "insert into deliveries values (?, ?, ?, ?, ?)",
                    (
                        delivery.received_at,
                        delivery.channel,
                        outcome,
                        delivery.event_id,
                        delivery.rejected_because,
                    ),
                )
                outcomes.append(outcome)
        return outcomes

    @staticmethod
    def _record_one(connection: sqlite3.Connection, delivery: Delivery) -> str:
        if delivery.rejected_because is not None or delivery.event_id is None:
            return REJECTED
        cursor = connection.execute(
            "insert or ignore into events (channel, event_id, topic, store_id, signed_at, "
            "received_at, headers, body) values (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                delivery.channel,
                delivery.event_id,
                delivery.topic,
                delivery.store_id,
                delivery.signed_at,
                delivery.received_at,
                orjson.dumps(delivery.headers or {}),
                delivery.body,
            ),
        )
        return ACCEPTED if cursor.rowcount == 1 else DUPLICATE

    def events_after(self, seq: int, limit: int = 10_000) -> list[StoredEvent]:
        return self.read_events(self.connection, seq, limit)

    @staticmethod
    def read_events(connection: sqlite3.Connection, seq: int, limit: int) -> list[StoredEvent]:
        """Events stored after `seq`, oldest first (any connection to the store)."""
        rows = connection.execute(
            "select seq, channel, event_id, topic, store_id, signed_at, received_at, headers, "
            "body from events where seq > ? order by seq limit ?",
            (seq, limit),
        ).fetchall()
        return [
            StoredEvent(
                seq=row[0],
                channel=row[1],
                event_id=row[2],
                topic=row[3],
                store_id=row[4],
                signed_at=row[5],
                received_at=row[6],
                headers=orjson.loads(row[7]),
                body=bytes(row[8]),
            )
            for row in rows
        ]

    def outcome_counts(self, since: float = 0.0) -> dict[tuple[str, str], int]:
        """(channel, outcome) -> deliveries answered since `since` (unix seconds)."""
        rows = self.connection.execute(
            "select channel, outcome, count(*) from deliveries where received_at >= ? "
            "group by channel, outcome",
            (since,),
        ).fetchall()
        return {(channel, outcome): count for channel, outcome, count in rows}
