"""Shopify REST Admin: shapes, auth, pagination, filters and the inventory write."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import httpx

from tests.helpers.clients import Control, Shopify
from tests.helpers.shapes import assert_shopify_shape

INVALID_TOKEN = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}


def test_orders_have_the_official_shape(shopify: Shopify) -> None:
    orders = shopify.all("orders.json", "orders", status="any", limit=250)
    assert_shopify_shape("order", "orders", orders)
    kinds = Counter((o["financial_status"], o["fulfillment_status"]) for o in orders)
    assert kinds[("paid", "fulfilled")]
    assert kinds[("refunded", None)]
    assert any(o["refunds"] for o in orders)
    assert any(o["fulfillment_status"] == "partial" for o in orders)


def test_one_order_by_id(shopify: Shopify) -> None:
    first = shopify.get("orders.json", status="any", limit=1).json()["orders"][0]
    single = shopify.get(f"orders/{first['id']}.json").json()["order"]
    assert single == first
    assert_shopify_shape("order", "order", [single])
    assert shopify.get("orders/123.json").json() == {"errors": "Not Found"}


def test_catalog_customers_locations_inventory_shapes(shopify: Shopify) -> None:
    products = shopify.all("products.json", "products", limit=250)
    assert_shopify_shape("product", "products", products)
    assert_shopify_shape(
        "customer", "customers", shopify.all("customers.json", "customers", limit=250)
    )
    assert_shopify_shape("location", "locations", shopify.get("locations.json").json()["locations"])
    levels = shopify.all(
        "inventory_levels.json", "inventory_levels", location_ids=shopify.location_id, limit=250
    )
    assert_shopify_shape("inventory_level", "inventory_levels", levels)
    item_ids = ",".join(str(v["inventory_item_id"]) for p in products[:20] for v in p["variants"])[
        :2000
    ]
    items = shopify.get("inventory_items.json", ids=",".join(item_ids.split(",")[:100])).json()[
        "inventory_items"
    ]
    assert_shopify_shape("inventory_item", "inventory_items", items)


def test_products_and_customers_page_exactly_once(shopify: Shopify, control: Control) -> None:
    products = shopify.all("products.json", "products", limit=7)
    assert len({p["id"] for p in products}) == len(products)
    items = [v["inventory_item_id"] for p in products for v in p["variants"]]
    listed = [
        r["key"]["inventory_item_id"]
        for r in control.get("/truth/listings", channel="shopify")["listings"]
    ]
    assert sorted(items) == sorted(listed)
    one = shopify.get(f"products/{products[3]['id']}.json").json()["product"]
    assert one == products[3]
    assert_shopify_shape("product", "product", [one])
    customers = shopify.all("customers.json", "customers", limit=13)
    ids = [c["id"] for c in customers]
    assert len(ids) == len(set(ids))
    buyers = {
        o["customer"]["id"] for o in shopify.all("orders.json", "orders", status="any", limit=250)
    }
    assert set(ids) == buyers


def test_timestamps_are_in_the_shop_timezone(shopify: Shopify) -> None:
    order = shopify.get("orders.json", status="any", limit=1).json()["orders"][0]
    assert re.search(r"-0[45]:00$", order["created_at"]), order["created_at"]
    assert datetime.fromisoformat(order["created_at"]).utcoffset() is not None


def test_a_wrong_token_is_refused_as_shopify_does(world: dict) -> None:
    response = Shopify(world, token="shpat_0000").get("orders.json")
    assert response.status_code == 401
    assert response.json() == INVALID_TOKEN
    missing = httpx.get(f"{Shopify(world).base}/orders.json")
    assert missing.status_code == 401


def test_every_order_exactly_once_across_pages(shopify: Shopify, control: Control) -> None:
    ids = [o["id"] for o in shopify.all("orders.json", "orders", status="any", limit=37)]
    assert len(ids) == len(set(ids))
    assert sorted(map(str, ids)) == sorted(control.order_ids("shopify"))
    assert ids == sorted(ids, reverse=True), "newest first, as Shopify lists orders"


def test_status_defaults_to_open_and_any_shows_all(shopify: Shopify, control: Control) -> None:
    statuses = control.storefront_truth("shopify")["statuses"]
    open_now = statuses["pending"] + statuses["open"] + statuses["partially_fulfilled"]
    assert shopify.get("orders/count.json").json() == {"count": open_now}
    assert len(shopify.all("orders.json", "orders", limit=250)) == open_now
    everything = shopify.get("orders/count.json", status="any").json()["count"]
    assert everything == control.storefront_truth("shopify")["orders"]
    cancelled = shopify.all("orders.json", "orders", status="cancelled", limit=250)
    assert len(cancelled) == statuses["cancelled"]
    assert all(o["cancelled_at"] for o in cancelled)


def test_page_info_allows_only_limit_and_fields(shopify: Shopify) -> None:
    first = shopify.get("orders.json", status="any", limit=5)
    following = first.links["next"]["url"]
    refused = shopify.http.get(f"{following}&status=any")
    assert refused.status_code == 400
    assert refused.json() == {
        "errors": {"status": "status cannot be passed when page_info is present."}
    }
    garbage = shopify.get("orders.json", page_info="not-a-cursor")
    assert garbage.status_code == 400
    assert garbage.json() == {"errors": {"page_info": "Invalid value."}}
    assert shopify.get("orders.json", page=2).status_code == 400


def test_previous_link_walks_back(shopify: Shopify) -> None:
    first = shopify.get("orders.json", status="any", limit=10)
    second = shopify.http.get(first.links["next"]["url"])
    assert "previous" not in first.links
    back = shopify.http.get(second.links["previous"]["url"])
    assert [o["id"] for o in back.json()["orders"]] == [o["id"] for o in first.json()["orders"]]


def test_limit_is_capped_at_250_and_fields_filter(shopify: Shopify) -> None:
    page = shopify.get("orders.json", status="any", limit=400).json()["orders"]
    assert len(page) == 250
    slim = shopify.get("orders.json", status="any", limit=3, fields="id,name,total_price").json()[
        "orders"
    ]
    assert all(set(o) == {"id", "name", "total_price"} for o in slim)


def test_money_adds_up(shopify: Shopify, control: Control) -> None:
    orders = shopify.all("orders.json", "orders", status="any", limit=250)
    gross = sum(
        round(float(li["price"]) * 100) * li["quantity"] for o in orders for li in o["line_items"]
    )
    assert f"{gross // 100}.{gross % 100:02d}" == control.storefront_truth("shopify")["gross"]
    for order in orders:
        subtotal = sum(
            round(float(li["price"]) * 100) * li["quantity"] for li in order["line_items"]
        )
        assert round(float(order["total_line_items_price"]) * 100) == subtotal
        total = float(order["subtotal_price"]) + float(order["total_tax"])
        total += float(order["total_shipping_price_set"]["shop_money"]["amount"])
        assert abs(total - float(order["total_price"])) < 0.005


def test_inventory_levels_show_what_the_shop_displays(shopify: Shopify, control: Control) -> None:
    levels = shopify.all(
        "inventory_levels.json", "inventory_levels", location_ids=shopify.location_id, limit=50
    )
    assert len({level["inventory_item_id"] for level in levels}) == len(levels)
    truth = {
        row["key"]["inventory_item_id"]: row["displayed_quantity"]
        for row in control.get("/truth/listings", channel="shopify")["listings"]
    }
    assert {level["inventory_item_id"]: level["available"] for level in levels} == truth
    refused = shopify.get("inventory_levels.json")
    assert refused.status_code == 422


def test_incremental_updated_at_min_returns_exactly_the_changes(sandbox) -> None:
    manifest = sandbox()
    shopify, control = Shopify(manifest), Control(manifest)
    before = control.truth()["now"]
    control.advance(2 * 86_400)
    after = control.truth()["now"]
    cutoff = datetime.fromisoformat(before.replace("Z", "+00:00"))
    changed = shopify.all(
        "orders.json", "orders", status="any", limit=250, updated_at_min=cutoff.isoformat()
    )
    expected = control.order_ids("shopify", updated_after=before, updated_before=after)
    assert expected, "two days of the world moving changes some orders"
    assert sorted(str(o["id"]) for o in changed) == sorted(expected)


def test_setting_an_inventory_level_changes_what_shoppers_see(sandbox) -> None:
    manifest = sandbox()
    shopify, control = Shopify(manifest), Control(manifest)
    level = shopify.get("inventory_levels.json", location_ids=shopify.location_id, limit=1).json()
    item = level["inventory_levels"][0]["inventory_item_id"]
    response = shopify.http.post(
        f"{shopify.base}/inventory_levels/set.json",
        json={"location_id": shopify.location_id, "inventory_item_id": item, "available": 987},
    )
    assert response.status_code == 200
    level = response.json()["inventory_level"]
    assert level["available"] == 987
    assert_shopify_shape("inventory_level", "inventory_levels", [level])
    listings = control.get("/truth/listings", channel="shopify")["listings"]
    assert (
        next(r for r in listings if r["key"]["inventory_item_id"] == item)["displayed_quantity"]
        == 987
    )
    writes = control.metrics()["shopify"]["total"]["writes_applied"]
    assert writes == 1
    bad = shopify.http.post(f"{shopify.base}/inventory_levels/set.json", json={"location_id": 1})
    assert bad.status_code == 422


def test_ids_and_since_id_filters(shopify: Shopify) -> None:
    for path, root, extra in (
        ("orders.json", "orders", {"status": "any"}),
        ("products.json", "products", {}),
        ("customers.json", "customers", {}),
    ):
        every = sorted(r["id"] for r in shopify.all(path, root, limit=250, **extra))
        middle = every[len(every) // 2]
        after = shopify.all(path, root, limit=250, since_id=middle, **extra)
        assert [r["id"] for r in after] == [i for i in every if i > middle], path
        chosen = every[:3]
        picked = shopify.all(path, root, limit=250, ids=",".join(map(str, [*chosen, 1])), **extra)
        assert sorted(r["id"] for r in picked) == chosen, path
