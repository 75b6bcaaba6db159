"""The warehouse every asset reads and writes, as one Dagster resource."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from core.environment import environment_set
from core.secrets import SALT_ENV, pii_salt
from core.warehouse import WAREHOUSE_ENV, Warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file of the platform (`TRIBUTARY_WAREHOUSE` unless `path` is set).

    dlt loads it, dbt builds in it (its profile reads the same variable), the quality suites
    read it and the push ledger writes to it. Every one of them takes the warehouse's lock
    (core.warehouse): writers one at a time, readers beside each other but never beside a
    writer, whichever process, Dagster step or command line, they run in. BI tools read the
    serving copy (`serving/<file>`), published after each successful build."""

    path: str | None = None

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse.at(self.path)

    @property
    def location(self) -> Path:
        return self.warehouse.path

    @contextmanager
    def reader(self, purpose: str) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.warehouse.reader(purpose) as connection:
            yield connection

    @contextmanager
    def dbt_environment(self) -> Iterator[None]:
        """Point dbt's profile (a child process reading TRIBUTARY_WAREHOUSE) at this file and
        hand it the PII salt (read by the dbt plugin, never written into SQL)."""
        with environment_set({WAREHOUSE_ENV: str(self.location), SALT_ENV: pii_salt()}):
            yield
