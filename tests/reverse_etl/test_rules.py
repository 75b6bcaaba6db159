"""The push's decision rules on their own: re-planning after a conflict, guard settings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestration.push import guard_config
from reverse_etl.plan import ListingChange
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
