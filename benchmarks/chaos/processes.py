"""Running a pipeline command the way an operator does, and killing it the way a crash does.

Each command is `python -m orchestration.cli.entry ...` in a session of its own, so that
`os.killpg(pid, SIGKILL)` takes the whole process group at once: the CLI, its dbt child,
Dagster's step processes. That is what a kill -9 of a container or a machine losing power
does, and it is harsher than killing the CLI alone (whose children die with it only because
the platform asks the kernel to).

While a command runs, the WAL file beside the warehouse is polled every couple of
milliseconds: its appearances are counted (for the `wal` kill points, and so that normal runs
tell the drawer how many there are), and the kill fires at the chosen one. Output goes to a
log file per command, kept in the benchmark's directory for the failures worth reading.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from benchmarks.chaos.killpoints import KillPoint

POLL_S = 0.002
GROUP_GONE_S = 5.0
# A lock message in a failed run's error lines: DuckDB refusing the file ("Could not set
# lock"), a lock given up on ("... is held by ..."), the warehouse kept open by someone else.
EXCEPTION = re.compile(r"^[\w.]*(Error|Exception): ")
LOCK_PATTERN = re.compile(
    r"Could not set lock|\block\b|is held by|stayed open in another", re.IGNORECASE
)


@dataclass
class Finished:
    """One command's run: how it ended, how long it took, what it printed."""

    stage: str
    arguments: list[str]
    returncode: int | None
    seconds: float
    log: Path
    killed: bool = False  # the benchmark killed it (it was still running)
    timed_out: bool = False
    wal_episodes: int = 0
    survivors: int = 0  # processes of the run still alive after the group was killed

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.killed and not self.timed_out

    @property
    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def failure_lines(self) -> list[str]:
        """The lines that say why the command failed (not the log noise around them)."""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        said, raised = [], []  # what the command says it failed at; exceptions logged on the way
        for index, line in enumerate(lines):
            if line == "FAILED" and index + 1 < len(lines):  # `tributary transform`'s form
                # dbt's explanation follows; when dbt itself crashed it is a traceback, whose
                # exception line says more than the fragment it starts with.
                following = lines[index + 1 :]
                crashed = [text for text in following if EXCEPTION.match(text)]
                said.append(f"FAILED {(crashed or following)[0]}")
            elif line.startswith(("FAILED", "BLOCKED", "Error", "run failed")):
                said.append(line)
            elif EXCEPTION.match(line):
                raised.append(line)
        said += raised
        if self.timed_out:
            said.insert(0, "timed out (the benchmark killed it)")
        return said or lines[-1:]

    def first_failure(self) -> str:
        lines = self.failure_lines()
        return lines[0][:200] if lines else f"exit {self.returncode}"

    def blamed_on_a_lock(self) -> bool:
        """A failed run (not one the benchmark killed) whose reason mentions a lock."""
        if self.ok or self.killed:
            return False
        return any(LOCK_PATTERN.search(line) for line in self.failure_lines())


class Runner:
    """Starts CLI commands against one working directory's warehouse and environment."""

    def __init__(self, environment: dict[str, str], warehouse: Path, logs: Path) -> None:
        self.environment = environment
        self.wal = warehouse.with_name(warehouse.name + ".wal")
        self.logs = logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self._count = 0

    def run(
        self,
        stage: str,
        arguments: list[str],
        *,
        kill: KillPoint | None = None,
        timeout_s: float = 1200.0,
        label: str = "",
    ) -> Finished:
        self._count += 1
        log = self.logs / f"{self._count:04d}-{label or 'run'}-{stage}.log"
        started = time.monotonic()
        with log.open("w") as output:
            process = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
                [sys.executable, "-m", "orchestration.cli.entry", *arguments],
                env=self.environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            finished = self._watch(process, stage, arguments, log, started, kill, timeout_s)
        return finished

    def _watch(
        self,
        process: subprocess.Popen[bytes],
        stage: str,
        arguments: list[str],
        log: Path,
        started: float,
        kill: KillPoint | None,
        timeout_s: float,
    ) -> Finished:
        episodes, present, appeared_at = 0, False, None
        while process.poll() is None:
            now = time.monotonic()
            exists = self.wal.exists()
            if exists and not present:
                episodes += 1
                if kill is not None and kill.kind == "wal" and episodes == kill.wal_episode:
                    appeared_at = now
            present = exists
            due = kill is not None and (
                (kill.kind == "delay" and now - started >= kill.delay_s)
                or (appeared_at is not None and now - appeared_at >= kill.delay_s)
            )
            if due or now - started > timeout_s:
                survivors = kill_group(process)
                # It may have exited on its own between the last poll and the kill.
                was_killed = process.returncode == -signal.SIGKILL
                return Finished(
                    stage,
                    arguments,
                    process.returncode,
                    now - started,  # when the kill was sent
                    log,
                    killed=due and was_killed,
                    timed_out=not due and was_killed,
                    wal_episodes=episodes,
                    survivors=survivors,
                )
            time.sleep(POLL_S)
        return Finished(
            stage, arguments, process.returncode, time.monotonic() - started, log, False, False,
            episodes,
        )  # fmt: skip


def kill_group(process: subprocess.Popen[bytes]) -> int:
    """SIGKILL the process group and wait for it; returns how many of its processes (as seen
    just before the kill) were still alive a moment later and had to be killed one by one:
    a process that left the group would go on holding the warehouse after a real crash."""
    try:
        tree = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        tree = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + GROUP_GONE_S
    alive = _alive(tree)
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = _alive(alive)
    for survivor in alive:
        try:
            survivor.kill()
        except psutil.Error:
            continue
    return len(alive)


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The ones still running; a killed child nobody has reaped yet (a zombie) is dead."""
    running = []
    for candidate in processes:
        try:
            if candidate.is_running() and candidate.status() != psutil.STATUS_ZOMBIE:
                running.append(candidate)
        except psutil.Error:
            continue
    return running
