"""One push run: plan -> guard -> write -> read back -> ledger."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from reverse_etl import ledger
from reverse_etl.guard import GuardConfig, GuardFailure, check_plan
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange, Plan, read_plan
from reverse_etl.writers import Writer

CONFIRMED = ("written", "conflict_replanned")

WriterFactory = Callable[[str, str], Writer]  # (channel, run_id) -> writer


@dataclass
class PushReport:
    run_id: str
    dry_run: bool
    plan: Plan
    blocked: list[GuardFailure] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    status: str = "planned"

    def counts(self) -> dict[str, int]:
        tally: dict[str, int] = {}
        for outcome in self.outcomes:
            tally[outcome.status] = tally.get(outcome.status, 0) + 1
        return tally

    @property
    def ok(self) -> bool:
        return self.status in ("written", "dry_run", "nothing_to_do")


Connect = Callable[[], duckdb.DuckDBPyConnection]


def push(
    connect: Connect,
    make_writer: WriterFactory,
    *,
    channels: Sequence[str] | None = None,
    dry_run: bool = False,
    guard: GuardConfig | None = None,
    failed_quality_checks: Sequence[str] = (),
    now: datetime | None = None,
) -> PushReport:
    """Plan the push for `channels` (default: all), and write it unless dry or blocked.

    `connect` opens the warehouse; each ledger step holds it only for its own statements,
    never while a channel is being written (an Amazon feed takes minutes), because DuckDB
    admits one writer at a time and ingestion must not wait on a push.
    """
    with connect() as connection:
        ledger.ensure_tables(connection)
        plan = read_plan(connection, channels)
        planned_channels = sorted({change.channel for change in plan.changes})
        run_id = ledger.start_run(connection, plan, dry_run=dry_run, channels=planned_channels)
    report = PushReport(run_id=run_id, dry_run=dry_run, plan=plan)
    report.blocked = check_plan(
        plan, guard or GuardConfig(), failed_quality_checks=failed_quality_checks, now=now
    )
    if report.blocked:
        report.status = "blocked"
        reason = "; ".join(str(failure) for failure in report.blocked)
        with connect() as connection:
            ledger.finish_run(connection, run_id, "blocked", reason)
        return report
    if dry_run or not plan.changes:
        report.status = "dry_run" if dry_run else "nothing_to_do"
        with connect() as connection:
            ledger.finish_run(connection, run_id, report.status)
        return report
    for channel in planned_channels:
        changes = plan.for_channel(channel)
        writer = make_writer(channel, run_id)
        outcomes = confirm(writer, changes, writer.write(changes))
        with connect() as connection:
            ledger.record_outcomes(connection, run_id, outcomes)
        report.outcomes += outcomes
        report.calls[channel] = int(getattr(writer, "calls", 0))
    failed = sum(outcome.status not in (*CONFIRMED, "unchanged") for outcome in report.outcomes)
    if not failed:
        report.status = "written"
    else:
        report.status = "failed" if failed == len(report.outcomes) else "partial"
    with connect() as connection:
        ledger.finish_run(connection, run_id, report.status)
    return report


def confirm(
    writer: Writer, changes: Sequence[ListingChange], outcomes: list[Outcome]
) -> list[Outcome]:
    """Read back what the channel shows; a written listing the write evidently did not reach
    is `not_confirmed` (the ledger keeps both numbers)."""
    written = [o for o in outcomes if o.status in CONFIRMED]
    if not written:
        return outcomes
    by_key = {change.listing_key: change for change in changes}
    shown = writer.read_back([by_key[o.listing_key] for o in written])
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
