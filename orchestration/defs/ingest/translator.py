"""How a dlt resource appears in Dagster: key, group, description, kinds and tags."""

from __future__ import annotations

import dagster as dg
from dagster_dlt import DagsterDltTranslator
from dagster_dlt.translator import DltResourceTranslatorData

from dlt_sources.common.contracts import tables_of
from orchestration.keys import layer_tags, raw_key


class RawTablesTranslator(DagsterDltTranslator):
    """`raw_<slug>/<resource>`, grouped by channel, described by the tables it loads.

    A resource may load several tables (Shopify's catalog: products, variants, inventory
    items); the contract says which, and the dbt sources attach to the resource's key."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        resource = data.resource
        slug = resource.source_name
        tables = tables_of(slug, resource.name)
        disposition = resource.write_disposition
        how = {
            "replace": "replaced by each run (a snapshot)",
            "merge": "merged on its primary key (incremental, with a lookback window)",
        }.get(str(disposition), f"written with {disposition}")
        listed = ", ".join(f"raw_{slug}.{table}" for table in tables)
        return dg.AssetSpec(
            key=raw_key(slug, resource.name),
            group_name=slug,
            description=(
                f"{slug} `{resource.name}` as dlt loads it: {listed}, {how}. Records that "
                f"fail their checks go whole to raw_{slug}.quarantine with the reason."
            ),
            kinds={"dlt", "duckdb"},
            tags=layer_tags("raw", slug),
            metadata={"tables": dg.MetadataValue.json(tables)},
        )
