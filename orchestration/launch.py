"""Run a job of the code location the way an operator's deployment does, from a command.

`dagster job execute` runs it with the instance in DAGSTER_HOME: the multiprocess executor,
the pools of `dagster.yaml`, and a run record the UI shows afterwards. Dagster's own log goes
to a file; the command prints the run's summary, read back from the instance.

A launch holds a lock of its own (`<DAGSTER_HOME>/launches/<launch>.lock`) while its run
lives, and the dagster process dies with the launcher. A launch that was killed leaves its run
`STARTED` forever in Dagster's eyes; the next launch finds such runs (their lock is free) and
closes them as failed, "interrupted", so the UI never shows a run in progress that is not, and
gives back the pool slots they held.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from core.locks import FileLock, try_lock
from core.processes import die_with_parent

LAUNCH_TAG = "tributary/launch"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Launched:
    run_id: str
    returncode: int
    log: Path


OPEN_STATUSES = (
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
)


def launch_lock(instance: dg.DagsterInstance, launch: str) -> FileLock:
    path = Path(instance.root_directory) / "launches" / f"{launch}.lock"
    return FileLock(path, f"launch {launch}", purpose=f"dagster launch {launch}", wait_s=0)


def close_interrupted_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed, as interrupted, the runs of launches whose process is gone, and free the
    pool slots their steps held.

    A step holds its pool's slot until it ends; a killed step never ends, and without a
    daemon's run monitoring nothing frees the slot: every later step of the pool (`warehouse`
    admits one) would wait for it forever."""
    storage = instance.event_log_storage
    closed = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=list(OPEN_STATUSES))):
        launch = run.tags.get(LAUNCH_TAG)
        if launch is None or not try_lock(launch_lock(instance, launch).path):
            continue  # launched otherwise (the daemon), or still alive
        instance.report_run_failed(
            run, message="interrupted: the process running it died before the run finished"
        )
        if storage.supports_global_concurrency_limits:
            storage.free_concurrency_slots_for_run(run.run_id)
        launch_lock(instance, launch).path.unlink(missing_ok=True)
        closed.append(run.run_id)
    return closed


def execute_job(job: str, log_dir: Path) -> Launched:
    """Execute `job` to completion; the run is looked up by a tag unique to this launch.

    Runs of earlier launches that were killed are closed as interrupted first."""
    instance = dg.DagsterInstance.get()
    for run_id in close_interrupted_runs(instance):
        logger.warning("closed run %s as interrupted: its launch had died", run_id)
    launch = uuid.uuid4().hex
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{job}-{launch[:8]}.log"
    command = [
        str(Path(sys.executable).with_name("dagster")),
        "job", "execute",
        "-m", "orchestration.definitions",
        "-j", job,
        "--tags", json.dumps({LAUNCH_TAG: launch}),
    ]  # fmt: skip
    with log.open("w") as output, launch_lock(instance, launch).held():
        finished = subprocess.run(  # noqa: S603 - our own dagster executable and arguments
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
            preexec_fn=die_with_parent(),
        )
    launch_lock(instance, launch).path.unlink(missing_ok=True)
    runs = instance.get_runs(filters=dg.RunsFilter(tags={LAUNCH_TAG: launch}), limit=1)
    if not runs:
        tail = log.read_text()[-3000:]
        raise RuntimeError(f"dagster did not start a run of {job!r} (log {log}):\n{tail}")
    return Launched(run_id=runs[0].run_id, returncode=finished.returncode, log=log)
