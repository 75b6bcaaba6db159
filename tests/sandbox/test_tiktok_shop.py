"""TikTok Shop Open API: tokens, signatures, orders, products and inventory."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

from tests.contracts import tiktok_shop as contract
from tests.helpers.clients import Control, TikTok
from tests.helpers.shapes import assert_schema

ORDERS = "/order/202309/orders/search"


def test_auth_code_is_exchanged_once_and_refresh_tokens_work(sandbox) -> None:
    tiktok = TikTok(sandbox(scale="tiny"))
    config = tiktok.config
    params = {
        "app_key": config["app_key"],
        "app_secret": config["app_secret"],
        "auth_code": config["auth_code"],
        "grant_type": "authorized_code",
    }
    first = tiktok.http.get(f"{config['auth_url']}/api/v2/token/get", params=params).json()
    assert_schema(contract.TOKEN, first)
    assert first["data"]["access_token_expire_in"] > time.time(), "expiry is an absolute unix time"
    reused = tiktok.http.get(f"{config['auth_url']}/api/v2/token/get", params=params).json()
    assert_schema(contract.ERROR, reused)
    refreshed = tiktok.exchange().json()
    assert_schema(contract.TOKEN, refreshed)
    wrong_secret = tiktok.exchange(app_secret="nope").json()
    assert wrong_secret["code"] != 0
    assert wrong_secret["data"] is None


def test_a_bad_signature_is_rejected_with_106001(tiktok: TikTok) -> None:
    wrong = tiktok.call("POST", ORDERS, {}, sign="0" * 64, page_size=10)
    assert wrong.status_code == 401
    body = wrong.json()
    assert body["code"] == 106001
    assert "sign" in body["message"]
    assert_schema(contract.ERROR, body)


def test_a_signature_over_another_body_is_rejected(tiktok: TikTok) -> None:
    from tests.helpers.clients import tiktok_sign

    query = {
        "app_key": tiktok.config["app_key"],
        "timestamp": str(int(time.time())),
        "shop_cipher": tiktok.cipher,
        "page_size": "10",
    }
    query["sign"] = tiktok_sign(tiktok.config["app_secret"], ORDERS, query, b"{}")
    tampered = tiktok.http.post(
        f"{tiktok.config['api_url']}{ORDERS}",
        params=query,
        content=b'{"order_status": "CANCELLED"}',
        headers={"x-tts-access-token": tiktok.token, "content-type": "application/json"},
    )
    assert tampered.status_code == 401
    assert tampered.json()["code"] == 106001


def test_a_stale_timestamp_is_rejected(tiktok: TikTok) -> None:
    stale = tiktok.call("POST", ORDERS, {}, timestamp=int(time.time()) - 3_600, page_size=10)
    assert stale.status_code == 401
    assert stale.json()["code"] == 106001


def test_tokens_and_shop_ciphers_are_checked(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    tiktok, control = TikTok(manifest), Control(manifest)
    assert tiktok.call("POST", ORDERS, {}, page_size=10).json()["code"] == 0
    cipher = tiktok.cipher
    tiktok._cipher = "ROW_wrong"
    assert tiktok.call("POST", ORDERS, {}, page_size=10).json()["code"] != 0
    tiktok._cipher = cipher
    control.advance(7 * 86_400 + 1)
    expired = tiktok.call("POST", ORDERS, {}, page_size=10)
    assert expired.status_code == 401
    assert expired.json()["code"] == 105002
    tiktok._token = "ROW_forged"
    assert tiktok.call("POST", ORDERS, {}, page_size=10).json()["code"] == 105001


def test_orders_page_exactly_once_and_match_the_truth(tiktok: TikTok, control: Control) -> None:
    first = tiktok.call("POST", ORDERS, {}, page_size=13).json()
    assert_schema(contract.ORDER_SEARCH, first)
    orders = tiktok.orders({}, page_size=13, sort_field="update_time", sort_order="ASC")
    ids = [o["id"] for o in orders]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(control.order_ids("tiktok_shop"))
    truth = control.storefront_truth("tiktok_shop")
    line_items = [item for order in orders for item in order["line_items"]]
    assert len(line_items) == truth["lines"] == truth["units"], "one line item per unit"
    gross = sum(Decimal(item["original_price"]) for item in line_items)
    assert gross == Decimal(truth["gross"])
    assert [o["update_time"] for o in orders] == sorted(o["update_time"] for o in orders)
    assert all(o["buyer_email"].endswith("@scs.tiktokw.eu") for o in orders)


def test_update_time_filter_returns_the_changes(sandbox) -> None:
    manifest = sandbox()
    tiktok, control = TikTok(manifest), Control(manifest)
    before = control.truth()["now"]
    control.advance(2 * 86_400)
    after = control.truth()["now"]
    since = int(datetime.fromisoformat(before.replace("Z", "+00:00")).timestamp())
    changed = tiktok.orders({"update_time_ge": since}, page_size=50)
    expected = control.order_ids("tiktok_shop", updated_after=before, updated_before=after)
    assert expected
    assert sorted(o["id"] for o in changed) == sorted(expected)


def test_products_inventory_search_and_update(sandbox) -> None:
    manifest = sandbox()
    tiktok, control = TikTok(manifest), Control(manifest)
    products, token = [], ""
    while True:
        params = {"page_size": 20, **({"page_token": token} if token else {})}
        body = tiktok.call("POST", "/product/202309/products/search", {}, **params).json()
        assert_schema(contract.PRODUCT_SEARCH, body)
        products.extend(body["data"]["products"])
        token = body["data"]["next_page_token"]
        if not token:
            break
    assert len({p["id"] for p in products}) == len(products)
    skus = {sku["id"]: sku for product in products for sku in product["skus"]}
    assert len(skus) == sum(len(p["skus"]) for p in products)
    truth = {
        row["key"]["sku_id"]: row
        for row in control.get("/truth/listings", channel="tiktok_shop")["listings"]
    }
    assert set(skus) == set(truth)
    assert all(skus[i]["inventory"][0]["quantity"] == truth[i]["displayed_quantity"] for i in skus)

    product = products[0]
    sku = product["skus"][0]
    found = tiktok.call(
        "POST", "/product/202309/inventory/search", {"product_ids": [product["id"]]}
    ).json()
    assert_schema(contract.INVENTORY_SEARCH, found)
    warehouse = sku["inventory"][0]["warehouse_id"]
    update = {
        "skus": [{"id": sku["id"], "inventory": [{"warehouse_id": warehouse, "quantity": 41}]}]
    }
    done = tiktok.call(
        "POST", f"/product/202309/products/{product['id']}/inventory/update", update
    ).json()
    assert done["code"] == 0
    after = tiktok.call("POST", "/product/202309/inventory/search", {"sku_ids": [sku["id"]]}).json()
    assert after["data"]["inventory"][0]["skus"][0]["total_available_quantity"] == 41
    bad = {"skus": [{"id": sku["id"], "inventory": [{"warehouse_id": "1", "quantity": 1}]}]}
    refused = tiktok.call(
        "POST", f"/product/202309/products/{product['id']}/inventory/update", bad
    ).json()
    assert refused["code"] != 0


def test_get_order_detail_returns_the_orders_named_as_search_renders_them(tiktok: TikTok) -> None:
    searched = tiktok.orders()[:5]
    ids = [order["id"] for order in searched]
    answer = tiktok.call("GET", "/order/202309/orders", ids=",".join([*ids, "123"])).json()
    assert answer["code"] == 0, answer
    assert sorted(answer["data"]["orders"], key=lambda o: o["id"]) == sorted(
        searched, key=lambda o: o["id"]
    )  # an id this shop never issued is left out
    too_many = tiktok.call("GET", "/order/202309/orders", ids=",".join(["1"] * 51)).json()
    assert too_many["code"] != 0
    assert "ids" in too_many["message"]
