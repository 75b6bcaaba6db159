"""Advisory file locks that say who holds them, wait a bounded time, and die with their holder.

Tributary enforces "one writer at a time" and "one ingest of a channel at a time" with
`flock(2)` on a lock file instead of hoping a scheduler serialises everyone: CLI commands,
Dagster steps, benchmarks and the fast path are separate processes that no Dagster pool sees.
`flock` is released by the kernel when its holder dies, even by `kill -9`, so a crash never
leaves a stale lock behind.

An exclusive holder writes who it is (pid, host, purpose, since when) into the lock file, so
a waiter can say what it is waiting for, and give up with that in the message instead of
hanging. A thread that already holds a lock may take it again (shared or exclusive inside its
own exclusive hold), so a step that holds the writer lock can call helpers that take it too.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

DEFAULT_WAIT_ENV = "TRIBUTARY_LOCK_WAIT_S"
DEFAULT_WAIT_S = 1800.0
REPORT_EVERY_S = 15.0


def default_wait_s() -> float:
    """How long a lock is waited for unless the caller says: `TRIBUTARY_LOCK_WAIT_S` or 30 min."""
    return float(os.environ.get(DEFAULT_WAIT_ENV, DEFAULT_WAIT_S))


class LockBusyError(RuntimeError):
    """The lock stayed held by someone else for longer than the caller would wait."""

    def __init__(self, name: str, holder: str, waited_s: float) -> None:
        self.name = name
        self.holder = holder
        super().__init__(
            f"{name} is held by {holder}; gave up after waiting {waited_s:.0f} s "
            f"(wait longer with {DEFAULT_WAIT_ENV}=<seconds>, or stop the other process)"
        )


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    purpose: str
    since: str
    command: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host} ({self.purpose}: {self.command}) since {self.since}"

    @classmethod
    def me(cls, purpose: str) -> Holder:
        command = " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:])[:200]
        return cls(
            pid=os.getpid(),
            host=socket.gethostname(),
            purpose=purpose,
            since=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            command=command or "python",
        )


@dataclass
class _Hold:
    file: IO[str]
    exclusive: bool
    depth: int = 1


class _Holds(threading.local):
    def __init__(self) -> None:
        self.by_path: dict[str, _Hold] = {}


_holds = _Holds()


def holder_of(path: Path) -> str:
    """Who holds the lock at `path`, as its holder wrote it (or what can be said without it)."""
    try:
        text = path.read_text()
    except OSError:
        return "another process"
    try:
        return Holder(**json.loads(text)).describe()
    except (ValueError, TypeError):
        return "another process (a reader, or one that has not said who it is)"


class FileLock:
    """A named lock on the file at `path`: `with FileLock(path, "the warehouse writer lock"):`.

    `shared=True` admits any number of shared holders and no exclusive one (readers);
    otherwise one exclusive holder and no shared one (writers).
    """

    def __init__(
        self,
        path: Path,
        name: str,
        *,
        purpose: str = "",
        shared: bool = False,
        wait_s: float | None = None,
        poll_s: float = 0.1,
    ) -> None:
        self.path = Path(path)
        self.name = name
        self.purpose = purpose or name
        self.shared = shared
        self.wait_s = default_wait_s() if wait_s is None else wait_s
        self.poll_s = poll_s

    @contextmanager
    def held(self) -> Iterator[None]:
        key = str(self.path.resolve())
        current = _holds.by_path.get(key)
        if current is not None:
            if not current.exclusive and not self.shared:
                raise RuntimeError(f"{self.name}: cannot upgrade a shared hold to an exclusive one")
            current.depth += 1
            try:
                yield
            finally:
                current.depth -= 1
            return
        hold = _Hold(self._acquire(), exclusive=not self.shared)
        _holds.by_path[key] = hold
        try:
            yield
        finally:
            del _holds.by_path[key]
            fcntl.flock(hold.file, fcntl.LOCK_UN)
            hold.file.close()

    def __enter__(self) -> None:
        self._context = self.held()
        self._context.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(None, None, None)

    def _acquire(self) -> IO[str]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = self.path.open("a+")
        mode = (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        started = time.monotonic()
        next_report = started
        while True:
            try:
                fcntl.flock(file, mode)
                break
            except BlockingIOError:
                now = time.monotonic()
                waited = now - started
                if waited >= self.wait_s:
                    holder = holder_of(self.path)
                    file.close()
                    raise LockBusyError(self.name, holder, waited) from None
                if now >= next_report:
                    log.warning(
                        "waiting for %s (%s): held by %s; %.0f s so far, up to %.0f s",
                        self.name,
                        self.purpose,
                        holder_of(self.path),
                        waited,
                        self.wait_s,
                    )
                    next_report = now + REPORT_EVERY_S
                time.sleep(self.poll_s)
        if not self.shared:
            file.seek(0)
            file.truncate()
            file.write(json.dumps(Holder.me(self.purpose).__dict__))
            file.flush()
        return file


def try_lock(path: Path) -> bool:
    """Whether nobody holds the lock at `path` right now (taken and released at once).

    How a run tells that the process behind an open record died: its lock is free.
    """
    if not path.exists():
        return True
    with path.open("a+") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(file, fcntl.LOCK_UN)
        return True
