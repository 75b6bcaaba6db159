"""Shopify REST Admin endpoints: orders, products, customers, locations, inventory.

Paths carry any `YYYY-MM` version, as Shopify accepts every supported version in the path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
from aiohttp import web

from sandbox.server.keys import CHANNEL, CONTEXT, METRICS
from sandbox.server.lookup import present
from sandbox.shopify import ids
from sandbox.shopify import rest_pagination as pagination
from sandbox.shopify.inventory import set_available
from sandbox.shopify.order_filters import FILTERS as ORDER_FILTERS
from sandbox.shopify.order_filters import id_mask, order_mask, parse_ids, parse_time, time_window
from sandbox.shopify.render_catalog import (
    product_updated_at,
    render_inventory_item,
    render_inventory_level,
    render_location,
    render_product,
)
from sandbox.shopify.render_customers import customer_index, render_customer
from sandbox.shopify.render_orders import render_order
from sandbox.shopify.shop import Shop

SHOP = web.AppKey("shop", Shop)
API = r"/admin/api/{version:\d{4}-\d{2}}"
NOT_FOUND = {"errors": "Not Found"}


def json_response(payload: Any, status: int = 200, link: str | None = None) -> web.Response:
    response = web.Response(
        body=orjson.dumps(payload), status=status, content_type="application/json", charset="utf-8"
    )
    if link:
        response.headers["Link"] = link
    return response


def shop_and_now(request: web.Request) -> tuple[Shop, int]:
    return request.app[SHOP], request.app[CONTEXT].sync()


def only_fields(record: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if not fields:
        return record
    wanted = set(fields)
    return {key: value for key, value in record.items() if key in wanted}


def paged_response(
    request: web.Request,
    page: pagination.PageRequest,
    root: str,
    ordered: np.ndarray,
    keys: np.ndarray,
    key_of_id: Callable[[int], int | None],
    id_of: Callable[[int], int],
    value_of: Callable[[int], str],
    render: Callable[[int], dict[str, Any]],
) -> web.Response:
    """Serve one page of `ordered` (sorted so that `keys` ascend) with Shopify's Link header."""
    context = request.app[CONTEXT]
    faults = context.faults_of(request.app[CHANNEL])
    cursor_key = None
    if page.last_id is not None:
        cursor_key = key_of_id(page.last_id)
        if cursor_key is None:
            return json_response({"errors": {"page_info": "Invalid value."}}, 400)
    overlap = faults.overlap(request.path) if page.is_follow_up else 0
    window = pagination.slice_page(keys, cursor_key, page.direction, page.limit, overlap)
    chosen = ordered[window.positions].tolist()
    records = faults.shape_all([only_fields(render(item), page.fields) for item in chosen])
    request[METRICS].records_served += len(records)
    previous = following = None
    if chosen and window.has_previous:
        previous = {
            "last_id": id_of(chosen[0]),
            "last_value": value_of(chosen[0]),
            "direction": "prev",
        }
    if chosen and window.has_next:
        following = {
            "last_id": id_of(chosen[-1]),
            "last_value": value_of(chosen[-1]),
            "direction": "next",
        }
    link = pagination.link_header(request, page, previous, following)
    return json_response({root: records}, link=link)


def bad_request(error: pagination.PageError) -> web.Response:
    return json_response({"errors": error.errors}, 400)


# ---- orders ----------------------------------------------------------------------------------


def _shop_orders(shop: Shop, now: int) -> np.ndarray:
    orders = shop.orders()
    return orders[shop.world.orders["created"][orders] <= now]


async def list_orders(request: web.Request) -> web.Response:
    shop, now = shop_and_now(request)
    try:
        page = pagination.parse(request.query, ORDER_FILTERS)
        orders = _shop_orders(shop, now)
        candidates = orders[order_mask(shop, orders, page.filters, now)]
    except pagination.PageError as error:
        return bad_request(error)
    seqs = shop.world.orders["seq"][candidates].astype(np.int64)
    ascending = "since_id" in page.filters  # since_id pages by id; otherwise newest first
    ordered = candidates if ascending else candidates[::-1]
    keys = seqs if ascending else -seqs[::-1]
    columns = shop.world.orders

    def key_of_id(identifier: int) -> int | None:
        seq = ids.order_seq(identifier)
        return None if seq is None else (seq if ascending else -seq)

    return paged_response(
        request,
        page,
        "orders",
        ordered,
        keys,
        key_of_id,
        lambda o: ids.order_id(int(columns["seq"][o])),
        lambda o: _cursor_value(int(columns["created"][o])),
        lambda o: render_order(shop, o, now),
    )


def _cursor_value(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


async def count_orders(request: web.Request) -> web.Response:
    shop, now = shop_and_now(request)
    try:
        orders = _shop_orders(shop, now)
        filters = {k: request.query[k] for k in ORDER_FILTERS if k in request.query}
        count = int(order_mask(shop, orders, filters, now).sum())
    except pagination.PageError as error:
        return bad_request(error)
    return json_response({"count": count})


async def get_order(request: web.Request) -> web.Response:
    shop, now = shop_and_now(request)
    seq = ids.order_seq(int(request.match_info["order_id"]))
    order = shop.order_at(seq) if seq is not None else None
    if order is None or shop.world.orders["created"][order] > now:
        return json_response(NOT_FOUND, 404)
    fields = [f for f in request.query.get("fields", "").split(",") if f] or None
    record = request.app[CONTEXT].faults_of("shopify").shape(render_order(shop, order, now))
    return json_response({"order": only_fields(record, fields)})


# ---- products and inventory -------------------------------------------------------------------

PRODUCT_FILTERS = (
    "ids",
    "since_id",
    "status",
    "created_at_min",
    "created_at_max",
    "updated_at_min",
    "updated_at_max",
)


async def list_products(request: web.Request) -> web.Response:
    shop, _ = shop_and_now(request)
    try:
        page = pagination.parse(request.query, PRODUCT_FILTERS)
        products = np.array(shop.products, np.int64)
        filters = page.filters
        mask = np.ones(len(products), bool)
        created = shop.world.catalog.product_created_at[products]
        updated = np.array([product_updated_at(shop, int(p)) for p in products], np.int64)
        mask = time_window(mask, created, filters, "created_at")
        mask = time_window(mask, updated, filters, "updated_at")
        mask = id_mask(mask, filters, products, ids.product_id, ids.product_index)
        if "active" not in filters.get("status", "active").split(","):
            mask &= False  # every product in the sandbox is active
    except pagination.PageError as error:
        return bad_request(error)
    candidates = products[mask]
    return paged_response(
        request,
        page,
        "products",
        candidates,
        candidates,
        ids.product_index,
        ids.product_id,
        lambda p: _cursor_value(product_updated_at(shop, p)),
        lambda p: render_product(shop, p),
    )


async def get_product(request: web.Request) -> web.Response:
    shop, _ = shop_and_now(request)
    product = ids.product_index(int(request.match_info["product_id"]))
    if product is None or product not in shop.skus_of_product:
        return json_response(NOT_FOUND, 404)
    return json_response({"product": render_product(shop, product)})


async def list_inventory_items(request: web.Request) -> web.Response:
    shop, _ = shop_and_now(request)
    try:
        wanted = parse_ids("ids", request.query.get("ids", ""))
    except pagination.PageError as error:
        return bad_request(error)
    if not wanted:
        return json_response({"errors": {"ids": "ids is required"}}, 400)
    if len(wanted) > 100:
        return json_response({"errors": {"ids": "ids can not exceed 100 items"}}, 400)
    skus = [s for s in (ids.inventory_item_sku(i) for i in wanted) if s in shop.listing_of_sku]
    return json_response(
        {"inventory_items": [render_inventory_item(shop, s) for s in sorted(skus)]}
    )


async def list_inventory_levels(request: web.Request) -> web.Response:
    shop, _ = shop_and_now(request)
    try:
        page = pagination.parse(
            request.query, ("inventory_item_ids", "location_ids", "updated_at_min")
        )
        filters = page.filters
        item_ids = parse_ids("inventory_item_ids", filters.get("inventory_item_ids", ""))
        location_ids = parse_ids("location_ids", filters.get("location_ids", ""))
    except pagination.PageError as error:
        return bad_request(error)
    if not item_ids and not location_ids:
        return json_response({"errors": "Must provide inventory_item_ids or location_ids"}, 422)
    if len(item_ids) > 50 or len(location_ids) > 50:
        return json_response({"errors": "Too many ids: at most 50 of each are allowed"}, 422)
    skus = shop.skus_sorted
    if item_ids:
        wanted = {ids.inventory_item_sku(i) for i in item_ids}
        skus = skus[np.isin(skus, present(wanted))]
    if location_ids and ids.LOCATION_ID not in location_ids:
        skus = skus[:0]
    if "updated_at_min" in filters:
        try:
            since = parse_time("updated_at_min", filters["updated_at_min"])
        except pagination.PageError as error:
            return bad_request(error)
        listing = np.array([shop.listing_of_sku[int(s)] for s in skus], np.int64)
        updated = shop.world.listing_updated[listing] if len(listing) else np.zeros(0, np.int64)
        skus = skus[updated >= since]
    return paged_response(
        request,
        page,
        "inventory_levels",
        skus,
        skus,
        ids.inventory_item_sku,
        ids.inventory_item_id,
        lambda s: _cursor_value(int(shop.world.listing_updated[shop.listing_of_sku[s]])),
        lambda s: render_inventory_level(shop, s),
    )


async def set_inventory_level(request: web.Request) -> web.Response:
    shop, now = shop_and_now(request)
    try:
        body = await request.json()
        location_id = int(body["location_id"])
        item_id = int(body["inventory_item_id"])
        available = int(body["available"])
    except (KeyError, TypeError, ValueError):
        return json_response(
            {
                "errors": {
                    "base": ["location_id, inventory_item_id and available are required integers"]
                }
            },
            422,
        )
    sku = ids.inventory_item_sku(item_id)
    if location_id != ids.LOCATION_ID or sku is None or sku not in shop.listing_of_sku:
        return json_response(NOT_FOUND, 404)
    if set_available(shop, sku, available, now):
        request[METRICS].writes_applied += 1
    return json_response({"inventory_level": render_inventory_level(shop, sku)})


async def list_locations(request: web.Request) -> web.Response:
    shop, _ = shop_and_now(request)
    return json_response({"locations": [render_location(shop)]})


# ---- customers ---------------------------------------------------------------------------------

CUSTOMER_FILTERS = (
    "ids",
    "since_id",
    "created_at_min",
    "created_at_max",
    "updated_at_min",
    "updated_at_max",
)


async def list_customers(request: web.Request) -> web.Response:
    shop, now = shop_and_now(request)
    index = customer_index(shop, now)
    persons = index.persons
    try:
        page = pagination.parse(request.query, CUSTOMER_FILTERS)
        filters = page.filters
        mask = np.ones(len(persons), bool)
        created = index.first_order_at[persons] - 120
        mask = time_window(mask, created, filters, "created_at")
        mask = time_window(mask, index.last_order_at[persons], filters, "updated_at")
        mask = id_mask(mask, filters, persons, ids.customer_id, ids.customer_person)
    except pagination.PageError as error:
        return bad_request(error)
    candidates = persons[mask]
    return paged_response(
        request,
        page,
        "customers",
        candidates,
        candidates,
        ids.customer_person,
        ids.customer_id,
        lambda p: _cursor_value(index.updated_at(p)),
        lambda p: render_customer(shop, p, now),
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get(f"{API}/orders.json", list_orders),
        web.get(f"{API}/orders/count.json", count_orders),
        web.get(API + r"/orders/{order_id:\d+}.json", get_order),
        web.get(f"{API}/products.json", list_products),
        web.get(API + r"/products/{product_id:\d+}.json", get_product),
        web.get(f"{API}/inventory_items.json", list_inventory_items),
        web.get(f"{API}/inventory_levels.json", list_inventory_levels),
        web.post(f"{API}/inventory_levels/set.json", set_inventory_level),
        web.get(f"{API}/locations.json", list_locations),
        web.get(f"{API}/customers.json", list_customers),
    ]
