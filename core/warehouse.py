"""The warehouse, as every layer opens it: one writer at a time, readers never surprised.

DuckDB admits one process with a database file open for writing, and while it has it open no
other process may open the file at all, not even to read. So:

- every writer (a dlt load, a dbt build, the push ledger) holds the warehouse's *writer lock*
  (`<file>.lock`, exclusive) while it has the file open, and every reader of the working file
  (quality suites, summaries) holds it shared: Tributary's own processes queue instead of
  failing on DuckDB's lock, and say whom they wait for;
- a process that does not take the lock (a BI tool pointed at the working file by mistake)
  still makes DuckDB refuse the file: opening it is retried for a bounded, logged time instead
  of failing the run (`connect`);
- BI tools and docs read the *serving copy* (`serving/<file>`, see `core.serving`), which is
  only ever replaced whole, never written in place, so they are never blocked and never block.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.locks import FileLock, default_wait_s

log = logging.getLogger(__name__)

WAREHOUSE_ENV = "TRIBUTARY_WAREHOUSE"
DEFAULT_PATH = Path("data/tributary.duckdb")
DUCKDB_LOCK_MESSAGE = "Could not set lock"
REPORT_EVERY_S = 15.0


class WarehouseBusyError(RuntimeError):
    """Another process kept the DuckDB file open for longer than the caller would wait."""


def is_lock_conflict(error: BaseException | str) -> bool:
    """Whether an error (or a log text) is DuckDB refusing a file another process holds."""
    return DUCKDB_LOCK_MESSAGE in str(error)


def connect(
    path: Path, *, read_only: bool = False, wait_s: float | None = None, poll_s: float = 0.2
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to `path`, retrying while another process holds the file.

    Tributary's own processes never get here while one of them writes (the writer lock keeps
    them apart); this waits out the ones that do not take that lock."""
    limit = default_wait_s() if wait_s is None else wait_s
    started = time.monotonic()
    next_report = started
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if not is_lock_conflict(error):
                raise
            now = time.monotonic()
            if now - started >= limit:
                raise WarehouseBusyError(
                    f"warehouse {path} stayed open in another process for {limit:.0f} s: "
                    f"{error}. BI tools should read the serving copy instead (README: reading "
                    "the marts)."
                ) from error
            if now >= next_report:
                log.warning("warehouse %s is open in another process, retrying: %s", path, error)
                next_report = now + REPORT_EVERY_S
            time.sleep(poll_s)


@dataclass(frozen=True)
class Warehouse:
    """The platform's DuckDB file and everything kept beside it (lock, serving copy)."""

    path: Path

    @classmethod
    def from_env(cls) -> Warehouse:
        """`TRIBUTARY_WAREHOUSE`, else data/tributary.duckdb (relative to the working dir)."""
        return cls(Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_PATH).resolve())

    @classmethod
    def at(cls, path: Path | str | None) -> Warehouse:
        return cls(Path(path).resolve()) if path else cls.from_env()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f"{self.path.name}.lock")

    @property
    def locks_dir(self) -> Path:
        """Where per-run and per-channel locks live (push runs, channel writers)."""
        return self.path.with_name(f"{self.path.name}.locks")

    @property
    def serving_path(self) -> Path:
        """The published read-only copy of the marts (same file name, so the same catalog)."""
        return self.path.parent / "serving" / self.path.name

    @property
    def fast_push_ledger_path(self) -> Path:
        """The fast path's push ledger: a DuckDB file of its own beside the warehouse, so a
        push within seconds of a sale never waits for a dbt build to release this file."""
        return self.path.with_name("realtime-ledger.duckdb")

    def writer_lock(self, purpose: str, wait_s: float | None = None) -> FileLock:
        return FileLock(self.lock_path, "the warehouse writer lock", purpose=purpose, wait_s=wait_s)

    def reader_lock(self, purpose: str, wait_s: float | None = None) -> FileLock:
        return FileLock(
            self.lock_path,
            "the warehouse (shared, for reading)",
            purpose=purpose,
            shared=True,
            wait_s=wait_s,
        )

    @contextmanager
    def writer(self, purpose: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """The file open for writing, with the writer lock held for as long as it is open."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.writer_lock(purpose).held(), connect(self.path) as connection:
            yield connection

    @contextmanager
    def reader(self, purpose: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working file open read-only, no writer meanwhile (for checks of a fresh build;
        BI tools read the serving copy instead)."""
        with (
            self.reader_lock(purpose).held(),
            connect(self.path, read_only=True) as connection,
        ):
            yield connection
