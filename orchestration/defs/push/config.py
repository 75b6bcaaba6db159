"""Run configuration of a push step."""

from __future__ import annotations

import dagster as dg
from pydantic import Field


class PushConfig(dg.Config):
    dry_run: bool = Field(
        default=False,
        description="Plan, guard and store the plan in the ledger; write nothing to the channel.",
    )
