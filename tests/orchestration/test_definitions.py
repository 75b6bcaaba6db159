"""The code location: what it holds, how it is named and wired, and how it is scheduled."""

from __future__ import annotations

import dagster as dg
import pytest

from dlt_sources.registry import SOURCES
from orchestration.definitions import defs
from orchestration.keys import WAREHOUSE_POOL, channel_pool, mart_key, push_key, raw_key
from orchestration.quality.suites import SUITES
from reverse_etl.writers.registry import WRITABLE

MARTS = (
    "dim_products",
    "dim_channel_listings",
    "dim_customers",
    "fct_orders",
    "fct_order_lines",
    "fct_inventory_positions",
    "inventory_push_targets",
    "fct_daily_channel_sales",
    "dim_sku_components",
    "fct_stock_levels",
    "fct_stock_commitments",
    "dim_sku_map",
)


@pytest.fixture(scope="module")
def loaded() -> dg.Definitions:
    return defs()


@pytest.fixture(scope="module")
def graph(loaded: dg.Definitions) -> dg.AssetGraph:
    return loaded.resolve_asset_graph()


def test_every_dlt_resource_mart_and_push_is_an_asset_with_a_description(
    graph: dg.AssetGraph,
) -> None:
    keys = set(graph.get_all_asset_keys())
    raw = {raw_key(slug, name) for slug in SOURCES for name in SOURCES[slug]({}).resources}
    assert raw <= keys
    assert {mart_key(model) for model in MARTS} <= keys
    assert {push_key(slug) for slug in WRITABLE} <= keys
    undescribed = [key.to_user_string() for key in keys if not graph.get(key).description]
    assert undescribed == []


def staging(model: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", model])


def test_raw_staging_marts_and_pushes_form_one_lineage_graph(graph: dg.AssetGraph) -> None:
    assert graph.get(staging("stg_shopify__orders")).parent_keys == {raw_key("shopify", "orders")}
    # Line items are loaded by the orders resource: their staging model hangs off that key.
    assert graph.get(staging("stg_shopify__order_lines")).parent_keys == {
        raw_key("shopify", "orders")
    }
    assert graph.get(staging("stg_shopify__variants")).parent_keys == {
        raw_key("shopify", "catalog")
    }
    unattached = [
        key.to_user_string()
        for key in graph.get_all_asset_keys()
        if not graph.get(key).is_executable
    ]
    # Every dbt source is a dlt asset, none a stand-alone stub; the one asset no run builds
    # is the fast path, which runs beside Dagster and is observed by a sensor.
    assert unattached == ["realtime/fast_path"]
    for slug in WRITABLE:
        assert mart_key("inventory_push_targets") in graph.get(push_key(slug)).parent_keys
    ancestors = dg.AssetSelection.assets(push_key("amazon")).upstream().resolve(graph)
    assert raw_key("amazon", "orders") in ancestors
    assert raw_key("warehouse", "inventory") in ancestors


def test_groups_follow_channel_and_layer_and_every_asset_is_tagged(graph: dg.AssetGraph) -> None:
    assert graph.get(raw_key("amazon", "orders")).group_name == "amazon"
    assert graph.get(dg.AssetKey(["staging", "stg_amazon__orders"])).group_name == "amazon"
    assert graph.get(mart_key("fct_orders")).group_name == "marts"
    assert graph.get(push_key("tiktok_shop")).group_name == "tiktok_shop"
    layers = {graph.get(key).tags.get("layer") for key in graph.get_all_asset_keys()}
    assert layers == {"raw", "staging", "intermediate", "marts", "rules", "push", "realtime"}
    assert graph.get(push_key("shopify")).tags["channel"] == "shopify"


def test_checks_cover_dbt_tests_quality_suites_and_push_guards(graph: dg.AssetGraph) -> None:
    checks = {key: graph.get_check_spec(key) for key in graph.asset_check_keys}
    by_name = {key.name: spec for key, spec in checks.items()}
    for suite in SUITES:
        spec = by_name[suite.name]
        assert spec.asset_key == mart_key(suite.model)
        assert spec.blocking is suite.blocking
    assert {s.name for s in SUITES if s.blocking} == {
        "stock_within_on_hand",
        "sku_mapping_coverage",
        "channels_fresh",
    }
    for slug in WRITABLE:
        assert dg.AssetCheckKey(push_key(slug), "push_guard") in checks
    assert dg.AssetCheckKey(mart_key("inventory_push_targets"), "fast_path_drift") in checks
    assert dg.AssetCheckKey(dg.AssetKey(["realtime", "fast_path"]), "fast_path_health") in checks
    dbt_tests = [spec for spec in checks.values() if spec.name.startswith(("not_null", "unique"))]
    assert len(dbt_tests) > 20
    reconciliation = dg.AssetCheckKey(mart_key("fct_orders"), "assert_orders_reconcile_to_raw")
    assert checks[reconciliation].blocking  # an error-severity dbt test blocks what follows


def test_long_warehouse_holders_share_one_pool_and_pushes_have_one_per_channel(
    loaded: dg.Definitions,
) -> None:
    nodes = {
        assets_def.node_def.name: assets_def
        for assets_def in loaded.resolve_asset_graph().assets_defs
        if assets_def.is_executable
    }
    for slug in SOURCES:
        # Ingests read side by side; their loads take the warehouse lock in turn.
        assert nodes[f"ingest_{slug}"].node_def.pool is None
    assert nodes["dbt_build"].node_def.pool == WAREHOUSE_POOL
    assert nodes["great_expectations_suites"].node_def.pool == WAREHOUSE_POOL
    for slug in WRITABLE:
        assert nodes[f"stock_push__{slug}"].node_def.pool == channel_pool(slug)


def test_schedules_sensors_and_jobs(loaded: dg.Definitions) -> None:
    schedules = {schedule.name: schedule for schedule in loaded.schedules or []}
    assert schedules["refresh_every_15_minutes"].cron_schedule == "*/15 * * * *"
    assert schedules["refresh_every_15_minutes"].job_name == "refresh"
    assert schedules["reconcile_nightly"].cron_schedule == "0 3 * * *"
    assert schedules["reconcile_nightly"].job_name == "reconcile"
    sensors = {sensor.name: sensor for sensor in loaded.sensors or []}
    assert sensors["stock_moved"].job_name == "stock_fast_path"

    refresh = loaded.resolve_job_def("refresh").run_config
    assert refresh is not None
    assert refresh["ops"]["dbt_build"]["config"]["full_refresh"] is False
    assert refresh["ops"]["ingest_amazon"]["config"]["lookback_minutes"] == 15
    reconcile = loaded.resolve_job_def("reconcile").run_config
    assert reconcile is not None
    assert reconcile["ops"]["dbt_build"]["config"]["full_refresh"] is True
    assert all(
        reconcile["ops"][f"ingest_{slug}"]["config"]["lookback_minutes"] == 24 * 60
        for slug in SOURCES
    )
    fast_path = loaded.resolve_job_def("stock_fast_path")
    selected = fast_path.asset_layer.selected_asset_keys
    assert raw_key("warehouse", "inventory") in selected
    assert mart_key("inventory_push_targets") in selected
    assert raw_key("shopify", "orders") not in selected
    assert {push_key(slug) for slug in WRITABLE} <= selected
