"""The fast path: when the 3PL's stock moves, push it without waiting for the next refresh.

Every minute the sensor asks the 3PL for one stock row updated since its cursor (one cheap
request inside the 3PL's rate budget). When stock moved, it launches `stock_fast_path`: the
3PL's stock and shipments, the marts downstream of them, their checks and the pushes. The
cursor is the 3PL's own `as_of`, so the sensor never depends on this machine's clock.
"""

from __future__ import annotations

import os

import dagster as dg

from channels.warehouse import WarehouseClient, WarehouseConfig
from dlt_sources.common.config import channel_settings
from orchestration.defs.automation.jobs import stock_fast_path
from orchestration.resources.channels import ChannelsResource


@dg.sensor(
    job=stock_fast_path,
    minimum_interval_seconds=int(os.environ.get("TRIBUTARY_STOCK_SENSOR_SECONDS", "60")),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Launches stock_fast_path when the 3PL reports stock updated since the last look.",
)
def stock_moved(
    context: dg.SensorEvaluationContext, channels: ChannelsResource
) -> dg.SensorResult | dg.SkipReason:
    settings = channel_settings("warehouse", channels.settings_file())
    client = WarehouseClient(WarehouseConfig.from_mapping(settings))
    params = {"limit": 1, **({"updated_since": context.cursor} if context.cursor else {})}
    page = next(client.pages("/v1/inventory", params))
    if page.as_of is None:
        return dg.SkipReason("the 3PL's inventory page carries no as_of; cannot keep a cursor")
    if context.cursor is None:
        return dg.SensorResult(cursor=str(page.as_of), skip_reason="cursor set; watching from now")
    if not page.records:
        return dg.SensorResult(
            cursor=context.cursor, skip_reason=f"no stock moved since {context.cursor}"
        )
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"stock-{page.as_of}")],
        cursor=str(page.as_of),
    )
