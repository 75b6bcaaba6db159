"""One kill trial: run a stage, kill -9 it at the drawn moment, run again normally, check.

1. Sometimes the world moves first (shoppers buy for a while), so that the stage has work:
   new orders to load, marts that change, listings to write. A transform or push trial then
   first runs the stages before it normally, as the pipeline would have.
2. The stage runs and is killed at its kill point. If it finished first, the trial does not
   count as a kill: it says so and the benchmark draws again.
3. The runs the kill left open are noted; the sandbox's truth is read (nothing moves it until
   the re-run's push: the world is frozen and the killed processes are dead).
4. The normal re-run: ingest, transform, push through the CLI; for a Dagster trial,
   `tributary run --job refresh` again.
5. The checks (benchmarks/chaos/checks.py).

An exception anywhere is the trial's figure (with its message); the benchmark goes on.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

from benchmarks.chaos.bench import CLI_STAGES, Bench
from benchmarks.chaos.checks import Checks, check, open_runs
from benchmarks.chaos.killpoints import KillPoint
from benchmarks.chaos.listings import write_counts

BEFORE = {"ingest": (), "transform": ("ingest",), "push": ("ingest", "transform"), "refresh": ()}
RERUN = {"ingest": CLI_STAGES, "transform": CLI_STAGES, "push": CLI_STAGES, "refresh": ("refresh",)}


@dataclass
class TrialResult:
    number: int
    point: KillPoint
    world_moved: bool = False
    killed: bool = False
    ran_s: float = 0.0  # how long the stage ran before the kill (or to its end)
    wal_episodes: int = 0  # WAL appearances seen before the kill
    survivors: int = 0  # processes still alive after the group was killed
    exit_code: int | None = None  # of the stage, when it finished before the kill
    setup_failures: list[str] = field(default_factory=list)
    rerun_s: dict[str, float] = field(default_factory=dict)
    rerun_failures: list[str] = field(default_factory=list)
    checks: Checks | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def recovered(self) -> bool:
        return (
            self.killed
            and self.error is None
            and not self.rerun_failures
            and self.checks is not None
            and self.checks.passed
        )

    def line(self) -> str:
        head = f"trial {self.number:>3} {self.point.describe():<28}"
        if self.error:
            return f"{head} ERROR {self.error.splitlines()[0][:160]}"
        if not self.killed:
            exit_code = "" if self.exit_code == 0 else f" (exit {self.exit_code})"
            return f"{head} finished{exit_code} in {self.ran_s:.1f} s before the kill: not counted"
        moved = " (world moved)" if self.world_moved else ""
        verdict = "recovered" if self.recovered else "NOT recovered"
        rerun = ", ".join(f"{stage} {seconds:.0f} s" for stage, seconds in self.rerun_s.items())
        said = [*self.setup_failures, *self.rerun_failures]
        said += self.checks.failures() if self.checks else []
        tail = f" - {'; '.join(said)[:400]}" if said else ""
        return (
            f"{head} killed at {self.ran_s:.1f} s{moved}: {verdict}; re-run {rerun}; "
            f"{self.seconds:.0f} s in all{tail}"
        )


def run_trial(
    bench: Bench, number: int, point: KillPoint, *, move: bool = False, clean: bool = True
) -> TrialResult:
    result = TrialResult(number, point)
    started = time.monotonic()
    try:
        _trial(bench, result, move=move, clean=clean)
    except Exception as error:  # a trial's crash is a figure; the benchmark goes on
        result.error = f"{type(error).__name__}: {error}"
        trace = bench.directory / "logs" / f"trial-{number:03d}-error.txt"
        trace.write_text(traceback.format_exc())
    result.seconds = time.monotonic() - started
    return result


def _trial(bench: Bench, result: TrialResult, *, move: bool, clean: bool) -> None:
    point, label = result.point, f"t{result.number:03d}"
    if move:
        bench.world.move()
        bench.moved_since_full_run = True
        result.world_moved = True
    writes_before = write_counts(bench.world.stock_writes())
    if bench.moved_since_full_run:
        for stage in BEFORE[point.stage]:
            ran = bench.run(stage, label=f"{label}-setup")
            if not ran.ok:
                result.setup_failures.append(f"setup {stage}: {ran.first_failure()}")
    killed = bench.run(point.stage, kill=point, label=f"{label}-kill")
    result.killed, result.ran_s = killed.killed, killed.seconds
    result.wal_episodes, result.survivors = killed.wal_episodes, killed.survivors
    result.exit_code = killed.returncode
    if not killed.killed:
        if killed.timed_out:
            result.error = f"the {point.stage} run hung past its timeout before the kill point"
        return
    left_open = open_runs(bench)
    snapshot = bench.world.snapshot()
    signature = bench.world.signature()
    for stage in RERUN[point.stage]:
        ran = bench.run(stage, label=f"{label}-rerun")
        result.rerun_s[stage] = ran.seconds
        if not ran.ok:
            result.rerun_failures.append(f"re-run {stage}: {ran.first_failure()}")
    if not result.rerun_failures:
        bench.moved_since_full_run = False
    result.checks = check(bench, snapshot, signature, writes_before, left_open, label, clean=clean)
