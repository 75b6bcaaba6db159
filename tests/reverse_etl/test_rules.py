"""The push's decision rules on their own: re-planning after a conflict, guard settings, the
units-above-stock guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orchestration.push import guard_config
from reverse_etl.guard import GuardConfig, check_plan
from reverse_etl.plan import ListingChange, build_plan
from reverse_etl.writers import replan


def listing(previous: int, target: int) -> ListingChange:
    return ListingChange(
        channel="shopify",
        store_id="s",
        listing_key="shopify:s:1@2",
        sku="TRB-1",
        seller_sku="TRB-1",
        product_id=None,
        variant_id=None,
        inventory_item_id="1",
        location_id="2",
        previous=previous,
        target=target,
        on_hand=50,
    )


@pytest.mark.parametrize(
    ("previous", "target", "shown_now", "replanned"),
    [
        (10, 7, 7, None),  # already at the target (an earlier push got there): nothing to send
        (10, 7, 8, 5),  # two sold since the plan's read: offer two fewer, never stock that's gone
        (10, 3, 6, 0),  # sold more than the target: zero, not negative
        (10, 7, 12, 7),  # someone raised it by hand: the warehouse's figure stands
    ],
)
def test_a_conflict_is_replanned_from_what_the_channel_shows(
    previous: int, target: int, shown_now: int, replanned: int | None
) -> None:
    assert replan(listing(previous, target), shown_now) == replanned


def test_guard_thresholds_come_from_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVERSE_ETL__GUARD__MAX_ZERO_SHARE", "0.1")
    monkeypatch.setenv("REVERSE_ETL__GUARD__MAX_SNAPSHOT_AGE_MINUTES", "30")
    config = guard_config()
    assert config.max_zero_share == pytest.approx(0.1)
    assert config.max_snapshot_age == timedelta(minutes=30)


def target_row(store_id: str, listing: str, sku: str, target: int, on_hand: int) -> tuple:
    """A row as `inventory_push_targets` hands it to the plan (plan.PLAN_QUERY's columns)."""
    return (
        "amazon", store_id, f"amazon:{store_id}:{listing}", sku, listing, None, None, None,
        None, 0, target, on_hand, True, None, datetime.now(UTC), "build-1",
    )  # fmt: skip


def oversupply(plan_rows: list[tuple], physical_units: int) -> list[str]:
    plan = build_plan(plan_rows, physical_units)
    return [f.reason for f in check_plan(plan, GuardConfig()) if f.check == "units_above_stock"]


def test_two_storefronts_of_one_channel_may_each_show_every_unit() -> None:
    """Amazon US and DE both list the warehouse's 10 + 5 units: each storefront shows its own
    figure of the same stock, so the channel's 30 offered units are no sign of a bad read."""
    rows = [
        target_row(store, f"AMZ-{sku}", sku, units, units)
        for store in ("ATVPDKIKX0DER", "A1PA6795UKMFR9")
        for sku, units in (("TRB-1", 10), ("TRB-2", 5))
    ]
    assert oversupply(rows, physical_units=15) == []


def test_a_storefront_offering_more_units_than_exist_is_blocked() -> None:
    rows = [
        target_row("ATVPDKIKX0DER", "AMZ-1", "TRB-1", 10, 10),
        target_row("ATVPDKIKX0DER", "AMZ-1-OLD", "TRB-1", 10, 10),
        target_row("A1PA6795UKMFR9", "AMZ-1", "TRB-1", 10, 10),
    ]
    assert oversupply(rows, physical_units=10) == [
        "amazon storefront ATVPDKIKX0DER: 20 units offered across its listings, "
        "10 exist in the warehouse"
    ]
