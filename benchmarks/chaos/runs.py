"""Runs left open, and killed runs closed: the push ledger's and Dagster's.

A killed push leaves its `reverse_etl.push_runs` row open (no `finished_at`); the next push
must close it as `interrupted`. A killed `tributary run` leaves its Dagster run STARTED; the
next launch must mark it failed, "interrupted". A run that stays open misleads whoever reads
the history (a UI showing a run in progress that is not, a push nobody will finish), so the
benchmark counts the open runs right after each kill and checks each was closed by the
re-run. Dagster is imported only when its instance exists (importing it costs seconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

OPEN_DAGSTER = ("NOT_STARTED", "QUEUED", "STARTING", "STARTED", "CANCELING")


def open_push_runs(connection: duckdb.DuckDBPyConnection) -> set[str]:
    if not _has_push_runs(connection):
        return set()
    return {
        str(run_id)
        for (run_id,) in connection.execute(
            "select run_id from reverse_etl.push_runs where finished_at is null"
        ).fetchall()
    }


def push_run_statuses(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not _has_push_runs(connection):
        return {}
    return {
        str(run_id): str(status)
        for run_id, status in connection.execute(
            "select run_id, status from reverse_etl.push_runs"
        ).fetchall()
    }


def _has_push_runs(connection: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        connection.execute(
            "select 1 from information_schema.tables where table_schema = 'reverse_etl' "
            "and table_name = 'push_runs'"
        ).fetchall()
    )


@dataclass(frozen=True)
class DagsterRuns:
    open: frozenset[str]  # run ids still NOT_STARTED/QUEUED/STARTING/STARTED/CANCELING
    interrupted: frozenset[str]  # failed runs whose failure says "interrupted"
    total: int
    # Pool slots (`warehouse`, `channel_<slug>`) claimed by a run that is over: every later
    # step of that pool waits for a slot no one will free.
    leaked_slots: tuple[str, ...] = ()


def dagster_runs(home: Path) -> DagsterRuns:
    """The instance's runs, if any launch ever created it."""
    if not (home / "history").exists():
        return DagsterRuns(frozenset(), frozenset(), 0)
    import dagster as dg

    opened, interrupted = set(), set()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        for run in runs:
            status = run.status.value
            if status in OPEN_DAGSTER:
                opened.add(run.run_id)
            elif status == "FAILURE" and _said_interrupted(
                instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
            ):
                interrupted.add(run.run_id)
        storage = instance.event_log_storage
        leaked = tuple(
            f"{pool}: {slot.step_key} of run {slot.run_id[:8]}"
            for pool in sorted(storage.get_concurrency_keys())
            for slot in storage.get_concurrency_info(pool).claimed_slots
            if slot.run_id not in opened
        )
    return DagsterRuns(frozenset(opened), frozenset(interrupted), len(runs), leaked)


def _said_interrupted(events: Sequence[Any]) -> bool:
    for event in events:
        message = getattr(event.dagster_event, "message", None) or getattr(event, "message", "")
        if "interrupted" in str(message):
            return True
    return False
