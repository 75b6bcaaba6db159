"""`tributary transform` killed mid-build: its dbt child dies with it and lets go of the
warehouse, instead of building on, orphaned, with the file locked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil

from core.locks import try_lock
from core.warehouse import Warehouse
from tests.marts.conftest import BuiltWorld, copy_of


def test_killing_transform_takes_its_dbt_child_and_the_warehouse_lock_with_it(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    wal = warehouse.with_name(warehouse.name + ".wal")
    environment = {**os.environ, "TRIBUTARY_WAREHOUSE": str(warehouse)}
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli.entry", "transform", "--full-refresh"],
        env=environment,
    )
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    while not wal.exists():  # dbt is building: its child holds the file and writes
        assert process.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    (dbt,) = [child for child in parent.children() if "dbt" in " ".join(child.cmdline())]
    os.kill(process.pid, signal.SIGKILL)  # the parent alone, as `kill -9 <pid>` does
    process.wait()
    dbt.wait(timeout=30)  # raises if the child outlives its parent
    assert try_lock(Warehouse(warehouse).lock_path)
    duckdb.connect(str(warehouse)).close()  # nobody holds the file any more
