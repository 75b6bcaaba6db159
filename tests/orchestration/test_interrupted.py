"""A `tributary run` killed with its Dagster run in flight: the next launch closes the run as
interrupted instead of leaving it STARTED in the UI forever, and frees the pool slots its steps
held, which would otherwise make every later step of that pool wait forever (found by the
chaos benchmark: the next refresh's dbt step sat "blocked by limit for pool warehouse")."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.launch import LAUNCH_TAG, close_interrupted_runs
from tests.orchestration.conftest import INSTANCE_YAML


def test_a_killed_launch_leaves_no_run_started(
    sandbox: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    manifest = sandbox(scale="tiny")
    (tmp_path / "channels.json").write_text(json.dumps(manifest))
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copy(INSTANCE_YAML, home / "dagster.yaml")
    environment = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "TRIBUTARY_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "TRIBUTARY_CHANNELS_FILE": str(tmp_path / "channels.json"),
        "TRIBUTARY_PIPELINES_DIR": str(tmp_path / "pipelines"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli.entry", "run", "--job", "refresh"],
        env=environment,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        deadline = time.monotonic() + 180
        started: list[dg.DagsterRun] = []
        slots = instance.event_log_storage
        while not (started and started[0].run_id in slots.get_concurrency_run_ids()):
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no step of the run ever took a pool slot"
            started = instance.get_runs(
                filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])
            )
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)  # the launcher and its dagster process
        process.wait()
        (run,) = started
        assert LAUNCH_TAG in run.tags
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED

        assert close_interrupted_runs(instance) == [run.run_id]
        closed = instance.get_run_by_id(run.run_id)
        assert closed is not None
        assert closed.status == dg.DagsterRunStatus.FAILURE
        failure = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE
        ).records
        assert "interrupted" in failure[-1].event_log_entry.dagster_event.message
        assert run.run_id not in slots.get_concurrency_run_ids(), "its pool slots are free"
        assert close_interrupted_runs(instance) == [], "closed once"
    finally:
        instance.dispose()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
