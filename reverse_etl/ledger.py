"""The push ledger in the warehouse: every run, and per listing what was intended, what the
channel acknowledged and what it showed afterwards.

Rows are written before anything is sent (status `planned`), then completed, so a run killed
mid-way leaves a record of what it may have sent; the next run closes it as `interrupted`.
Schema `reverse_etl`:

- push_runs: run_id, started_at, finished_at, dry_run, status (planned | blocked | written |
  partial | failed | interrupted), channels, summary (the plan per channel), blocked_reason,
  failure_reason (per failed channel, why);
- push_ledger: run_id, channel, store_id, listing_key, sku, previous, target, acknowledged,
  observed, status (planned | written | unchanged | conflict_replanned | failed |
  not_confirmed | interrupted | superseded: the fast path set the listing after the build
  read it, and its figure was no higher; the fast path's ledger also `deferred`: a batch push
  held the channel, so the next round plans the listing again), error, updated_at.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from reverse_etl.plan import ListingChange, Plan


@dataclass
class Outcome:
    """What happened to one planned listing."""

    listing_key: str
    status: str
    target: int
    acknowledged: int | None = None
    observed: int | None = None
    error: str | None = None


def ensure_tables(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("create schema if not exists reverse_etl")
    connection.execute(
        """create table if not exists reverse_etl.push_runs (
            run_id varchar primary key, started_at timestamp, finished_at timestamp,
            dry_run boolean, status varchar, channels varchar, summary varchar,
            blocked_reason varchar
        )"""
    )
    connection.execute(
        "alter table reverse_etl.push_runs add column if not exists failure_reason varchar"
    )
    connection.execute(
        """create table if not exists reverse_etl.push_ledger (
            run_id varchar, channel varchar, store_id varchar, listing_key varchar,
            sku varchar, previous integer, target integer, acknowledged integer,
            observed integer, status varchar, error varchar, updated_at timestamp,
            primary key (run_id, listing_key)
        )"""
    )


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def start_run(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    plan: Plan,
    *,
    dry_run: bool,
    channels: Iterable[str],
) -> str:
    summary = json.dumps([s.__dict__ for s in plan.summaries()])
    connection.execute(
        "insert into reverse_etl.push_runs (run_id, started_at, dry_run, status, channels, "
        "summary) values (?, ?, ?, 'planned', ?, ?)",
        [run_id, _now(), dry_run, ",".join(channels), summary],
    )
    if not plan.changes:
        return run_id
    connection.executemany(
        "insert into reverse_etl.push_ledger values "
        "(?, ?, ?, ?, ?, ?, ?, null, null, 'planned', null, ?)",
        [_planned_row(run_id, change) for change in plan.changes],
    )
    return run_id


def record_outcomes(
    connection: duckdb.DuckDBPyConnection, run_id: str, outcomes: Iterable[Outcome]
) -> None:
    outcomes = list(outcomes)
    if not outcomes:
        return
    connection.executemany(
        """update reverse_etl.push_ledger
            set target = ?, acknowledged = ?, observed = ?, status = ?, error = ?,
                updated_at = ?
            where run_id = ? and listing_key = ?""",
        [
            [o.target, o.acknowledged, o.observed, o.status, o.error, _now(), run_id, o.listing_key]
            for o in outcomes
        ],
    )


def finish_run(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    blocked_reason: str | None = None,
    failure_reason: str | None = None,
) -> None:
    connection.execute(
        "update reverse_etl.push_runs set finished_at = ?, status = ?, blocked_reason = ?,"
        " failure_reason = ? where run_id = ?",
        [_now(), status, blocked_reason, failure_reason, run_id],
    )


def open_runs(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Runs that started and never finished: still running, or their process died."""
    rows = connection.execute(
        "select run_id from reverse_etl.push_runs where finished_at is null order by run_id"
    ).fetchall()
    return [str(run_id) for (run_id,) in rows]


def close_interrupted(
    connection: duckdb.DuckDBPyConnection, run_ids: Iterable[str], reason: str
) -> None:
    """Close runs whose process died: the run and its unfinished listings become
    `interrupted`; what they may have sent is re-planned from what the channels show."""
    for run_id in run_ids:
        connection.execute(
            "update reverse_etl.push_runs set finished_at = ?, status = 'interrupted',"
            " failure_reason = ? where run_id = ?",
            [_now(), reason, run_id],
        )
        connection.execute(
            "update reverse_etl.push_ledger set status = 'interrupted', error = ?,"
            " updated_at = ? where run_id = ? and status = 'planned'",
            [reason, _now(), run_id],
        )


def _planned_row(run_id: str, change: ListingChange) -> list[object]:
    return [
        run_id,
        change.channel,
        change.store_id,
        change.listing_key,
        change.sku,
        change.previous,
        change.target,
        _now(),
    ]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
