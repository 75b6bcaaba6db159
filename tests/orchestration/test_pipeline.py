"""The whole graph, materialized in-process against a sandbox world: every asset, every
check passing, and the channels showing the reconciled stock afterwards."""

from __future__ import annotations

from typing import Any

import dagster as dg

from dlt_sources.registry import SOURCES
from orchestration.definitions import defs
from orchestration.keys import mart_key, push_key, raw_key
from reverse_etl.writers.registry import WRITABLE
from tests.orchestration.conftest import Materialized


def metadata_of(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict[str, Any]:
    events = [
        event.step_materialization_data.materialization
        for event in result.get_asset_materialization_events()
        if event.step_materialization_data.materialization.asset_key == key
    ]
    assert len(events) == 1, f"{key.to_user_string()} materialized {len(events)} times"
    return {name: getattr(value, "value", value) for name, value in events[0].metadata.items()}


def test_every_asset_materializes_and_every_check_passes(materialized: Materialized) -> None:
    result = materialized.result
    assert result.success, [
        event.step_failure_data.error.message
        for event in result.all_events
        if event.is_step_failure and event.step_failure_data.error
    ]
    graph = defs().resolve_asset_graph()
    built = {event.asset_key for event in result.get_asset_materialization_events()}
    # Every asset a run can build (realtime/fast_path runs beside Dagster and is observed).
    assert built == set(graph.materializable_asset_keys)

    evaluations = result.get_asset_check_evaluations()
    checks = {key for key in graph.asset_check_keys if key.asset_key in built}
    assert {evaluation.asset_check_key for evaluation in evaluations} == checks
    failed = [e.asset_check_key.to_user_string() for e in evaluations if not e.passed]
    assert failed == []


def test_every_pushable_listing_shows_its_target_and_no_other_listing_moved(
    materialized: Materialized,
) -> None:
    shown = materialized.world.displayed()
    moved = 0
    for key, (pushable, target) in materialized.targets.items():
        if pushable:
            assert shown[key] == target, key
            moved += shown[key] != materialized.shown_before[key]
        else:
            assert shown[key] == materialized.shown_before[key], key
    assert moved > 50  # the fresh world's listings did not start at their targets


def test_materializations_say_what_was_loaded_checked_and_pushed(
    materialized: Materialized,
) -> None:
    result = materialized.result
    orders = metadata_of(result, raw_key("shopify", "orders"))
    assert orders["rows_by_table"]["orders"] > 0
    assert orders["rows_loaded"] == sum(orders["rows_by_table"].values())
    assert orders["rows_quarantined"] >= 0
    assert orders["channel_api_requests"] > 0
    assert "channel_throttled_responses" in orders

    fct_orders = metadata_of(result, mart_key("fct_orders"))
    assert fct_orders["Execution Duration"] > 0

    for slug in WRITABLE:
        pushed = metadata_of(result, push_key(slug))
        assert pushed["status"] == "written"
        assert pushed["listings_written"] == pushed["listings_planned"] > 0
        assert pushed["listings_blocked"] == 0
        assert pushed["api_calls"] > 0

    suites = {
        e.asset_check_key.name: e
        for e in result.get_asset_check_evaluations()
        if e.asset_check_key.name in ("channels_fresh", "sku_mapping_coverage")
    }
    assert suites["channels_fresh"].metadata["rows_checked"].value == len(SOURCES)
    assert suites["sku_mapping_coverage"].metadata["rows_checked"].value == len(
        materialized.targets
    )
