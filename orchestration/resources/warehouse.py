"""The warehouse every asset reads and writes, as one Dagster resource."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import dlt
import duckdb

from dlt_sources.common.pipeline import WAREHOUSE_ENV, warehouse_path
from orchestration.warehouse import open_warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file of the platform (`TRIBUTARY_WAREHOUSE` unless `path` is set).

    dlt loads it, dbt builds in it (its profile reads the same variable), the quality suites
    read it and the push ledger writes to it. Steps that hold it for long run in the
    `warehouse` pool; short ones wait for the file lock (`lock_wait_s`)."""

    path: str | None = None
    lock_wait_s: float = 600.0

    @property
    def location(self) -> Path:
        return (Path(self.path) if self.path else warehouse_path()).resolve()

    def destination(self) -> Any:
        self.location.parent.mkdir(parents=True, exist_ok=True)
        return dlt.destinations.duckdb(str(self.location))

    def connect(self, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        return open_warehouse(self.location, read_only=read_only, wait_s=self.lock_wait_s)

    @contextmanager
    def dbt_environment(self) -> Iterator[None]:
        """Point dbt's profile (a child process reading TRIBUTARY_WAREHOUSE) at this file."""
        previous = os.environ.get(WAREHOUSE_ENV)
        os.environ[WAREHOUSE_ENV] = str(self.location)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(WAREHOUSE_ENV, None)
            else:
                os.environ[WAREHOUSE_ENV] = previous
