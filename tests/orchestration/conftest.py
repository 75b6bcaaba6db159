"""Dagster fixtures: the real code location, run in-process against a real sandbox world.

The dbt manifest is prepared once per session, as `make` does before Dagster loads (the code
location never parses dbt at import). `pipeline_world(...)` starts a small world (rate limits
off), points the platform's environment (warehouse, channels file, dlt pipelines) at a private
directory and runs jobs of the code location with a Dagster instance kept on disk there, so
the UI test can serve the same run history.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from channels.budget import forget_budgets
from orchestration.definitions import defs
from orchestration.transform import DBT_PROJECT_DIR, prepare_manifest
from sandbox.server.context import SandboxOptions
from sandbox.server.runner import SandboxConfig, SandboxThread
from tests.helpers.clients import Control
from tests.helpers.listings import listing_key
from tests.ingest.conftest import AMAZON_MARGIN_S

INSTANCE_YAML = DBT_PROJECT_DIR.parent / "orchestration" / "dagster.yaml"


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> Path:
    prepare_manifest()
    return DBT_PROJECT_DIR / "target" / "manifest.json"


@dataclass
class PipelineWorld:
    manifest: dict[str, Any]
    control: Control
    directory: Path
    environment: dict[str, str]

    @property
    def warehouse(self) -> Path:
        return self.directory / "warehouse.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.directory / "dagster"

    def instance(self) -> dg.DagsterInstance:
        return dg.DagsterInstance.from_config(str(self.dagster_home))

    def run(self, job: str = "refresh") -> dg.ExecuteInProcessResult:
        forget_budgets()
        with pytest.MonkeyPatch.context() as patch:
            for name, value in self.environment.items():
                patch.setenv(name, value)
            definition = defs().resolve_job_def(job)
            with self.instance() as instance:
                return definition.execute_in_process(instance=instance, raise_on_error=False)

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.warehouse), read_only=True) as connection:
            return connection.execute(query).fetchall()

    def displayed(self) -> dict[str, int]:
        """What each channel listing shows now, by the marts' listing_key."""
        rows = self.control.get("/truth/listings")["listings"]
        return {listing_key(row): row["displayed_quantity"] for row in rows}

    def stock_writes(self) -> int:
        return sum(
            len(row["writes"]) for row in self.control.get("/truth/stock-writes")["listings"]
        )


@pytest.fixture(scope="session")
def pipeline_worlds(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., PipelineWorld]]:
    threads: list[SandboxThread] = []

    def start(name: str, **environment: str) -> PipelineWorld:
        config = SandboxConfig(seed=42, scale="small", options=SandboxOptions(rate_limits=False))
        thread = SandboxThread(config)
        threads.append(thread)
        manifest = thread.__enter__()
        control = Control(manifest)
        control.advance(AMAZON_MARGIN_S)  # Amazon hides orders of its last two minutes
        directory = tmp_path_factory.mktemp(name)
        (directory / "channels.json").write_text(json.dumps(manifest))
        (directory / "dagster").mkdir()
        shutil.copy(INSTANCE_YAML, directory / "dagster" / "dagster.yaml")
        return PipelineWorld(
            manifest=manifest,
            control=control,
            directory=directory,
            environment={
                "TRIBUTARY_WAREHOUSE": str(directory / "warehouse.duckdb"),
                "TRIBUTARY_CHANNELS_FILE": str(directory / "channels.json"),
                "TRIBUTARY_PIPELINES_DIR": str(directory / "pipelines"),
                **environment,
            },
        )

    yield start
    for thread in threads:
        thread.__exit__(None, None, None)
    forget_budgets()


@dataclass
class Materialized:
    world: PipelineWorld
    result: dg.ExecuteInProcessResult
    targets: dict[str, tuple[bool, int | None]]  # listing_key -> (is_pushable, target_quantity)
    shown_before: dict[str, int]


@pytest.fixture(scope="session")
def materialized(pipeline_worlds: Callable[..., PipelineWorld]) -> Materialized:
    """The whole graph materialized once, in-process, on a fresh world."""
    world = pipeline_worlds("materialized")
    shown_before = world.displayed()
    result = world.run("refresh")
    targets = {
        key: (bool(pushable), None if target is None else int(target))
        for key, pushable, target in world.sql(
            "select listing_key, is_pushable, target_quantity from marts.inventory_push_targets"
        )
    }
    return Materialized(world, result, targets, shown_before)
