"""Fault cases: one channel made sick in one way at a time, then a normal run to recover.

Every fault kind the sandbox injects (sandbox/README.md), on every channel it applies to:
transport and body faults at a share of 0.5 and 1.0 of requests; `corrupt_field` at a share of
0.5 and 1.0 of the records carrying the field; schema changes (`renamed_field`,
`added_field`) and `zero_stock` (no share) once. Per case:

1. the world moves a little, so every endpoint has something new to serve;
2. the sick channel's raw row counts are noted;
3. with the fault on, ingest, transform and push run with short deadlines and client
   timeouts (a channels file of their own: `timeout_s`, `ingest_deadline_minutes`,
   `push_deadline_minutes`), so a channel that never answers fails in about a minute;
4. recorded: each command's outcome (ok, or which channels failed and the first line of
   why), whether the healthy channels loaded and show their targets, and whether the sick
   channel's previous rows were kept when its load failed (all or nothing);
5. the fault is cleared, a normal full run follows, and the recovery is checked against the
   truth: raw = truth, nothing twice, every pushable listing at target, no run left open.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from benchmarks.chaos.bench import CLI_STAGES, Bench
from benchmarks.chaos.listings import TargetCheck, check_targets, displayed, targets
from benchmarks.chaos.processes import Finished
from benchmarks.chaos.raw import RawCheck, check_raw
from benchmarks.chaos.runs import open_push_runs

CHANNELS = ("shopify", "amazon", "tiktok_shop", "warehouse")
WRITABLE = ("shopify", "amazon", "tiktok_shop")
SHARED_KINDS = (
    "throttle", "server_error", "slow", "timeout", "truncated", "malformed", "duplicate",
    "dropped_records",
)  # fmt: skip
SHARES = (0.5, 1.0)
# A hanging request outlives the client's timeout, so a 100% timeout costs ~2 s a try.
KIND_SETTINGS: dict[str, dict[str, Any]] = {
    "slow": {"slow_seconds": 1.0},
    "timeout": {"timeout_seconds": 4.0},
}
CLIENT_TIMEOUT_S = 2.0
DEADLINE_MINUTES = 1.0
# Schema and record faults need a field the channel really sends (GraphQL names on Shopify).
RENAMED = {
    "shopify": {"from": "displayFinancialStatus", "to": "financialStatus"},
    "amazon": {"from": "OrderStatus", "to": "Status"},
    "tiktok_shop": {"from": "buyer_email", "to": "buyer_mail"},
    "warehouse": {"from": "on_hand", "to": "onhand"},
}
CORRUPTED = {
    "shopify": {"field": "displayFinancialStatus", "value": "TELEPORTED"},
    "amazon": {"field": "OrderStatus", "value": "Teleported"},
    "tiktok_shop": {"field": "status", "value": "TELEPORTED"},
    "warehouse": {"field": "on_hand", "value": "12,30"},
}
ZERO_STOCK = ("amazon", "tiktok_shop", "warehouse")  # where the sandbox reports stock reads


@dataclass(frozen=True)
class FaultCase:
    channel: str
    kind: str
    share: float | None
    settings: dict[str, Any]

    @property
    def label(self) -> str:
        share = "" if self.share is None else f" {self.share:.0%}"
        return f"{self.channel} {self.kind}{share}"


def cases(
    channels: tuple[str, ...] = CHANNELS, kinds: tuple[str, ...] | None = None
) -> list[FaultCase]:
    """Every case, in a fixed order; `kinds` keeps only some (by name)."""
    found = []
    for channel in channels:
        for kind in SHARED_KINDS:
            for share in SHARES:
                settings = {kind: share, **KIND_SETTINGS.get(kind, {})}
                found.append(FaultCase(channel, kind, share, settings))
        for share in SHARES:
            corrupt = {**CORRUPTED[channel], "share": share}
            found.append(FaultCase(channel, "corrupt_field", share, {"corrupt_field": corrupt}))
        found.append(FaultCase(channel, "renamed_field", None, {"renamed_field": RENAMED[channel]}))
        found.append(FaultCase(channel, "added_field", None, {"added_field": "chaos_extra"}))
        if channel in ZERO_STOCK:
            found.append(FaultCase(channel, "zero_stock", None, {"zero_stock": True}))
    return [case for case in found if kinds is None or case.kind in kinds]


@dataclass
class Outcome:
    """One command under the fault: ok, or which channels failed and why (first line)."""

    ok: bool
    failed_channels: list[str] = field(default_factory=list)
    first_line: str = ""
    status: str = ""  # push: the run's status (written, partial, blocked, ...)

    def describe(self) -> str:
        if self.ok:
            return f"ok{f' ({self.status})' if self.status else ''}"
        who = ",".join(self.failed_channels) or "-"
        status = f"{self.status}: " if self.status else ""
        why = re.sub(r"^FAILED (\w+: )?", "", self.first_line)
        return f"FAILED {status}{who}: {why[:120]}"


@dataclass
class FaultResult:
    case: FaultCase
    ingest: Outcome | None = None
    transform: Outcome | None = None
    push: Outcome | None = None
    healthy_loaded: bool | None = None
    healthy_pushed: TargetCheck | None = None
    sick_rows: str = ""  # what became of the sick channel's previous rows
    sick_rows_kept: bool | None = None  # None: its load went through (nothing to keep)
    recovery_failures: list[str] = field(default_factory=list)
    recovery_raw: RawCheck | None = None
    recovery_targets: TargetCheck | None = None
    lock_failures: int = 0
    error: str | None = None
    seconds: float = 0.0

    @property
    def named_sick_channel(self) -> bool:
        """Some command failed and said it was the sick channel's doing."""
        return any(
            outcome is not None and not outcome.ok and self.case.channel in outcome.failed_channels
            for outcome in (self.ingest, self.push)
        )

    @property
    def push_blocked(self) -> bool:
        """The guard stopped the whole push (a bad read it recognised): nothing was written."""
        return self.push is not None and self.push.status == "blocked"

    @property
    def all_ok(self) -> bool:
        return all(
            outcome is not None and outcome.ok
            for outcome in (self.ingest, self.transform, self.push)
        )

    @property
    def recovered(self) -> bool:
        return (
            self.error is None
            and not self.recovery_failures
            and self.recovery_raw is not None
            and self.recovery_raw.equals_truth
            and self.recovery_raw.no_duplicates
            and self.recovery_targets is not None
            and self.recovery_targets.all_at_target
        )


def fault_channels_file(bench: Bench) -> Path:
    """The manifest with short client timeouts and per-channel deadlines."""
    manifest = json.loads(bench.channels_file.read_text())
    for settings in manifest["channels"].values():
        settings["timeout_s"] = CLIENT_TIMEOUT_S
        settings["ingest_deadline_minutes"] = DEADLINE_MINUTES
        settings["push_deadline_minutes"] = DEADLINE_MINUTES
    path = bench.directory / "channels-faults.json"
    path.write_text(json.dumps(manifest))
    return path


def run_case(bench: Bench, case: FaultCase, number: int, short: Path) -> FaultResult:
    result = FaultResult(case)
    started = time.monotonic()
    runs_before = len(bench.normal_runs)
    try:
        _case(bench, case, result, f"f{number:03d}", short)
    except Exception as error:  # a figure; the benchmark goes on
        result.error = f"{type(error).__name__}: {error}"
        (bench.directory / "logs" / f"fault-{number:03d}-error.txt").write_text(
            traceback.format_exc()
        )
    finally:
        bench.world.clear_faults()
    result.lock_failures = sum(run.blamed_on_a_lock() for run in bench.normal_runs[runs_before:])
    result.seconds = time.monotonic() - started
    return result


def _case(bench: Bench, case: FaultCase, result: FaultResult, label: str, short: Path) -> None:
    bench.world.move()
    before = _row_counts(bench, case.channel)
    bench.world.fault(case.channel, case.settings)
    ingested = bench.run("ingest", label=f"{label}-sick", channels_file=short)
    result.ingest = _ingest_outcome(ingested)
    built = bench.run("transform", label=f"{label}-sick")
    result.transform = Outcome(built.ok, [], "" if built.ok else built.first_failure())
    pushed = bench.run("push", label=f"{label}-sick", channels_file=short)
    result.push = _push_outcome(pushed)
    healthy = [c for c in CHANNELS if c != case.channel]
    loaded = set(_loaded_channels(ingested))
    result.healthy_loaded = all(channel in loaded for channel in healthy)
    with bench.reading() as connection:
        wanted = targets(connection)
    shown = displayed(bench.world.get("/truth/listings")["listings"])
    result.healthy_pushed = check_targets(wanted, shown, {c for c in healthy if c in WRITABLE})
    after = _row_counts(bench, case.channel)
    _judge_rows(result, case.channel in result.ingest.failed_channels, before, after)

    bench.world.clear_faults()
    snapshot = bench.world.snapshot()
    for stage in CLI_STAGES:
        ran = bench.run(stage, label=f"{label}-recover")
        if not ran.ok:
            result.recovery_failures.append(f"{stage}: {ran.first_failure()}")
    with bench.reading() as connection:
        result.recovery_raw = check_raw(connection, snapshot)
        wanted = targets(connection)
        still_open = open_push_runs(connection)
    if still_open:
        result.recovery_failures.append(f"{len(still_open)} push runs left open")
    shown = displayed(bench.world.get("/truth/listings")["listings"])
    result.recovery_targets = check_targets(wanted, shown)


def _ingest_outcome(ran: Finished) -> Outcome:
    if ran.ok:
        return Outcome(True)
    failed = []
    for line in ran.failure_lines():
        found = re.match(r"FAILED (\w+): ", line)
        if found:
            failed.append(found.group(1))
    return Outcome(False, sorted(set(failed)), ran.first_failure())


def _loaded_channels(ran: Finished) -> list[str]:
    return re.findall(r"^(\w+): load ", ran.output, flags=re.MULTILINE)


def _push_outcome(ran: Finished) -> Outcome:
    output = ran.output
    status = re.search(r"^push \S+: (\w+)", output, flags=re.MULTILINE)
    failed = re.findall(r"^FAILED (\w+): ", output, flags=re.MULTILINE)
    return Outcome(
        ran.ok,
        sorted(set(failed)),
        "" if ran.ok else ran.first_failure(),
        status.group(1) if status else "",
    )


def _row_counts(bench: Bench, channel: str) -> dict[str, int]:
    """Rows per table of the channel's raw dataset (dlt's own tables left out)."""
    counts = {}
    with bench.reading() as connection:
        names = connection.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_name not like '\\_dlt%' escape '\\'",
            [f"raw_{channel}"],
        ).fetchall()
        for (name,) in names:
            counts[str(name)] = _count(connection, f'raw_{channel}."{name}"')
    return counts


def _count(connection: duckdb.DuckDBPyConnection, relation: str) -> int:
    ((count,),) = connection.execute(f"select count(*) from {relation}").fetchall()  # noqa: S608
    return int(count)


def _judge_rows(
    result: FaultResult, load_failed: bool, before: dict[str, int], after: dict[str, int]
) -> None:
    """A failed load must leave every table as it was; a load that went through is noted
    when it shrank a table (a short read the checks did not catch)."""
    changed = {
        table: (before.get(table, 0), after.get(table, 0))
        for table in set(before) | set(after)
        if before.get(table, 0) != after.get(table, 0)
    }
    shrunk = {table: counts for table, counts in changed.items() if counts[1] < counts[0]}
    if load_failed:
        result.sick_rows_kept = not changed
        result.sick_rows = "kept" if not changed else f"CHANGED {_describe(changed)}"
    else:
        result.sick_rows_kept = None
        result.sick_rows = f"loaded; SHRANK {_describe(shrunk)}" if shrunk else "loaded"


def _describe(changed: dict[str, tuple[int, int]]) -> str:
    return ", ".join(f"{table} {a}->{b}" for table, (a, b) in sorted(changed.items())[:3])
