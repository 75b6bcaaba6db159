"""A failing blocking suite stops every stock push of the run: no channel receives a write."""

from __future__ import annotations

from collections.abc import Callable

from orchestration.keys import mart_key, push_key
from reverse_etl.writers.registry import WRITABLE
from tests.orchestration.conftest import PipelineWorld


def test_a_failing_blocking_suite_stops_every_push(
    pipeline_worlds: Callable[..., PipelineWorld],
) -> None:
    # The small world maps 98% of its listings; demanding 99.9% is a catalogue gone wrong.
    world = pipeline_worlds("blocked", QUALITY__MIN_MAPPING_COVERAGE="0.999")
    shown_before = world.displayed()

    result = world.run("refresh")

    assert not result.success
    coverage = next(
        evaluation
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.asset_check_key.name == "sku_mapping_coverage"
    )
    assert not coverage.passed
    assert coverage.asset_key == mart_key("dim_channel_listings")
    assert "mapping_method" in (coverage.description or "")
    assert coverage.metadata["failing_rows_sample"].value  # the unmapped listings, by key

    built = {event.asset_key for event in result.get_asset_materialization_events()}
    assert mart_key("inventory_push_targets") in built  # the marts were built...
    assert not {push_key(slug) for slug in WRITABLE} & built  # ...and nothing was pushed
    started = {event.step_key for event in result.all_events if event.is_step_start}
    assert "great_expectations_suites" in started
    assert not {step for step in started if step and step.startswith("stock_push")}
    assert world.stock_writes() == 0
    assert world.displayed() == shown_before
    assert world.sql(
        "select count(*) from information_schema.schemata where schema_name = 'reverse_etl'"
    ) == [(0,)]

    # The same world and warehouse, with the catalogue accepted again: the pushes go out, so
    # the failed suite was all that held them back.
    world.environment.pop("QUALITY__MIN_MAPPING_COVERAGE")
    assert world.run("refresh").success
    assert world.stock_writes() > 0


def test_a_blocked_push_fails_its_guard_check_and_the_run_says_why(
    pipeline_worlds: Callable[..., PipelineWorld],
) -> None:
    # A bad read that every quality check accepts (zero is a valid stock figure): the 3PL
    # reports no stock at all. Only the push guard can tell that this is not the business.
    world = pipeline_worlds("guarded")
    world.control.faults("warehouse", zero_stock=True)

    result = world.run("refresh")

    assert not result.success
    guards = {
        evaluation.asset_key: evaluation
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.asset_check_key.name == "push_guard"
    }
    assert set(guards) == {push_key(slug) for slug in WRITABLE}
    for guard in guards.values():
        assert not guard.passed
        assert "would drop to zero" in (guard.description or "")
    failures = {
        event.step_key: event.step_failure_data.error
        for event in result.all_events
        if event.is_step_failure
    }
    assert set(failures) == {f"stock_push__{slug}" for slug in WRITABLE}
    for step, error in failures.items():
        assert error is not None
        assert "blocked, nothing written" in error.message, step
    assert world.stock_writes() == 0
    statuses = world.sql("select distinct status from reverse_etl.push_runs")
    assert statuses == [("blocked",)]
