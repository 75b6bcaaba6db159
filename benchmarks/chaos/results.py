"""The chaos benchmark's results, kept as it goes: one JSON line per trial in a results file.

A 100-kill run takes about four hours on two cores, longer than some sessions last. Each
trial is appended the moment it ends, with a fingerprint of the code it ran (the git trees
of the directories the pipeline runs) and the readers' counts so far. Every trial is judged
against its own world, so the kills of several runs (other seeds, other days) add up
honestly, as long as they ran the same code; `python -m benchmarks.chaos.results FILE`
prints the sums for the code checked out now, and names the trials that ran other code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.chaos.readers import ReaderFigures
from benchmarks.chaos.trials import TrialResult

REPO = Path(__file__).resolve().parents[2]
# What a kill trial runs: the pipeline's code, its dbt project, the sandbox and this harness.
# `realtime` too: the Dagster definitions a refresh loads import the fast path's health checks.
CODE_DIRS = (
    "core", "channels", "dlt_sources", "dbt_project", "reverse_etl", "orchestration",
    "realtime", "sandbox", "benchmarks/chaos", "pyproject.toml", "uv.lock",
)  # fmt: skip


def code_fingerprint() -> str:
    """The git trees of CODE_DIRS at HEAD, plus `+dirty` when any of them has local changes."""
    trees = subprocess.run(  # noqa: S603 - git, our own repository
        ["git", "rev-parse", *(f"HEAD:{path}" for path in CODE_DIRS)],  # noqa: S607
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    dirty = subprocess.run(  # noqa: S603
        ["git", "status", "--porcelain", "--", *CODE_DIRS],  # noqa: S607
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    digest = subprocess.run(
        ["git", "hash-object", "--stdin"],  # noqa: S607
        cwd=REPO, input="\n".join(trees), capture_output=True, text=True, check=True,
    ).stdout.strip()[:12]  # fmt: skip
    return f"{digest}+dirty" if dirty else digest


def record(trial: TrialResult) -> dict[str, Any]:
    checks = trial.checks
    return {
        "number": trial.number,
        "stage": trial.point.stage,
        "point": trial.point.describe(),
        "killed": trial.killed,
        "recovered": trial.recovered,
        "world_moved": trial.world_moved,
        "at_wal": trial.point.kind == "wal",
        "seconds": round(trial.seconds, 1),
        "rerun_s": {stage: round(s, 1) for stage, s in trial.rerun_s.items()},
        "error": trial.error,
        "failures": [*trial.setup_failures, *trial.rerun_failures]
        + (checks.failures() if checks else []),
        "lost_or_extra_rows": len(checks.raw.mismatches) if checks else None,
        "duplicated": len(checks.raw.duplicates) if checks else None,
        "marts_identical": checks.marts_identical if checks else None,
        "off_target": len(checks.targets.off_target) if checks else None,
        "conflicting_writes": len(checks.conflicts) if checks else None,
        "runs_closed": checks.runs_closed if checks else None,
    }


def append(
    path: Path,
    run: dict[str, Any],
    trial: TrialResult,
    readers: dict[str, ReaderFigures],
    lock_failures: int,
) -> None:
    line = {
        **run,
        "trial": record(trial),
        "readers": {mode: asdict(figures) for mode, figures in readers.items()},
        "pipeline_runs_failed_on_a_lock": lock_failures,
    }
    with path.open("a") as file:
        file.write(json.dumps(line) + "\n")


def summarize(path: Path, fingerprint: str) -> str:
    lines = [json.loads(text) for text in path.read_text().splitlines() if text.strip()]
    mine = [line for line in lines if line["code"] == fingerprint]
    others = Counter(line["code"] for line in lines if line["code"] != fingerprint)
    kills = [line["trial"] for line in mine if line["trial"]["killed"]]
    by_stage = Counter(trial["stage"] for trial in kills)
    recovered = Counter(trial["stage"] for trial in kills if trial["recovered"])
    said = [
        f"code {fingerprint}: {len({line['run_id'] for line in mine})} run(s), "
        f"{len(mine)} trials, {len(kills)} kills, "
        f"{sum(recovered.values())} recovered "
        f"({', '.join(f'{s} {recovered[s]}/{n}' for s, n in sorted(by_stage.items()))}); "
        f"{sum(t['at_wal'] for t in kills)} at the WAL, "
        f"{sum(t['world_moved'] for t in kills)} with the world moved first",
        f"lost or extra raw rows: {sum(t['lost_or_extra_rows'] or 0 for t in kills)}; "
        f"duplicated: {sum(t['duplicated'] or 0 for t in kills)}; "
        f"marts differing: {sum(t['marts_identical'] is False for t in kills)}; "
        f"listings off target: {sum(t['off_target'] or 0 for t in kills)}; "
        f"conflicting writes: {sum(t['conflicting_writes'] or 0 for t in kills)}; "
        f"runs left open: {sum(t['runs_closed'] is False for t in kills)}",
    ]
    last_of_run: dict[str, dict[str, Any]] = {}
    for line in mine:
        last_of_run[line["run_id"]] = line
    readers: dict[str, Counter[str]] = defaultdict(Counter)
    for line in last_of_run.values():
        for mode, figures in line["readers"].items():
            readers[mode].update(
                {k: v for k, v in figures.items() if isinstance(v, int) and not isinstance(v, bool)}
            )
    for mode, counts in sorted(readers.items()):
        said.append(f"{mode} reader: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    said.append(
        "pipeline runs failed on a lock: "
        f"{sum(line['pipeline_runs_failed_on_a_lock'] for line in last_of_run.values())}"
    )
    for trial in (t for t in kills if not t["recovered"]):
        said.append(f"NOT recovered: {trial['point']}: {'; '.join(trial['failures'])[:300]}")
    if others:
        said.append(f"not counted, other code: {dict(others)}")
    return "\n".join(said)


def main() -> None:
    path = Path(sys.argv[1])
    print(summarize(path, sys.argv[2] if len(sys.argv) > 2 else code_fingerprint()))


if __name__ == "__main__":
    main()
