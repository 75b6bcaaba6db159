"""One push run: plan -> guard -> write -> read back -> ledger, each channel on its own.

Channels are written side by side, each in its own thread, under its own deadline and its own
lock: a channel that throttles, times out or breaks fails alone (its listings are `failed` in
the ledger, with the reason), the others go on, and the run ends `partial` naming what failed.
The warehouse is held only for the ledger's statements, never while a channel is written.

A run holds a lock of its own for as long as it lives (`push-run-<id>.lock`); the next run
closes every open run whose lock is free (its process died, killed or crashed) as
`interrupted`, so no run stays `planned` forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from core.locks import FileLock, try_lock
from core.warehouse import Warehouse
from reverse_etl import ledger
from reverse_etl.builds import build_problems
from reverse_etl.fast_path import defer_to_fast_path
from reverse_etl.guard import GuardConfig, GuardFailure, check_plan
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange, Plan, read_plan
from reverse_etl.writers import Writer

log = logging.getLogger(__name__)

CONFIRMED = ("written", "conflict_replanned")
# `superseded`: left to the fast path, which set the listing after the build read it.
SETTLED = (*CONFIRMED, "unchanged", "superseded")
INTERRUPTED = "the process running this push died (killed or crashed) before it finished"

WriterFactory = Callable[[str, str], Writer]  # (channel, run_id) -> writer


@dataclass
class PushReport:
    run_id: str
    dry_run: bool
    plan: Plan
    blocked: list[GuardFailure] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    failed_channels: dict[str, str] = field(default_factory=dict)  # channel -> why
    interrupted_runs: list[str] = field(default_factory=list)  # closed by this run
    status: str = "planned"

    def counts(self) -> dict[str, int]:
        tally: dict[str, int] = {}
        for outcome in self.outcomes:
            tally[outcome.status] = tally.get(outcome.status, 0) + 1
        return tally

    @property
    def ok(self) -> bool:
        return self.status in ("written", "dry_run", "nothing_to_do")


@dataclass
class ChannelResult:
    channel: str
    outcomes: list[Outcome]
    calls: int
    failure: str | None = None


def push(
    warehouse: Warehouse,
    make_writer: WriterFactory,
    *,
    channels: Sequence[str] | None = None,
    dry_run: bool = False,
    guard: GuardConfig | None = None,
    failed_quality_checks: Sequence[str] = (),
    now: datetime | None = None,
) -> PushReport:
    """Plan the push for `channels` (default: all), and write it unless dry or blocked."""
    run_id = ledger.new_run_id()
    with _alive(warehouse, run_id):  # before the run is recorded: no one may take it for dead
        with warehouse.writer("push: plan") as connection:
            ledger.ensure_tables(connection)
            interrupted = _close_interrupted(connection, warehouse)
            plan = read_plan(connection, channels)
            distrust = build_problems(connection, plan.build_ids)
            planned_channels = sorted({change.channel for change in plan.changes})
            ledger.start_run(connection, run_id, plan, dry_run=dry_run, channels=planned_channels)
        report = PushReport(run_id=run_id, dry_run=dry_run, plan=plan)
        report.interrupted_runs = interrupted
        report.blocked = check_plan(
            plan,
            guard or GuardConfig(),
            failed_quality_checks=failed_quality_checks,
            build_problems=distrust,
            now=now,
        )
        if report.blocked:
            report.status = "blocked"
            reason = "; ".join(str(failure) for failure in report.blocked)
            with warehouse.writer("push: ledger") as connection:
                ledger.finish_run(connection, run_id, "blocked", reason)
            return report
        if dry_run or not plan.changes:
            report.status = "dry_run" if dry_run else "nothing_to_do"
            with warehouse.writer("push: ledger") as connection:
                ledger.finish_run(connection, run_id, report.status)
            return report
        results = _push_channels(warehouse, make_writer, run_id, plan, planned_channels)
        for result in results:
            report.outcomes += result.outcomes
            report.calls[result.channel] = result.calls
            if result.failure:
                report.failed_channels[result.channel] = result.failure
        report.status = _run_status(report)
        reasons = "; ".join(f"{name}: {why}" for name, why in report.failed_channels.items())
        with warehouse.writer("push: ledger") as connection:
            ledger.finish_run(connection, run_id, report.status, failure_reason=reasons or None)
        return report


def _push_channels(
    warehouse: Warehouse,
    make_writer: WriterFactory,
    run_id: str,
    plan: Plan,
    channels: list[str],
) -> list[ChannelResult]:
    """Every channel at once, each isolated from the others' failures."""

    def one(channel: str) -> ChannelResult:
        changes = plan.for_channel(channel)
        lock = FileLock(
            warehouse.locks_dir / f"push-{channel}.lock",
            f"the {channel} push lock",
            purpose=f"push {run_id} to {channel}",
        )
        with lock.held():
            # Under the lock: the fast path writes only under it, and records before letting go.
            changes, superseded = defer_to_fast_path(changes, warehouse.fast_push_ledger_path)
            result = (
                push_channel(channel, changes, make_writer, run_id)
                if changes
                else ChannelResult(channel, [], 0)
            )
        result.outcomes += superseded
        with warehouse.writer(f"push: ledger {channel}") as connection:
            ledger.record_outcomes(connection, run_id, result.outcomes)
        return result

    with ThreadPoolExecutor(max_workers=max(1, len(channels)), thread_name_prefix="push") as pool:
        return list(pool.map(one, channels))


def push_channel(
    channel: str, changes: Sequence[ListingChange], make_writer: WriterFactory, run_id: str
) -> ChannelResult:
    """Write and read back one channel; any failure of the channel stays the channel's."""
    writer: Writer | None = None
    try:
        writer = make_writer(channel, run_id)
        outcomes = confirm(writer, changes, writer.write(changes))
    except Exception as error:  # the channel's failure must not end the other channels' pushes
        log.exception("%s push stopped", channel)
        reason = f"the push stopped: {error}"
        outcomes = [
            Outcome(
                c.listing_key,
                "failed",
                c.target,
                error=f"{reason}; whether it was set is unknown until the next read",
            )
            for c in changes
        ]
        return ChannelResult(channel, outcomes, _calls(writer), reason)
    failed = [outcome for outcome in outcomes if outcome.status not in SETTLED]
    failure = None
    if failed:
        first = failed[0]
        failure = f"{len(failed)} of {len(outcomes)} listings not set; first: {first.error}"
    return ChannelResult(channel, outcomes, _calls(writer), failure)


def _calls(writer: Writer | None) -> int:
    return int(getattr(writer, "calls", 0)) if writer is not None else 0


def _run_status(report: PushReport) -> str:
    failed = sum(outcome.status not in SETTLED for outcome in report.outcomes)
    if not failed:
        return "written"
    return "failed" if failed == len(report.outcomes) else "partial"


def confirm(
    writer: Writer, changes: Sequence[ListingChange], outcomes: list[Outcome]
) -> list[Outcome]:
    """Read back what the channel shows; a written listing the write evidently did not reach
    is `not_confirmed` (the ledger keeps both numbers). A read-back that fails leaves the
    written listings `not_confirmed` with the reason; it never discards what was written."""
    written = [o for o in outcomes if o.status in CONFIRMED]
    if not written:
        return outcomes
    by_key = {change.listing_key: change for change in changes}
    try:
        shown = writer.read_back([by_key[o.listing_key] for o in written])
    except Exception as error:  # a failed read must not lose the record of the writes
        log.warning("%s read-back failed: %s", writer.channel, error)
        for outcome in written:
            outcome.status = "not_confirmed"
            outcome.error = (
                f"written (acknowledged {outcome.acknowledged}), read-back failed: {error}"
            )
        return outcomes
    for outcome in written:
        outcome.observed = shown.get(outcome.listing_key)
        if not took_effect(outcome.observed, outcome.target, by_key[outcome.listing_key].previous):
            outcome.status = "not_confirmed"
            outcome.error = f"the channel shows {outcome.observed} after {outcome.target} was set"
    return outcomes


def took_effect(observed: int | None, target: int, previous: int | None) -> bool:
    """Whether a read-back shows the write landed.

    The channel keeps selling between the write and the read-back, and each sale lowers what it
    shows, so a figure below the target is the target sold down, unless it is exactly what the
    listing showed before (the write never arrived). A figure above the target, or none, means
    the write did not land. Misreading a failed write plus sales as success can only leave the
    listing showing less than planned (never stock that is gone), and the next run corrects it.
    """
    if observed is None or observed > target:
        return False
    return observed == target or observed != previous


def _run_lock_path(warehouse: Warehouse, run_id: str) -> FileLock:
    return FileLock(
        warehouse.locks_dir / f"push-run-{run_id}.lock",
        f"push run {run_id}",
        purpose=f"push run {run_id}",
        wait_s=0,
    )


@contextmanager
def _alive(warehouse: Warehouse, run_id: str) -> Iterator[None]:
    """Hold the run's own lock while it lives; its file goes once the run has finished."""
    lock = _run_lock_path(warehouse, run_id)
    with lock.held():
        yield
    lock.path.unlink(missing_ok=True)


def _close_interrupted(connection: duckdb.DuckDBPyConnection, warehouse: Warehouse) -> list[str]:
    """Close, as `interrupted`, the open runs whose process is gone (their lock is free)."""
    dead = [
        run_id
        for run_id in ledger.open_runs(connection)
        if try_lock(_run_lock_path(warehouse, run_id).path)
    ]
    if dead:
        ledger.close_interrupted(connection, dead, INTERRUPTED)
        for run_id in dead:
            _run_lock_path(warehouse, run_id).path.unlink(missing_ok=True)
        log.warning("closed %d interrupted push run(s): %s", len(dead), ", ".join(dead))
    return dead
