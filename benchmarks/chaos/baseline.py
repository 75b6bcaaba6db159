"""The baseline: one normal full run, then a second that must find nothing left to do.

The first run loads the fresh world, builds the marts and pushes the targets. The second
loads what the channels now show, rebuilds, and its push should have nothing to write: that
settled state is the reference the first trials' marts are compared with, and checking it
like a trial (raw = truth, marts = a clean build, listings at target) shows the instrument
agrees with an undisturbed pipeline before anything is killed.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

from benchmarks.chaos.bench import Bench
from benchmarks.chaos.checks import Checks, OpenAfterKill, check
from benchmarks.chaos.listings import write_counts
from benchmarks.chaos.processes import Finished


@dataclass
class Baseline:
    runs: list[Finished] = field(default_factory=list)
    checks: Checks | None = None
    error: str | None = None
    seconds: float = 0.0

    def line(self) -> str:
        times = ", ".join(f"{run.stage} {run.seconds:.0f} s" for run in self.runs)
        failed = [f"{run.stage}: {run.first_failure()}" for run in self.runs if not run.ok]
        if self.error:
            failed.append(self.error)
        if self.checks is not None and not self.checks.passed:
            failed += self.checks.failures()
        verdict = "ok" if not failed else f"PROBLEMS: {'; '.join(failed)[:500]}"
        return f"baseline ({times}; {self.seconds:.0f} s): {verdict}"


def run_baseline(bench: Bench, *, clean: bool = True) -> Baseline:
    baseline = Baseline()
    started = time.monotonic()
    try:
        baseline.runs += bench.full_run("baseline")
        writes_before = write_counts(bench.world.stock_writes())
        snapshot = bench.world.snapshot()
        signature = bench.world.signature()
        baseline.runs += bench.full_run("settle")
        nothing = OpenAfterKill(frozenset(), frozenset())
        baseline.checks = check(
            bench,
            snapshot,
            signature,
            writes_before,
            nothing,
            "baseline",
            clean=clean,
            remember=all(run.ok for run in baseline.runs),
        )
    except Exception as error:  # a figure like any other
        baseline.error = f"{type(error).__name__}: {error}"
        (bench.directory / "logs" / "baseline-error.txt").write_text(traceback.format_exc())
    baseline.seconds = time.monotonic() - started
    return baseline
