"""Which counted sales a listing's last known figure still lacks (realtime.channel_sales).

Pure bookkeeping, so plain values: the sandbox-backed test of the same rule is
test_fast_push_sold_listing.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from realtime.channel_sales import ChannelSales, ShownSince

T0 = datetime(2026, 12, 1, 12, 0, 0)
LISTING = ("shopify", "shop-1", "TEE-M")


def sold(sales: ChannelSales, order: str, at: datetime, units: int, *, built: bool = False) -> None:
    sales.note_order(("shopify", "shop-1", order), at, {"TEE-M": units}, built=built)


def test_a_figure_the_channel_said_lacks_only_the_sales_after_it() -> None:
    sales = ChannelSales()
    sold(sales, "1", T0, 2)
    sold(sales, "2", T0 + timedelta(seconds=5), 3)
    assert sales.sold_since(LISTING, ShownSince(at=T0 + timedelta(seconds=1))) == 3
    assert sales.sold_since(LISTING, ShownSince(at=T0 + timedelta(seconds=6))) == 0
    # A figure stamped in a sale's second may or may not hold it (the channels stamp whole
    # seconds): it is counted, which costs a stale compare at most, never a unit.
    assert sales.sold_since(LISTING, ShownSince(at=T0)) == 5


def test_an_order_counts_once_whatever_events_follow_it() -> None:
    sales = ChannelSales()
    sold(sales, "1", T0, 2)
    sold(sales, "1", T0 + timedelta(minutes=3), 2)  # paid, then shipped: the same sale
    assert sales.sold_since(LISTING, ShownSince(at=T0 - timedelta(seconds=1))) == 2


def test_the_builds_figure_lacks_the_orders_it_does_not_know() -> None:
    sales = ChannelSales()
    sold(sales, "1", T0, 2)
    sold(sales, "2", T0, 3)
    known = {("shopify", "shop-1", "1")}
    assert sales.sold_since(LISTING, ShownSince(known_orders=known)) == 3


def test_an_order_the_build_knew_when_first_seen_is_no_new_sale() -> None:
    sales = ChannelSales()
    sold(sales, "1", T0, 2, built=True)
    assert sales.sold_since(LISTING, ShownSince(at=T0 - timedelta(hours=1))) == 0


def test_other_skus_and_storefronts_are_not_this_listings_sales() -> None:
    sales = ChannelSales()
    sales.note_order(("shopify", "shop-2", "1"), T0, {"TEE-M": 4}, built=False)
    sales.note_order(("shopify", "shop-1", "2"), T0, {"TEE-L": 4}, built=False)
    assert sales.sold_since(LISTING, ShownSince(at=T0 - timedelta(seconds=1))) == 0


def test_a_sale_is_forgotten_once_a_build_knows_it_and_a_build_has_passed_since() -> None:
    sales = ChannelSales()
    sold(sales, "1", T0, 2)
    before = ShownSince(at=T0 - timedelta(seconds=1))
    order_1 = {("shopify", "shop-1", "1")}
    sales.forget(order_1)  # build A knows order 1; a figure from before A may still lack it
    assert sales.sold_since(LISTING, before) == 2
    sales.forget(order_1)  # build B: every figure is A's or newer
    assert sales.sold_since(LISTING, before) == 0


def test_a_sale_no_build_knows_yet_is_kept_across_stock_only_builds() -> None:
    sales = ChannelSales()
    sold(sales, "1", T0, 2)
    for _ in range(20):  # the stock sensor's builds read no orders
        sales.forget(set())
    assert sales.sold_since(LISTING, ShownSince(at=T0 - timedelta(seconds=1))) == 2


def test_a_day_old_sale_is_forgotten_even_if_no_build_learns_of_it() -> None:
    sales = ChannelSales()
    sold(sales, "1", T0, 2)
    sold(sales, "2", T0 + timedelta(hours=25), 3)
    sales.forget(set())
    assert sales.sold_since(LISTING, ShownSince(at=T0 - timedelta(seconds=1))) == 3
