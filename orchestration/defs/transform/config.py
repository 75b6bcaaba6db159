"""Run configuration of the dbt step, set by the schedules or in the launchpad."""

from __future__ import annotations

import dagster as dg
from pydantic import Field


class DbtBuildConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Rebuild the incremental models from every raw row (the nightly "
        "reconciliation); otherwise they read only what the last loads added.",
    )
