"""The warehouse lock between real processes: who holds it, waiting, giving up, dying."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core.locks import FileLock, LockBusyError, try_lock

HOLDER = """
import sys, time
from core.locks import FileLock
with FileLock(__import__("pathlib").Path(sys.argv[1]), "the test lock", purpose="hold it").held():
    print("held", flush=True)
    time.sleep(600)
"""


SHARED = """
import sys
from core.locks import FileLock
with FileLock(__import__("pathlib").Path(sys.argv[1]), "read", shared=True, wait_s=0).held():
    print("read beside another reader")
"""


def hold_in_another_process(path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_waiter_gives_up_naming_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb.lock"
    holder = hold_in_another_process(path)
    try:
        with pytest.raises(LockBusyError) as busy, FileLock(path, "the test lock", wait_s=0.5):
            pass
        message = str(busy.value)
        assert f"pid {holder.pid}" in message
        assert "hold it" in message
        assert "TRIBUTARY_LOCK_WAIT_S" in message
        assert not try_lock(path)
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_dies_with_its_holder_even_under_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb.lock"
    holder = hold_in_another_process(path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert try_lock(path)
    with FileLock(path, "the test lock", wait_s=0).held():
        assert not try_lock(path)


def test_readers_share_and_a_writer_waits_for_them(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb.lock"
    outcome: list[str] = []

    def write() -> None:
        try:
            with FileLock(path, "write", wait_s=0.3).held():
                outcome.append("written")
        except LockBusyError:
            outcome.append("waited out")

    with FileLock(path, "read", shared=True).held():
        reader = subprocess.run(  # noqa: S603 - a second reader, in another process
            [sys.executable, "-c", SHARED, str(path)], capture_output=True, text=True, check=True
        )
        assert reader.stdout.strip() == "read beside another reader"
        writer = threading.Thread(target=write)
        writer.start()
        writer.join()
    assert outcome == ["waited out"]
    write()
    assert outcome == ["waited out", "written"]


def test_a_waiter_gets_the_lock_once_its_holder_dies(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb.lock"
    holder = hold_in_another_process(path)
    killer = subprocess.Popen(  # noqa: S603 - kill the holder from outside after a moment
        [sys.executable, "-c", f"import os,time; time.sleep(1); os.kill({holder.pid}, 9)"]
    )
    try:
        with FileLock(path, "the test lock", wait_s=60).held():
            assert holder.wait(timeout=5) == -signal.SIGKILL
    finally:
        killer.wait()
