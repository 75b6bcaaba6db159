"""The receiver keeps answering while a writer holds the warehouse, as a dbt build does.

A process opens the warehouse for writing under Tributary's writer lock and keeps it (DuckDB
then shuts every other process out of the file) while deliveries pour in: every one is
answered 200 within the channels' deadline, and is stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.realtime.conftest import start_receiver
from tests.realtime.deliveries import SIGNERS, channels_settings

CHANNEL_DEADLINE_S = 3.0
HOLD = """
import sys, time
from pathlib import Path
from core.warehouse import Warehouse
with Warehouse(Path(sys.argv[1])).writer("a long dbt build") as connection:
    connection.execute("create table if not exists busy as select 1 as x")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_deliveries_are_answered_while_a_build_holds_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("TRIBUTARY_WAREHOUSE", str(warehouse))
    holder = subprocess.Popen(  # noqa: S603 - the test's own script
        [sys.executable, "-c", HOLD, str(warehouse), "60"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        receiver = start_receiver(tmp_path, channels_settings())
        try:
            for number in range(60):
                delivery = SIGNERS[sorted(SIGNERS)[number % len(SIGNERS)]]()
                # sent as TikTok sends, the strictest channel: it gives up after about 3 s
                answer = receiver.send(delivery, timeout=CHANNEL_DEADLINE_S)
                assert answer.status_code == 200, answer.text
                assert receiver.copies(delivery) == 1
            assert holder.poll() is None, "the build let go of the warehouse meanwhile"
        finally:
            receiver.command.stop(timeout=10, linger=2)
    finally:
        holder.kill()
        holder.wait()
