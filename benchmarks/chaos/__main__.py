"""`python -m benchmarks.chaos`: kill -9 trials, then fault cases, then the figures.

Never pass/fail: a failed check is a figure, a crashed trial is a figure with its message;
the command exits 0 unless the harness itself cannot run.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.chaos import report, results
from benchmarks.chaos.baseline import Baseline, run_baseline
from benchmarks.chaos.bench import Bench
from benchmarks.chaos.faults import (
    CHANNELS,
    FaultCase,
    FaultResult,
    cases,
    fault_channels_file,
    run_case,
)
from benchmarks.chaos.killpoints import STAGES, Drawer
from benchmarks.chaos.trials import TrialResult, run_trial
from orchestration.transform import prepare_manifest

# Draws allowed per requested kill before giving up (a stage that always finishes first).
DRAWS_PER_KILL = 3


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chaos", description=__doc__)
    parser.add_argument("--kills", type=int, default=100, help="real kills to make")
    parser.add_argument("--scale", default="tiny", choices=("tiny", "small"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--faults",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the fault cases after the kills (--no-faults to skip)",
    )
    parser.add_argument(
        "--stages",
        default=",".join(STAGES),
        help=f"stages to kill, comma-separated (default: {','.join(STAGES)})",
    )
    parser.add_argument(
        "--move-share",
        type=float,
        default=0.5,
        help="share of ingest, transform and Dagster trials the world moves before (push "
        "trials always move it, so the push has listings to write)",
    )
    parser.add_argument("--fault-channels", default=",".join(CHANNELS))
    parser.add_argument("--fault-kinds", default=None, help="only these fault kinds")
    parser.add_argument(
        "--fault-cases",
        default=None,
        help="only these cases, as channel:kind[:share], e.g. "
        "'tiktok_shop:timeout:1.0,warehouse:zero_stock'",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="append each trial to this JSON-lines file as it ends (default: the working "
        "directory's results.jsonl); trials of earlier runs on the same code add up: "
        "python -m benchmarks.chaos.results FILE",
    )
    parser.add_argument(
        "--directory",
        type=Path,
        default=None,
        help="working directory (default: $TMPDIR/tributary-chaos/<time>; kept, with the logs)",
    )
    return parser.parse_args()


def kill_trials(
    bench: Bench, options: argparse.Namespace, keep: Callable[[TrialResult], None]
) -> list[TrialResult]:
    stages = tuple(stage for stage in options.stages.split(",") if stage)
    drawer = Drawer(options.seed, bench.observed, stages)
    trials: list[TrialResult] = []
    kills = 0
    stage = drawer.next_stage()
    while kills < options.kills and len(trials) < DRAWS_PER_KILL * options.kills:
        point = drawer.point(stage)
        move = stage == "push" or drawer.chance(options.move_share)
        trial = run_trial(bench, len(trials) + 1, point, move=move)
        print(trial.line(), flush=True)
        keep(trial)
        trials.append(trial)
        kills += trial.killed
        if stage == "refresh" and trial.checks and trial.checks.dagster_leaked_slots:
            # Every later Dagster run would wait for that slot until its timeout: the figure
            # is made, more such trials would only cost their timeouts.
            drawer.drop("refresh")
            print(
                f"  no more Dagster trials: pool slots stay held by runs that are over "
                f"({', '.join(trial.checks.dagster_leaked_slots)})",
                flush=True,
            )
        if not drawer.stages:
            break
        # A stage that finished before its kill point is drawn again, at another moment.
        if trial.killed or trial.error or stage not in drawer.stages:
            stage = drawer.next_stage()
    return trials


def fault_cases(bench: Bench, options: argparse.Namespace) -> list[FaultResult]:
    channels = tuple(channel for channel in options.fault_channels.split(",") if channel)
    kinds = tuple(options.fault_kinds.split(",")) if options.fault_kinds else None
    chosen = cases(channels, kinds)
    if options.fault_cases:
        wanted = [pattern.split(":") for pattern in options.fault_cases.split(",")]
        chosen = [case for case in chosen if any(_matches(case, parts) for parts in wanted)]
    short = fault_channels_file(bench)
    results = []
    for number, case in enumerate(chosen, start=1):
        result = run_case(bench, case, number, short)
        verdict = "recovered" if result.recovered else "NOT recovered"
        print(
            f"fault {number:>3} {case.label:<32} ingest {report.outcome_text(result.ingest)}; "
            f"push {report.outcome_text(result.push)}; {verdict}; {result.seconds:.0f} s"
            + (f"; ERROR {result.error}" if result.error else ""),
            flush=True,
        )
        results.append(result)
    return results


def _matches(case: FaultCase, parts: list[str]) -> bool:
    channel, kind, *share = parts
    return (
        case.channel == channel
        and case.kind == kind
        and (not share or case.share == float(share[0]))
    )


def print_figures(
    options: argparse.Namespace,
    bench: Bench,
    baseline: Baseline,
    trials: list[TrialResult],
    faults: list[FaultResult],
    fault_phase_s: float,
) -> None:
    print()
    print(report.baseline(baseline))
    if trials:
        print(f"\nkills ({options.scale} world, seed {options.seed}):")
        print(report.kills_table(trials))
        print()
        print(report.totals(trials))
        print()
        print(report.rerun_times(trials))
        killed = [trial for trial in trials if trial.killed]
        if killed:
            print(
                f"one trial: {sum(t.seconds for t in trials) / len(killed):.0f} s on average "
                "per counted kill (draws that finished first included)"
            )
    print()
    print(report.readers(bench.reader_figures, bench.lock_failures()))
    if faults:
        print("\nfault cases:")
        print(report.faults_table(faults))
        print()
        print(report.faults_summary(faults))
        print(f"fault phase: {fault_phase_s:.0f} s, {fault_phase_s / len(faults):.0f} s a case")


def main() -> None:
    options = arguments()
    # The benchmark's own checks wait out the dashboard it started, as designed; that wait is
    # no news, and its log lines would only interleave with the figures.
    logging.getLogger("core.warehouse").setLevel(logging.ERROR)
    # The sandbox (in this process) logs every connection its timeout fault drops on purpose.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    started = time.perf_counter()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    directory = options.directory or Path(tempfile.gettempdir()) / "tributary-chaos" / stamp
    print(
        f"chaos benchmark: {options.kills} kills, faults {'on' if options.faults else 'off'}, "
        f"{options.scale} world, seed {options.seed}; working directory {directory}",
        flush=True,
    )
    if options.kills and "refresh" in options.stages:
        prepare_manifest()  # the dbt manifest Dagster's code location loads
    bench = Bench(options.seed, options.scale, directory)
    results_file = options.results or directory / "results.jsonl"
    run = {
        "run_id": f"{stamp}-seed{options.seed}",
        "code": results.code_fingerprint(),
        "seed": options.seed,
        "scale": options.scale,
    }

    def keep(trial: TrialResult) -> None:
        results.append(results_file, run, trial, bench.readers_so_far(), len(bench.lock_failures()))

    trials: list[TrialResult] = []
    faults: list[FaultResult] = []
    try:
        baseline = run_baseline(bench)
        print(baseline.line(), flush=True)
        if options.kills:
            trials = kill_trials(bench, options, keep)
        kills_done = time.perf_counter()
        if options.faults:
            faults = fault_cases(bench, options)
    finally:
        bench.close()
    total = time.perf_counter() - started
    print_figures(options, bench, baseline, trials, faults, time.perf_counter() - kills_done)
    if trials:
        print(f"\nevery trial on this code in {results_file}:")
        print(results.summarize(results_file, run["code"]))
    print(f"\n{total:.0f} s in all; logs in {directory / 'logs'}")


if __name__ == "__main__":
    main()
