"""Run a job of the code location the way an operator's deployment does, from a command.

`dagster job execute` runs it with the instance in DAGSTER_HOME: the multiprocess executor,
the pools of `dagster.yaml`, and a run record the UI shows afterwards. Dagster's own log goes
to a file; the command prints the run's summary, read back from the instance.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

LAUNCH_TAG = "tributary/launch"


@dataclass(frozen=True)
class Launched:
    run_id: str
    returncode: int
    log: Path


def execute_job(job: str, log_dir: Path) -> Launched:
    """Execute `job` to completion; the run is looked up by a tag unique to this launch."""
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
    with log.open("w") as output:
        finished = subprocess.run(  # noqa: S603 - our own dagster executable and arguments
            command, stdout=output, stderr=subprocess.STDOUT, check=False
        )
    instance = dg.DagsterInstance.get()
    runs = instance.get_runs(filters=dg.RunsFilter(tags={LAUNCH_TAG: launch}), limit=1)
    if not runs:
        tail = log.read_text()[-3000:]
        raise RuntimeError(f"dagster did not start a run of {job!r} (log {log}):\n{tail}")
    return Launched(run_id=runs[0].run_id, returncode=finished.returncode, log=log)
