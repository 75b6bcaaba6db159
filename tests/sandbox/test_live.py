"""Live mode: orders arrive, channels sell what they display, oversells are counted."""

from __future__ import annotations

import time

import pytest

from tests.helpers.clients import Amazon, Control, Shopify, Warehouse

QUIET = {"shopify": 0, "amazon_us": 0, "amazon_de": 0, "tiktok_shop": 0}


def _listing(control: Control, storefront: str, available: int | None = None) -> dict:
    """A merchant-fulfilled, plain-SKU listing of a storefront (optionally with that available)."""
    stock = {row["sku"]: row for row in control.get("/truth/stock")["skus"]}
    for row in control.get("/truth/listings")["listings"]:
        candidate = row["storefront"] == storefront and row["fulfilled_by"] == "merchant"
        candidate = candidate and not stock[row["sku"]]["is_bundle"]
        if candidate and available in (None, stock[row["sku"]]["available"]):
            return {**row, "available": stock[row["sku"]]["available"]}
    raise AssertionError(f"no listing on {storefront} with available={available}")


def _show_and_rush(control: Control, shopify: Shopify, listing: dict, shown: int) -> None:
    """Make Shopify show `shown` units of a listing, then send shoppers for it for 30 minutes."""
    shopify.http.post(
        f"{shopify.base}/inventory_levels/set.json",
        json={
            "location_id": shopify.location_id,
            "inventory_item_id": listing["key"]["inventory_item_id"],
            "available": shown,
        },
    ).raise_for_status()
    control.post(
        "/live",
        {
            "enabled": True,
            "orders_per_hour": {**QUIET, "shopify": 400},
            "boost": {"shopify": {"skus": [listing["sku"]], "factor": 5_000}},
        },
    )
    control.advance(1_800)


def _shown(control: Control, listing: dict) -> int:
    rows = control.get("/truth/listings", channel="shopify")["listings"]
    return next(r for r in rows if r["key"] == listing["key"])["displayed_quantity"]


def test_orders_arrive_on_every_channel_and_are_served(sandbox) -> None:
    manifest = sandbox()
    control, shopify, amazon = Control(manifest), Shopify(manifest), Amazon(manifest)
    before = {row["storefront"]: row["orders"] for row in control.truth()["orders"]}
    start = control.truth()["now"]
    control.post("/live", {"enabled": True, "orders_per_hour": {k: 40 for k in QUIET}})
    control.advance(3 * 3_600)
    after = {row["storefront"]: row["orders"] for row in control.truth()["orders"]}
    for storefront, count in before.items():
        assert 60 < after[storefront] - count < 180, storefront
    assert shopify.get("orders/count.json", status="any").json()["count"] == after["shopify"]
    new = amazon.orders("na", MarketplaceIds="ATVPDKIKX0DER", CreatedAfter=start)
    truth_new = [
        o
        for o in control.get("/truth/orders", storefront="amazon_us")["orders"]
        if o["created_at"] >= start
    ]
    listed = {o["AmazonOrderId"] for o in new}
    assert listed <= {o["id"] for o in truth_new}
    assert len(listed) >= len(truth_new) - 10, "all but the last two minutes' orders are listed"


def test_pending_amazon_orders_carry_no_total_or_buyer(sandbox) -> None:
    manifest = sandbox()
    control, amazon = Control(manifest), Amazon(manifest)
    start = control.truth()["now"]
    control.post("/live", {"enabled": True, "orders_per_hour": {**QUIET, "amazon_us": 600}})
    control.advance(900)
    orders = amazon.orders("na", MarketplaceIds="ATVPDKIKX0DER", CreatedAfter=start)
    pending = [o for o in orders if o["OrderStatus"] == "Pending"]
    paid = [o for o in orders if o["OrderStatus"] == "Unshipped"]
    assert pending
    assert paid
    assert all("OrderTotal" not in o and "BuyerInfo" not in o for o in pending)
    assert all("OrderTotal" in o and "BuyerInfo" in o for o in paid)


def test_a_channel_showing_stock_that_is_gone_oversells(sandbox) -> None:
    manifest = sandbox()
    control, shopify = Control(manifest), Shopify(manifest)
    listing = _listing(control, "shopify")
    shown = listing["available"] + 30
    _show_and_rush(control, shopify, listing, shown)
    sold = shown - _shown(control, listing)
    oversells = control.get("/truth/oversells")
    mine = [event for event in oversells["list"] if event["sku"] == listing["sku"]]
    oversold = sum(event["units"] for event in mine)
    assert sold > listing["available"], "the shop sold past the warehouse's stock"
    assert 0 < oversold <= sold - listing["available"]
    assert oversells["by_storefront"]["shopify"]["units"] == oversold
    assert oversells["units"] == oversold
    assert oversells["events"] == len(mine)
    control.advance(6 * 3_600)
    cancelled = {
        o["id"]
        for o in control.get("/truth/orders", storefront="shopify")["orders"]
        if o["status"] == "cancelled"
    }
    assert {event["order_id"] for event in mine} <= cancelled, (
        "the merchant cancels what it cannot ship"
    )
    reasons = {
        shopify.get(f"orders/{event['order_id']}.json").json()["order"]["cancel_reason"]
        for event in mine
    }
    assert reasons == {"inventory"}


def test_a_channel_showing_the_truth_never_oversells(sandbox) -> None:
    manifest = sandbox()
    control, shopify = Control(manifest), Shopify(manifest)
    listing = _listing(control, "shopify")
    _show_and_rush(control, shopify, listing, listing["available"])
    assert control.get("/truth/oversells")["units"] == 0
    assert _shown(control, listing) == 0, "demand exhausted what was shown"
    assert control.get("/live")["rejected_units"] > 0, "and further shoppers were turned away"


def test_units_sold_and_stock_left_unsold_are_counted(sandbox) -> None:
    manifest = sandbox()
    control, shopify = Control(manifest), Shopify(manifest)
    listing = _listing(control, "shopify")
    assert listing["available"] >= 3, "the warehouse has this SKU to sell"
    units_before = sum(row["units"] for row in control.truth()["orders"])
    _show_and_rush(control, shopify, listing, 0)
    live = control.get("/live")
    units_after = sum(row["units"] for row in control.truth()["orders"])
    assert live["accepted_units"] == units_after - units_before
    assert 0 < live["rejected_units_in_stock"] <= live["rejected_units"], (
        "shoppers turned away from a listing showing 0 while the warehouse had stock"
    )
    assert control.get("/truth/oversells")["units"] == 0


def test_a_flash_sale_keeps_the_other_skus_demand(sandbox) -> None:
    manifest = sandbox()
    control = Control(manifest)
    base = control.get("/live")["orders_per_hour"]["tiktok_shop"]
    skus = [row["sku"] for row in control.get("/truth/listings", channel="tiktok_shop")["listings"]]
    reweighted = control.post("/live", {"boost": {"tiktok_shop": {"skus": skus[:5], "factor": 20}}})
    assert reweighted["orders_per_hour"]["tiktok_shop"] == base
    sale = control.post(
        "/live",
        {"boost": {"tiktok_shop": {"skus": skus[:5], "factor": 20, "keep_other_demand": True}}},
    )
    rate = sale["orders_per_hour"]["tiktok_shop"]
    assert base < rate < 20 * base, "only the boosted SKUs' share of demand is multiplied"
    everything = control.post(
        "/live",
        {"boost": {"tiktok_shop": {"skus": skus, "factor": 2, "keep_other_demand": True}}},
    )
    assert everything["orders_per_hour"]["tiktok_shop"] == pytest.approx(2 * rate)


def test_a_running_world_moves_on_its_own(sandbox) -> None:
    manifest = sandbox(scale="tiny", live=True, time_scale=3_600)
    control, warehouse = Control(manifest), Warehouse(manifest)
    first = control.truth()
    time.sleep(1.5)
    second = control.truth()
    assert second["now"] > first["now"]
    assert sum(r["orders"] for r in second["orders"]) > sum(r["orders"] for r in first["orders"])
    assert warehouse.get("/v1/inventory", limit=1).json()["as_of"] >= second["now"]
    assert control.get("/clock")["running"] is True


def test_a_cycle_count_reaches_the_3pl_and_the_truth(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    control, warehouse = Control(manifest), Warehouse(manifest)
    sku = _listing(control, "shopify")["sku"]
    counted_before = {r["sku"]: r for r in control.get("/truth/stock")["skus"]}[sku]["on_hand"]
    before = warehouse.get("/v1/inventory", limit=1).json()["as_of"]
    control.advance(60)
    counted = control.post("/stock-count", {"sku": sku, "location": "NJ1", "on_hand": 2})
    assert counted["change"] == 2 - counted_before["NJ1"]
    rows = warehouse.get("/v1/inventory", updated_since=before, limit=500).json()["data"]
    assert [(r["sku"], r["location"], r["on_hand"]) for r in rows] == [(sku, "NJ1", 2)]
    after = {r["sku"]: r for r in control.get("/truth/stock")["skus"]}[sku]["on_hand"]
    assert after == {**counted_before, "NJ1": 2}
    refused = control.http.post(f"{control.url}/stock-count", json={"sku": sku})
    assert refused.status_code == 400
