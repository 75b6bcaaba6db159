"""When the jobs run. Cron strings and time zone come from the environment, so an operator
changes the cadence without a code change:

- `TRIBUTARY_REFRESH_CRON` (default every 15 minutes),
- `TRIBUTARY_RECONCILE_CRON` (default 03:00),
- `TRIBUTARY_SCHEDULE_TIMEZONE` (default UTC).

Both start running with the Dagster daemon; `make ui` serves the UI without one.
"""

from __future__ import annotations

import os

import dagster as dg

from orchestration.defs.automation.jobs import reconcile, refresh

TIMEZONE = os.environ.get("TRIBUTARY_SCHEDULE_TIMEZONE", "UTC")

refresh_schedule = dg.ScheduleDefinition(
    name="refresh_every_15_minutes",
    job=refresh,
    cron_schedule=os.environ.get("TRIBUTARY_REFRESH_CRON", "*/15 * * * *"),
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Incremental refresh of the whole graph, pushes included.",
)

reconcile_schedule = dg.ScheduleDefinition(
    name="reconcile_nightly",
    job=reconcile,
    cron_schedule=os.environ.get("TRIBUTARY_RECONCILE_CRON", "0 3 * * *"),
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Full reconciliation: a day of lookback and a full rebuild of the marts.",
)
