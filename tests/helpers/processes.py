"""`tributary` commands run as real processes, each in its own session, output to a log file.

`stop()` ends the command the way an operator does (SIGTERM), then kills whatever of its
session is left (`dagster dev` runs in its own process group, in the same session), so a test
never leaves a server behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import psutil


def tributary(*args: str) -> list[str]:
    return [sys.executable, "-m", "orchestration.cli.entry", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Command:
    """A started command: `wait_for` a line of its output, `stop` it and its whole session."""

    def __init__(self, args: list[str], cwd: Path, env: Mapping[str, str], log: Path) -> None:
        self.log = log
        with log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own CLI
                args,
                cwd=cwd,
                env=dict(env),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float = 120.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.output(), re.MULTILINE)
            if found:
                return found
            assert self.process.poll() is None, (
                f"exited {self.process.returncode} before {pattern!r}:\n{self.output()[-3000:]}"
            )
            assert time.monotonic() < deadline, f"no {pattern!r} in:\n{self.output()[-3000:]}"
            time.sleep(0.2)

    def session(self) -> list[psutil.Process]:
        """Every live process of the command's session (zombies are dead: not counted)."""
        found = []
        for process in psutil.process_iter():
            with contextlib.suppress(psutil.Error, OSError):
                if os.getsid(process.pid) == self.pid and process.status() != psutil.STATUS_ZOMBIE:
                    found.append(process)
        return found

    def stop(self, timeout: float = 60.0, linger: float = 15.0) -> int | None:
        """SIGTERM, wait up to `timeout` for the command and `linger` for its session to
        empty, then SIGKILL whatever is left; returns the command's exit code if it stopped
        by itself in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        deadline = time.monotonic() + linger
        while self.session() and time.monotonic() < deadline:
            time.sleep(0.5)  # Dagster's code servers exit on their own shortly after
        for process in self.session():
            with contextlib.suppress(psutil.Error):
                process.kill()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        return code
