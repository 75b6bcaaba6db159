"""The jobs the schedules and sensors launch.

- `refresh`: the whole graph, incrementally: each channel from its cursors (15 minutes of
  lookback), the dbt models on what those loads added, the checks, the pushes.
- `stock_fast_path`: the 3PL's stock and shipments and everything downstream of them (the
  stock marts, their checks, the pushes), launched by the `stock_moved` sensor.
- `reconcile`: the whole graph with a day of lookback on every channel and a full dbt rebuild,
  so anything an incremental run could have missed (a late update, a rule change in a seed,
  a re-keyed customer) is rebuilt from raw once a night.

Both carry the tag `tributary/pipeline`: the instance runs one such run at a time
(`dagster.yaml`), so a slow refresh delays the next instead of racing it for the warehouse.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from dlt_sources.registry import SOURCES
from orchestration.keys import raw_key

PIPELINE_TAG = "tributary/pipeline"
DAY_MINUTES = 24 * 60.0


def _config(*, lookback_minutes: float, full_refresh: bool) -> dict[str, Any]:
    ops: dict[str, Any] = {
        f"ingest_{slug}": {"config": {"lookback_minutes": lookback_minutes}} for slug in SOURCES
    }
    ops["dbt_build"] = {"config": {"full_refresh": full_refresh}}
    return {"ops": ops}


refresh = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every channel incrementally, build the marts on the new loads, run "
    "the quality checks, push stock.",
    config=_config(lookback_minutes=15.0, full_refresh=False),
    tags={PIPELINE_TAG: "refresh"},
)

reconcile = dg.define_asset_job(
    "reconcile",
    selection=dg.AssetSelection.all(),
    description="The nightly full reconciliation: a day of lookback on every channel and a "
    "full rebuild of the marts, then the checks and the pushes.",
    config=_config(lookback_minutes=DAY_MINUTES, full_refresh=True),
    tags={PIPELINE_TAG: "reconcile"},
)

STOCK_INPUTS = (raw_key("warehouse", "inventory"), raw_key("warehouse", "shipments"))

stock_fast_path = dg.define_asset_job(
    "stock_fast_path",
    selection=dg.AssetSelection.assets(*STOCK_INPUTS).downstream(),
    description="The 3PL's stock and shipments, the marts built on them, their checks and "
    "the stock pushes: what a stock movement needs to reach every channel.",
    tags={PIPELINE_TAG: "stock_fast_path"},
)
