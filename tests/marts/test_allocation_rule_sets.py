"""The allocation rule set in force picks its rows of the one allocation_rules seed, and a set
that has no rows fails the build before a target is made from nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.marts.conftest import BuiltWorld, copy_of, dbt, query

RULE_SET_ENV = "TRIBUTARY_ALLOCATION_RULE_SET"
TARGETS = (
    "select channel, allocation_rule_set, buffer_units, allocation_percent, target_quantity, "
    "available_to_sell, maximum_units from marts.inventory_push_targets where is_pushable"
)


def test_the_batch_set_applies_by_default(built_world: BuiltWorld) -> None:
    rows = built_world.sql(TARGETS)
    assert {row[1] for row in rows} == {"batch"}
    tiktok = [row for row in rows if row[0] == "tiktok_shop"]
    assert tiktok
    assert all(row[2] == 1 and row[3] == 80 for row in tiktok)


def test_the_live_set_offers_every_available_unit(
    built_world: BuiltWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    monkeypatch.setenv(RULE_SET_ENV, "live")
    run = dbt(warehouse, "build", "--select", "allocation_rules+", "--exclude", "test_type:unit")
    assert run.ok, run.explain()
    rows = query(warehouse, TARGETS)
    assert rows
    assert {row[1] for row in rows} == {"live"}
    for channel, _, buffer, percent, target, available, maximum in rows:
        assert (buffer, percent) == (0, 100), channel
        assert target == min(available, maximum if maximum is not None else available), channel
    # The batch set would have held units back from the same positions.
    assert sum(row[4] for row in rows) > sum(row[4] for row in built_world.sql(TARGETS))


def test_a_rule_set_without_rows_fails_the_build_and_makes_no_targets(
    built_world: BuiltWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = copy_of(built_world, tmp_path)
    monkeypatch.setenv(RULE_SET_ENV, "lvie")
    run = dbt(warehouse, "build", "--select", "allocation_rules+", "--exclude", "test_type:unit")
    assert not run.ok
    assert [r.name for r in run.failures] == ["assert_allocation_rule_set_has_rules"]
    skipped = {r.name for r in run.results if r.status == "skipped"}
    assert "inventory_push_targets" in skipped
