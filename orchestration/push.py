"""Run a stock push from configuration: the one entry point of the CLI and (issue 6) Dagster.

Settings come from where ingestion reads them (a channels file or dlt's config/secrets);
guard thresholds from dlt's config section `[reverse_etl.guard]` (GuardConfig's fields,
e.g. `max_zero_share = 0.25`, `max_snapshot_age_minutes = 120`); the blocking quality checks
from the last dbt build's results. Against the sandbox, "now" is the sandbox world's clock,
since every timestamp its channels and warehouse report is in world time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import dlt
import httpx

from channels.retry import RetryPolicy
from dlt_sources.common.config import CHANNELS_FILE_ENV, channel_settings
from dlt_sources.common.pipeline import warehouse_path
from orchestration.transform import DBT_PROJECT_DIR
from orchestration.warehouse import open_warehouse
from reverse_etl.guard import GuardConfig
from reverse_etl.push import PushReport, push
from reverse_etl.writers import Writer
from reverse_etl.writers.registry import build_writer

FAILED = ("fail", "error")


def run_push(
    *,
    channels: Sequence[str] | None = None,
    dry_run: bool = False,
    config_file: str | Path | None = None,
    warehouse: Path | None = None,
    dbt_results: Path | None = None,
    guard: GuardConfig | None = None,
    policy: RetryPolicy | None = None,
    failed_quality_checks: Sequence[str] | None = None,
) -> PushReport:
    """Push `channels` (default: every channel with a plan).

    `failed_quality_checks` names the checks that failed upstream; by default, the tests the
    last dbt build failed (`dbt_results`). Dagster passes none: its blocking checks already
    keep a push from running after a failed one.
    """

    def make_writer(channel: str, run_id: str) -> Writer:
        return build_writer(channel, channel_settings(channel, config_file), run_id, policy)

    path = warehouse or warehouse_path()
    if failed_quality_checks is None:
        failed_quality_checks = failed_checks(dbt_results)
    return push(
        lambda: open_warehouse(path),
        make_writer,
        channels=channels,
        dry_run=dry_run,
        guard=guard or guard_config(),
        failed_quality_checks=failed_quality_checks,
        now=world_now(config_file),
    )


GUARD_SETTINGS = (
    "max_zero_share",
    "zero_share_min_listings",
    "max_snapshot_age_minutes",
    "max_changes_per_channel",
    "default_max_changes",
)


def guard_config() -> GuardConfig:
    """Thresholds from `[reverse_etl.guard]` in dlt's config (TOML or environment)."""
    settings: dict[str, Any] = {}
    for name in GUARD_SETTINGS:
        value: Any = dlt.config.get(f"reverse_etl.guard.{name}")
        if value is not None:
            settings[name] = value
    return GuardConfig.from_mapping(settings)


def failed_checks(results: Path | None = None) -> list[str]:
    """The data tests the last dbt build failed (none known when it left no results)."""
    path = results or DBT_PROJECT_DIR / "target" / "run_results.json"
    if not path.exists():
        return []
    document = json.loads(path.read_text())
    return [
        str(result["unique_id"])
        for result in document.get("results", [])
        if str(result.get("unique_id", "")).startswith("test.")
        and str(result.get("status", "")).lower() in FAILED
    ]


def world_now(config_file: str | Path | None) -> datetime | None:
    """The sandbox world's clock when the channels file is a sandbox manifest, else None."""
    path = config_file or os.environ.get(CHANNELS_FILE_ENV)
    if not path:
        return None
    manifest: dict[str, Any] = json.loads(Path(path).read_text())
    control = (manifest.get("sandbox") or {}).get("control_url")
    if not control:
        return None
    response = httpx.get(f"{control.rstrip('/')}/clock", timeout=30)
    response.raise_for_status()
    return datetime.fromisoformat(str(response.json()["now"]).replace("Z", "+00:00"))
