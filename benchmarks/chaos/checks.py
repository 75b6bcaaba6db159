"""Everything a trial checks once the pipeline has run again, as figures (never exceptions).

Each check compares the platform with something it did not compute: raw tables with the
sandbox's truth as it stood before the re-run (after it, the re-run's push changes what the
channels display), the marts with a clean full-refresh build of the same raw data, the
channels with the targets, the stock-write log with itself, the run records with the kills.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

from benchmarks.chaos.bench import Bench
from benchmarks.chaos.listings import (
    TargetCheck,
    check_targets,
    conflicting_writes,
    displayed,
    targets,
)
from benchmarks.chaos.marts import clean_build, differing, fingerprints, without_load_stamps
from benchmarks.chaos.raw import RawCheck, check_raw
from benchmarks.chaos.runs import dagster_runs, open_push_runs, push_run_statuses
from benchmarks.chaos.world import Snapshot


@dataclass(frozen=True)
class OpenAfterKill:
    """Runs the kill left open, before anything ran again."""

    push: frozenset[str]
    dagster: frozenset[str]


@dataclass
class Checks:
    raw: RawCheck
    marts_vs_clean: list[str]  # tables that differ from the clean build
    clean_build_ok: bool
    marts_vs_reference: list[str] | None  # None: no earlier build of this world to compare
    targets: TargetCheck
    conflicts: list[str]
    open_push_runs: int
    open_dagster_runs: int
    push_left_open: int  # by the kill
    push_closed: int  # of those, now `interrupted`
    dagster_left_open: int
    dagster_closed: int
    dagster_leaked_slots: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def marts_identical(self) -> bool:
        """Equal to a clean build that succeeded: a failed one is no reference, and its
        half-built copy may well match what it was copied from."""
        return self.clean_build_ok and not self.marts_vs_clean and not self.marts_vs_reference

    @property
    def runs_closed(self) -> bool:
        return (
            self.open_push_runs == 0
            and self.open_dagster_runs == 0
            and self.push_closed == self.push_left_open
            and self.dagster_closed == self.dagster_left_open
            and not self.dagster_leaked_slots
        )

    @property
    def passed(self) -> bool:
        return (
            self.raw.equals_truth
            and self.raw.no_duplicates
            and self.marts_identical
            and self.targets.all_at_target
            and not self.conflicts
            and self.runs_closed
        )

    def failures(self) -> list[str]:
        said = []
        said += self.raw.mismatches[:2] + self.raw.duplicates[:2]
        if self.marts_vs_clean:
            said.append(f"marts differ from a clean build: {', '.join(self.marts_vs_clean)}")
        if self.marts_vs_reference:
            said.append(f"marts differ from this world's earlier build: "
                        f"{', '.join(self.marts_vs_reference)}")  # fmt: skip
        if not self.targets.all_at_target:
            said.append(
                f"{len(self.targets.off_target)} of {self.targets.pushable} pushable listings "
                f"off target (e.g. {self.targets.off_target[:1]})"
            )
        if self.conflicts:
            said.append(f"conflicting writes: {self.conflicts[:2]}")
        if not self.runs_closed:
            said.append(
                f"runs open: push {self.open_push_runs}, dagster {self.open_dagster_runs}; "
                f"closed push {self.push_closed}/{self.push_left_open}, "
                f"dagster {self.dagster_closed}/{self.dagster_left_open}"
            )
        if self.dagster_leaked_slots:
            said.append(
                f"Dagster pool slots held by runs that are over: {self.dagster_leaked_slots}"
            )
        return said + self.notes


def open_runs(bench: Bench) -> OpenAfterKill:
    with bench.reading() as connection:
        push = frozenset(open_push_runs(connection))
    dagster = dagster_runs(bench.dagster_home).open if bench.used_dagster else frozenset()
    return OpenAfterKill(push, dagster)


def check(
    bench: Bench,
    snapshot: Snapshot,
    signature: tuple[str, int],
    writes_before: dict[str, int],
    left_open: OpenAfterKill,
    scratch_name: str,
    *,
    clean: bool = True,
    remember: bool = True,
) -> Checks:
    """Check the warehouse and the world after a re-run (see the module's docstring).

    `remember`: the re-run went through, so its marts may become the reference for this
    state of the world (`signature`), if they also match the truth and the clean build."""
    with bench.reading() as connection:
        raw = check_raw(connection, snapshot)
        prints = fingerprints(connection)
        loadless = without_load_stamps(connection)
        wanted = targets(connection)
        push_open = open_push_runs(connection)
        statuses = push_run_statuses(connection)
    notes = []
    vs_clean: list[str] = []
    clean_ok = True
    if clean:
        scratch = bench.directory / "scratch" / scratch_name
        built = clean_build(bench.warehouse, scratch)
        clean_ok = built.run.ok
        if not clean_ok:
            notes.append(f"the clean build failed: {built.run.explain().splitlines()[:1]}")
        vs_clean = differing(prints, built.fingerprints)
        shutil.rmtree(scratch, ignore_errors=True)
    reference = bench.references.get(signature)
    vs_reference = None
    if reference is not None:
        vs_reference = differing(loadless, reference)
    elif remember and raw.equals_truth and not vs_clean:
        bench.references[signature] = loadless  # a good build: later ones must match it
    shown = displayed(bench.world.get("/truth/listings")["listings"])
    conflicts = conflicting_writes(bench.world.stock_writes(), writes_before)
    dagster = dagster_runs(bench.dagster_home) if bench.used_dagster else None
    return Checks(
        raw=raw,
        marts_vs_clean=vs_clean,
        clean_build_ok=clean_ok,
        marts_vs_reference=vs_reference,
        targets=check_targets(wanted, shown),
        conflicts=conflicts,
        open_push_runs=len(push_open),
        open_dagster_runs=len(dagster.open) if dagster else 0,
        push_left_open=len(left_open.push),
        push_closed=sum(statuses.get(run) == "interrupted" for run in left_open.push),
        dagster_left_open=len(left_open.dagster),
        dagster_closed=len(left_open.dagster & dagster.interrupted) if dagster else 0,
        dagster_leaked_slots=dagster.leaked_slots if dagster else (),
        notes=notes,
    )
