"""Marts fixtures: a small world ingested by the real pipelines and built by the real dbt.

`built_world` is shared by the read-only tests of a module; tests that change data work on
`copy_of(...)`, a copy of the warehouse file, so one ingest serves them all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from channels.budget import forget_budgets
from orchestration.transform import DbtRun, run_dbt
from sandbox.server.context import SandboxOptions
from sandbox.server.runner import SandboxConfig, SandboxThread
from tests.helpers.clients import Control
from tests.ingest.conftest import (  # noqa: F401 - the ingest fixtures serve these tests too
    AMAZON_MARGIN_S,
    FAST_RETRIES,
    fresh_budgets,
    ingest_world,
)
from tests.ingest.raw import Ingest

SAFETY_STOCK = 2  # a non-zero default, so the tests see it subtracted
# What a later ingest stamps on the rows it writes; the incremental models pick them up by it.
NEW_LOAD = "4102444800.0"


@dataclass
class BuiltWorld:
    manifest: dict[str, Any]
    control: Control
    ingest: Ingest
    build: DbtRun

    @property
    def warehouse(self) -> Path:
        return self.ingest.database

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        return self.ingest.sql(query)


def dbt(warehouse: Path, *arguments: str) -> DbtRun:
    """Run dbt on `warehouse` with the test vars, keeping its artifacts beside the file."""
    return run_dbt(
        list(arguments),
        warehouse=warehouse,
        target_path=warehouse.parent / f"dbt-target-{warehouse.stem}",
        variables={"default_safety_stock": SAFETY_STOCK},
    )


def copy_of(world: BuiltWorld, directory: Path) -> Path:
    target = directory / "copy.duckdb"
    shutil.copy2(world.warehouse, target)
    return target


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.sql(sql).fetchall()


def execute(warehouse: Path, *statements: str) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        for statement in statements:
            connection.execute(statement)


@pytest.fixture(scope="module")
def built_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltWorld]:
    config = SandboxConfig(seed=42, scale="small", options=SandboxOptions(rate_limits=False))
    forget_budgets()
    with SandboxThread(config) as manifest:
        control = Control(manifest)
        control.advance(AMAZON_MARGIN_S)
        ingest = Ingest(manifest, tmp_path_factory.mktemp("marts"), policy=FAST_RETRIES)
        ingest.run()
        build = dbt(ingest.database, "build")
        yield BuiltWorld(manifest, control, ingest, build)
    forget_budgets()
