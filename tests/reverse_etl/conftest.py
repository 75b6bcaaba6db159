"""Reverse-ETL fixtures: a small world ingested and built by the real pipelines and dbt,
whose pushes go to the sandbox's real write endpoints. Pushes change the world, so each
test that writes gets its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from channels.budget import forget_budgets
from orchestration.push import run_push
from orchestration.transform import DbtRun, run_dbt
from reverse_etl.push import PushReport
from sandbox.server.context import SandboxOptions
from sandbox.server.runner import SandboxConfig, SandboxThread
from tests.helpers.clients import Control
from tests.helpers.listings import listing_key
from tests.ingest.conftest import AMAZON_MARGIN_S, FAST_RETRIES
from tests.ingest.raw import Ingest


@dataclass
class StockedWorld:
    manifest: dict[str, Any]
    control: Control
    ingest: Ingest

    @property
    def warehouse(self) -> Path:
        return self.ingest.database

    def build(self) -> DbtRun:
        run = run_dbt(
            ["build"],
            warehouse=self.warehouse,
            target_path=self.ingest.directory / "dbt",
            publish_marts=True,
        )
        assert run.ok, run.explain()
        return run

    def refresh(self, *channels: str) -> None:
        """What a scheduled cycle does before a push: ingest, then build the marts."""
        self.ingest.run(*channels)
        self.build()

    def push(self, **options: Any) -> PushReport:
        forget_budgets()
        options.setdefault("policy", FAST_RETRIES)
        return run_push(
            config_file=self.ingest.config,
            warehouse=self.warehouse,
            **options,
        )

    def stock_writes(self) -> dict[str, list[int]]:
        """Every quantity the channels' write APIs set, per listing_key, in order."""
        return {
            listing_key(row): [write["quantity"] for write in row["writes"]]
            for row in self.control.get("/truth/stock-writes")["listings"]
        }

    def displayed(self) -> dict[str, dict[str, Any]]:
        """The sandbox truth per listing, by the marts' listing_key."""
        return {listing_key(row): row for row in self.control.get("/truth/listings")["listings"]}

    def writes(self) -> int:
        metrics = self.control.metrics()
        return sum(int(channel["total"].get("writes_applied", 0)) for channel in metrics.values())


@pytest.fixture
def stocked_world(tmp_path: Path) -> Iterator[Callable[..., StockedWorld]]:
    threads: list[SandboxThread] = []

    def start(time_scale: float = 1.0, scale: str = "small") -> StockedWorld:
        forget_budgets()
        config = SandboxConfig(
            seed=42,
            scale=scale,
            time_scale=time_scale,
            options=SandboxOptions(rate_limits=False),
        )
        thread = SandboxThread(config)
        threads.append(thread)
        manifest = thread.__enter__()
        control = Control(manifest)
        control.advance(AMAZON_MARGIN_S)
        world = StockedWorld(manifest, control, Ingest(manifest, tmp_path, policy=FAST_RETRIES))
        world.refresh()
        return world

    yield start
    for thread in threads:
        thread.__exit__(None, None, None)
    forget_budgets()
