"""How long one Dagster run of the whole graph takes, and how much of it is the steps' work.

An operator's refresh runs every step in a process of its own. What such a process costs
before its step starts (importing dbt, dlt, Great Expectations and Dagster, building the
definitions) shows as time during which no step is working: the run's wall time less the
time covered by its steps' start-to-end spans. This script runs `tributary run --job
refresh`, as the operator does, against a tiny sandbox world without rate limits (so the
channels' own limits do not hide the run's overhead), and prints, per run, the wall time and
how much of it no step was working.

Prints figures, never passes or fails:

    uv run python -m benchmarks.dagster_run [--runs 2] [--scale tiny]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from sandbox.server.context import SandboxOptions
from sandbox.server.runner import SandboxConfig, SandboxThread

REPO = Path(__file__).resolve().parent.parent


def step_spans(instance: dg.DagsterInstance, run_id: str) -> list[tuple[float, float]]:
    """Each step's (start, end): its STEP_START to its STEP_SUCCESS or STEP_FAILURE."""
    started: dict[str, float] = {}
    spans = []
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = record.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            spans.append((started.pop(event.step_key, record.timestamp), record.timestamp))
    return spans


def covered(spans: list[tuple[float, float]]) -> float:
    """Seconds during which at least one step was working."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--scale", default="tiny")
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="tributary-dagster-run-"))
    home = directory / "dagster"
    home.mkdir()
    shutil.copy(REPO / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    config = SandboxConfig(
        seed=arguments.seed,
        scale=arguments.scale,
        base_port=0,
        options=SandboxOptions(rate_limits=False),
    )
    try:
        with SandboxThread(config) as manifest:
            (directory / "channels.json").write_text(json.dumps(manifest))
            environment = {
                **os.environ,
                "DAGSTER_HOME": str(home),
                "TRIBUTARY_WAREHOUSE": str(directory / "warehouse.duckdb"),
                "TRIBUTARY_CHANNELS_FILE": str(directory / "channels.json"),
                "TRIBUTARY_PIPELINES_DIR": str(directory / "pipelines"),
            }
            print(f"refresh through Dagster, {arguments.scale} world, {os.cpu_count()} cores")
            for number in range(1, arguments.runs + 1):
                started = time.perf_counter()
                finished = subprocess.run(
                    [sys.executable, "-m", "orchestration.cli.entry", "run", "--job", "refresh"],
                    env=environment,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                wall = time.perf_counter() - started
                instance = dg.DagsterInstance.from_config(str(home))
                spans = step_spans(instance, instance.get_runs(limit=1)[0].run_id)
                working = covered(spans)
                print(
                    f"run {number}: exit {finished.returncode}, {wall:.1f} s wall, "
                    f"{len(spans)} steps; some step working {working:.1f} s, none working "
                    f"{wall - working:.1f} s ({(wall - working) / wall:.0%} of the run)"
                )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
