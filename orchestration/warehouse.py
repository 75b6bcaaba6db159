"""Opening the warehouse from any step: wait while another process holds DuckDB's file lock.

DuckDB admits one process with the file open for writing (and none for reading meanwhile).
Dagster serialises the long writers through one pool; a short statement from outside it (the
push ledger, a quality check started by hand, the CLI) waits its turn here rather than fail.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

LOCK_MESSAGE = "Could not set lock"


class WarehouseBusyError(RuntimeError):
    """Another process kept the warehouse file locked for longer than the caller would wait."""


def open_warehouse(
    path: str | Path,
    *,
    read_only: bool = False,
    wait_s: float = 600.0,
    poll_s: float = 0.25,
) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckDB file at `path`, waiting up to `wait_s` for its lock."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if LOCK_MESSAGE not in str(error):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"warehouse {path} stayed locked by another process for {wait_s:.0f} s: {error}"
                ) from error
            time.sleep(poll_s)
