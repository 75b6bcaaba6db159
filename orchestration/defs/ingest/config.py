"""Run configuration of an ingest step, set by the schedules or in the launchpad."""

from __future__ import annotations

import dagster as dg
from pydantic import Field


class IngestConfig(dg.Config):
    lookback_minutes: float = Field(
        default=15.0,
        description="Re-read records updated this long before each cursor (late or slow "
        "updates); the nightly reconciliation widens it to a day.",
    )
    full_refresh: bool = Field(
        default=False,
        description="Drop the channel's raw tables and cursors and load everything again.",
    )
    evolve_schema: bool = Field(
        default=False,
        description="Accept upstream schema changes (new columns) after reviewing them.",
    )
