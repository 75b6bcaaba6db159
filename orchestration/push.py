"""Run a stock push from configuration: the one entry point of the CLI and Dagster.

Settings come from where ingestion reads them (a channels file or dlt's config/secrets);
guard thresholds from dlt's config section `[reverse_etl.guard]` (GuardConfig's fields,
e.g. `max_zero_share = 0.25`, `max_snapshot_age_minutes = 120`). Whether the dbt build
behind the targets may be trusted is read from the warehouse (reverse_etl.builds), never
from a results file. Each channel's writer gets a deadline (`push_deadline_minutes` in the
channel's settings, 15 by default), so a sick channel fails alone instead of holding up the
rest. Against the sandbox, "now" is the sandbox world's clock, since every timestamp its
channels and warehouse report is in world time.
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

from channels.deadline import Deadline
from channels.retry import RetryPolicy
from core.warehouse import Warehouse
from dlt_sources.common.config import CHANNELS_FILE_ENV, channel_settings
from reverse_etl.guard import GuardConfig
from reverse_etl.push import PushReport, push
from reverse_etl.writers import Writer
from reverse_etl.writers.registry import build_writer

DEFAULT_PUSH_DEADLINE_MINUTES = 15.0


def run_push(
    *,
    channels: Sequence[str] | None = None,
    dry_run: bool = False,
    config_file: str | Path | None = None,
    warehouse: Path | None = None,
    guard: GuardConfig | None = None,
    policy: RetryPolicy | None = None,
    failed_quality_checks: Sequence[str] = (),
    deadline_minutes: float | None = None,
) -> PushReport:
    """Push `channels` (default: every channel with a plan).

    `failed_quality_checks` names blocking checks that failed upstream (Dagster's blocking
    checks already keep a push from running after one fails, so it passes none)."""

    def make_writer(channel: str, run_id: str) -> Writer:
        settings = channel_settings(channel, config_file)
        minutes = deadline_minutes or float(
            settings.get("push_deadline_minutes", DEFAULT_PUSH_DEADLINE_MINUTES)
        )
        return build_writer(
            channel, settings, run_id, policy, deadline=Deadline.after(60.0 * minutes)
        )

    return push(
        Warehouse.at(warehouse),
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
