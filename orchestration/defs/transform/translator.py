"""How dbt nodes appear in Dagster: sources attach to raw tables; groups and tags by layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from dlt_sources.common.contracts import resource_of
from orchestration.keys import layer_tags, raw_key

SETTINGS = DagsterDbtTranslatorSettings(
    # Several raw tables come from one dlt resource (orders and their line items).
    enable_duplicate_source_asset_keys=True,
)


def layer_of(props: Mapping[str, Any]) -> str:
    """staging / intermediate / marts from the model's folder; seeds are the rules."""
    if props["resource_type"] == "seed":
        return "rules"
    if props["resource_type"] == "source":
        return "raw"
    fqn = props.get("fqn") or []
    return str(fqn[1]) if len(fqn) > 2 else "marts"


def channel_of(props: Mapping[str, Any]) -> str | None:
    if props["resource_type"] == "source":
        return str(props["source_name"])
    fqn = props.get("fqn") or []
    return str(fqn[2]) if layer_of(props) == "staging" and len(fqn) > 3 else None


class MartsTranslator(DagsterDbtTranslator):
    """dbt sources take the key of the dlt resource that loads them (read from the channel's
    contract), so raw -> staging -> marts is one lineage graph. Staging models sit in their
    channel's group beside its raw tables; shared layers get a group each."""

    def __init__(self) -> None:
        super().__init__(settings=SETTINGS)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            slug = str(dbt_resource_props["source_name"])
            return raw_key(slug, resource_of(slug, str(dbt_resource_props["name"])))
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return channel_of(dbt_resource_props) or layer_of(dbt_resource_props)

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        return {
            **super().get_tags(dbt_resource_props),
            **layer_tags(layer_of(dbt_resource_props), channel_of(dbt_resource_props)),
        }
