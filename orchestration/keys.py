"""Asset keys, groups, tags and pools: one place decides how the graph is named.

- raw tables: `raw_<slug>/<dlt resource>` (the dataset dlt loads into, then the resource), group
  `<slug>`; dbt sources attach to these keys through the channel's contract;
- dbt models and seeds: their dbt name; staging in its channel's group, the rest by layer;
- stock pushes: `stock_push/<slug>`, in the channel's group.

Every asset carries the tags `layer` and (where it has one) `channel`, so the UI filters the
graph either way (`tag:layer=marts`, `tag:channel=amazon`).
"""

from __future__ import annotations

import dagster as dg

WAREHOUSE_POOL = "warehouse"  # DuckDB: one process with the file open for writing at a time


def channel_pool(slug: str) -> str:
    """One push per channel at a time: the channel's rate budget lives in one process."""
    return f"channel_{slug}"


def raw_key(slug: str, resource: str) -> dg.AssetKey:
    return dg.AssetKey([f"raw_{slug}", resource])


def push_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey(["stock_push", slug])


def layer_tags(layer: str, channel: str | None = None) -> dict[str, str]:
    return {"layer": layer, **({"channel": channel} if channel else {})}


def mart_key(model: str) -> dg.AssetKey:
    """A dbt model of the marts layer (dagster-dbt prefixes keys with the model's schema)."""
    return dg.AssetKey(["marts", model])
