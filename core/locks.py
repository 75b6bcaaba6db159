"""Advisory file locks that say who holds them, wait a bounded time, and die with their holder.

Tributary enforces "one writer at a time", "one ingest of a channel at a time" and "one
sandbox or UI per name" with `flock(2)` on a lock file instead of hoping a scheduler
serialises everyone: CLI commands, Dagster steps, benchmarks and the fast path are separate
processes that no Dagster pool sees. `flock` is released by the kernel when its holder dies,
even by `kill -9`, so a crash never leaves a stale lock behind.

An exclusive holder writes who it is (pid, host, purpose, since when, and whatever else it
serves) into the lock file, so a waiter can say what it is waiting for, and give up with that
in the message instead of hanging. Two levels:

- `acquire` / `HeldLock`: take a lock now or be told who has it (`LockHeldError`); the holder
  may add to what it says about itself (`record`) and hand the descriptor to a child;
- `FileLock`: a context that waits (bounded, logged) for an exclusive or shared hold; a thread
  that already holds it may take it again (shared or exclusive inside its own exclusive
  hold), so a step holding the writer lock can call helpers that take it too.
"""

from __future__ import annotations

import contextlib
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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_WAIT_ENV = "TRIBUTARY_LOCK_WAIT_S"
DEFAULT_WAIT_S = 1800.0
REPORT_EVERY_S = 15.0
QUIET_WAIT_S = 1.0  # a wait shorter than this is ordinary turn-taking, not worth a warning
READ_ATTEMPTS = 10


def default_wait_s() -> float:
    """How long a lock is waited for unless the caller says: `TRIBUTARY_LOCK_WAIT_S` or 30 min."""
    return float(os.environ.get(DEFAULT_WAIT_ENV, DEFAULT_WAIT_S))


class LockHeldError(Exception):
    """Someone else holds the lock; `holder` is what they wrote into it (may be empty)."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is held by {describe(holder)}")


class LockBusyError(RuntimeError):
    """The lock stayed held by someone else for longer than the caller would wait."""

    def __init__(self, name: str, holder: str, waited_s: float) -> None:
        self.name = name
        self.holder = holder
        super().__init__(
            f"{name} is held by {holder}; gave up after waiting {waited_s:.0f} s "
            f"(wait longer with {DEFAULT_WAIT_ENV}=<seconds>, or stop the other process)"
        )


@dataclass
class HeldLock:
    """An exclusive `flock` on `path` through `fd`, and what the holder says about itself."""

    path: Path
    fd: int
    info: dict[str, Any] = field(default_factory=dict)

    def record(self, **info: Any) -> None:
        """Add to what the lock file says about its holder (rewritten in place: the lock is
        on this file's inode, so it is never replaced by a rename)."""
        self.info.update(info)
        data = json.dumps(self.info, sort_keys=True, default=str).encode()
        os.pwrite(self.fd, data, 0)
        os.ftruncate(self.fd, len(data))

    def release(self, *, remove: bool = False) -> None:
        """Close this process's descriptor. A child given the descriptor (`pass_fds`) keeps
        the lock until it exits too. `remove` deletes the file first (only for names nobody
        else will take, as removing a lock file others may open races with them)."""
        if self.fd < 0:
            return
        if remove:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        os.close(self.fd)
        self.fd = -1


def acquire(path: Path, **info: Any) -> HeldLock:
    """Take the lock without waiting, and write who holds it; `LockHeldError` when taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LockHeldError(path, read_holder(path)) from None
    lock = HeldLock(path, fd)
    lock.record(
        pid=os.getpid(),
        host=socket.gethostname(),
        since=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        command=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300],
        **info,
    )
    return lock


def is_held(path: Path) -> bool:
    """Whether a live process holds the lock at `path` (a missing file is not held).

    How a run tells that the process behind an open record died: its lock is free."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the lock, if it was granted
    return False


def read_holder(path: Path) -> dict[str, Any]:
    """What the holder wrote into the lock file; empty when unreadable. A holder may be in
    the middle of rewriting it, so a half-written file is read again."""
    for _ in range(READ_ATTEMPTS):
        try:
            found = json.loads(path.read_text() or "{}")
        except FileNotFoundError:
            return {}
        except ValueError:
            time.sleep(0.05)
            continue
        return found if isinstance(found, dict) else {}
    return {}


def describe(holder: dict[str, Any]) -> str:
    """A holder as a waiter names it: pid, host, what it does and since when."""
    if not holder.get("pid"):
        return "another process (a reader, or one that has not said who it is)"
    purpose = holder.get("purpose")
    doing = f" ({purpose}: {holder.get('command')})" if purpose else f" ({holder.get('command')})"
    return f"pid {holder['pid']} on {holder.get('host', '?')}{doing} since {holder.get('since')}"


@dataclass
class _Hold:
    lock: HeldLock
    exclusive: bool
    depth: int = 1


class _Holds(threading.local):
    def __init__(self) -> None:
        self.by_path: dict[str, _Hold] = {}


_holds = _Holds()


class FileLock:
    """A named lock on the file at `path`: `with FileLock(path, "the warehouse writer lock"):`.

    `shared=True` admits any number of shared holders and no exclusive one (readers);
    otherwise one exclusive holder and no shared one (writers). Waits up to `wait_s`
    (default `TRIBUTARY_LOCK_WAIT_S`), saying whom it waits for, then `LockBusyError`.
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
        hold = _Hold(self._wait(), exclusive=not self.shared)
        _holds.by_path[key] = hold
        try:
            yield
        finally:
            del _holds.by_path[key]
            hold.lock.release()

    def __enter__(self) -> None:
        self._context = self.held()
        self._context.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(None, None, None)

    def _wait(self) -> HeldLock:
        started = time.monotonic()
        next_report = started + QUIET_WAIT_S
        while True:
            try:
                return self._take()
            except LockHeldError as held:
                now = time.monotonic()
                waited = now - started
                if waited >= self.wait_s:
                    raise LockBusyError(self.name, describe(held.holder), waited) from None
                if now >= next_report:
                    log.warning(
                        "waiting for %s (%s): held by %s; %.0f s so far, up to %.0f s",
                        self.name,
                        self.purpose,
                        describe(held.holder),
                        waited,
                        self.wait_s,
                    )
                    next_report = now + REPORT_EVERY_S
                time.sleep(self.poll_s)

    def _take(self) -> HeldLock:
        if not self.shared:
            return acquire(self.path, purpose=self.purpose)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeldError(self.path, read_holder(self.path)) from None
        return HeldLock(self.path, fd)


def try_lock(path: Path) -> bool:
    """Whether nobody holds the lock at `path` right now."""
    return not is_held(path)
