"""Order API 202309: `POST /order/202309/orders/search`.

Query: `page_size` (1-100, required), `page_token`, `sort_field` (create_time | update_time),
`sort_order` (ASC | DESC). Body filters: `order_status`, `create_time_ge/lt`,
`update_time_ge/lt` (unix seconds). An empty `next_page_token` ends the pages. Money is a
decimal string; one line item per unit; buyer email and phone are masked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

import numpy as np
import orjson
from aiohttp import web

from sandbox.server.keys import CONTEXT, METRICS
from sandbox.tiktok_shop import codes
from sandbox.tiktok_shop.auth import CHANNEL, envelope, json_body
from sandbox.tiktok_shop.shop import WAREHOUSE_ID, TikTokShop
from sandbox.world import names
from sandbox.world.columns import NEVER
from sandbox.world.orders import COMPLETION_DELAY
from sandbox.world.truth import shipped_line_counts

SHOP = web.AppKey("tiktok_shop", TikTokShop)
STATUSES = (
    "UNPAID",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
    "CANCELLED",
)
ORDER_BITS = 24


def statuses(shop: TikTokShop, orders: np.ndarray, now: int) -> np.ndarray:
    columns = shop.world.orders
    shipped, total = shipped_line_counts(shop.world, orders, now)
    status = np.where(shipped == 0, 1, np.where(shipped < total, 2, 3))
    delivered = columns["delivered"][orders]
    status = np.where((delivered != NEVER) & (delivered <= now), 4, status)
    status = np.where((delivered != NEVER) & (delivered + COMPLETION_DELAY <= now), 5, status)
    status = np.where(columns["paid"][orders] > now, 0, status)
    return np.where(columns["cancelled"][orders] <= now, 6, status)


def _split(total: int, parts: int) -> list[int]:
    """Spread cents over units so that they add up exactly."""
    base, extra = divmod(total, parts)
    return [base + (1 if unit < extra else 0) for unit in range(parts)]


def _masked_phone(e164: str) -> str:
    country = e164[:3]
    national = e164[3:]
    return f"({country}){national[:2]}*****{national[-2:]}"


def _masked_email(person: int) -> str:
    """TikTok relays mail through a masked address; the buyer's own address is never shown."""
    return f"v2{hashlib.sha256(f'tt:{person}'.encode()).hexdigest()[:22]}@scs.tiktokw.eu"


def render_order(shop: TikTokShop, order: int, status: str, now: int) -> dict[str, Any]:
    world = shop.world
    columns = world.orders
    people = world.people
    person = int(columns["person"][order])
    cancelled = status == "CANCELLED"
    line_items = []
    sub_total = discounts = original = tax = 0
    for line in world.order_lines(order):
        listing = int(world.lines["listing"][line])
        sku = world.listing_sku(listing)
        quantity = int(world.lines["quantity"][line])
        unit = int(world.lines["unit_price_cents"][line])
        shipped = int(world.lines["shipped"][line]) <= now
        line_status = "CANCELLED" if cancelled else (status if shipped else "AWAITING_SHIPMENT")
        if status == "UNPAID":
            line_status = "UNPAID"
        product = int(world.catalog.sku_product[sku])
        for position, (discount, unit_tax) in enumerate(
            zip(
                _split(int(world.lines["discount_cents"][line]), quantity),
                _split(int(world.lines["tax_cents"][line]), quantity),
                strict=True,
            )
        ):
            sub_total += unit - discount
            discounts += discount
            original += unit
            tax += unit_tax
            line_items.append(
                {
                    "id": shop.line_item_id(line, position),
                    "sku_id": shop.sku_id(sku),
                    "seller_sku": shop.seller_sku(listing),
                    "product_id": shop.product_id(product),
                    "product_name": world.catalog.product_title[product],
                    "sku_name": world.catalog.sku_option1[sku],
                    "original_price": shop.amount(unit),
                    "sale_price": shop.amount(unit - discount),
                    "seller_discount": shop.amount(discount),
                    "platform_discount": "0",
                    "currency": shop.currency,
                    "display_status": line_status,
                    "is_gift": False,
                    "package_status": "TO_FULFILL" if not shipped else "SHIPPED",
                    "tracking_number": f"TT{int(line):012d}" if shipped and not cancelled else "",
                }
            )
    shipping = int(columns["shipping_cents"][order])
    city = people.city_of(person)
    country = people.country_code(person)
    created = int(columns["created"][order])
    paid = int(columns["paid"][order])
    record: dict[str, Any] = {
        "id": shop.order_id(int(columns["seq"][order])),
        "status": status,
        "create_time": created,
        "update_time": int(columns["updated"][order]),
        "paid_time": paid if paid <= now else None,
        "buyer_email": _masked_email(person),
        "buyer_message": "",
        "user_id": shop.user_id(person),
        "payment": {
            "currency": shop.currency,
            "sub_total": shop.amount(sub_total),
            "shipping_fee": shop.amount(shipping),
            "seller_discount": shop.amount(discounts),
            "platform_discount": "0",
            "total_amount": shop.amount(sub_total + shipping),
            "original_total_product_price": shop.amount(original),
            "original_shipping_fee": shop.amount(shipping),
            "shipping_fee_seller_discount": "0",
            "shipping_fee_platform_discount": "0",
            "tax": shop.amount(tax),
            "product_tax": shop.amount(tax),
            "shipping_fee_tax": "0",
        },
        "recipient_address": {
            "name": f"{people.first(person)} {people.last(person)}",
            "phone_number": _masked_phone(people.phone_e164(person)),
            "address_line1": people.street_line(person),
            "address_detail": "",
            "postal_code": people.postcode(person),
            "region_code": country,
            "full_address": f"{people.street_line(person)}, {city.name}, {people.postcode(person)}",
            "district_info": [
                {
                    "address_level_name": "country",
                    "address_name": names.COUNTRY_NAMES[country],
                    "address_level": "L0",
                },
                {"address_level_name": "city", "address_name": city.name, "address_level": "L2"},
            ],
        },
        "line_items": line_items,
        "fulfillment_type": "FULFILLMENT_BY_SELLER",
        "delivery_type": "HOME_DELIVERY",
        "shipping_type": "SELLER",
        "warehouse_id": WAREHOUSE_ID,
        "is_cod": False,
        "is_on_hold_order": False,
        "is_sample_order": False,
        "order_type": "NORMAL",
        "commerce_platform": "TIKTOK_SHOP",
    }
    if cancelled:
        reason = int(columns["cancel_reason"][order])
        record["cancel_reason"] = "Pay timeout" if reason == 2 else "No longer needed"
        record["cancellation_initiator"] = (
            "SYSTEM" if reason == 2 else ("SELLER" if reason == 3 else "BUYER")
        )
        record["cancel_time"] = int(columns["cancelled"][order])
    return record


def _decode_page_token(token: str) -> dict[str, Any]:
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError) as error:
        raise ValueError("Invalid page_token.") from error
    if not isinstance(payload, dict) or "after" not in payload or "filters" not in payload:
        raise ValueError("Invalid page_token.")
    return payload


def _filters(query: Any, body: dict[str, Any]) -> dict[str, Any]:
    sort_field = query.get("sort_field", "create_time")
    sort_order = query.get("sort_order", "DESC")
    if sort_field not in ("create_time", "update_time") or sort_order not in ("ASC", "DESC"):
        raise ValueError("sort_field must be create_time or update_time; sort_order ASC or DESC.")
    filters: dict[str, Any] = {"sort_field": sort_field, "sort_order": sort_order}
    for name in ("create_time_ge", "create_time_lt", "update_time_ge", "update_time_lt"):
        if name in body:
            if not isinstance(body[name], int):
                raise ValueError(f"{name} must be a unix timestamp in seconds.")
            filters[name] = body[name]
    if "order_status" in body:
        if body["order_status"] not in STATUSES:
            raise ValueError(f"order_status must be one of {', '.join(STATUSES)}.")
        filters["order_status"] = body["order_status"]
    return filters


async def search_orders(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    shop = request.app[SHOP]
    now = context.sync()
    try:
        size = int(request.query.get("page_size", "0"))
        if not 1 <= size <= 100:
            raise ValueError("page_size must be between 1 and 100.")
        body = await json_body(request)
        if request.query.get("page_token"):
            token = _decode_page_token(request.query["page_token"])
            filters, after = token["filters"], int(token["after"])
        else:
            filters, after = _filters(request.query, body or {}), None
    except (ValueError, TypeError) as error:
        return envelope(context, codes.INVALID_PARAMETER, f"Invalid parameter: {error}")
    world = shop.world
    orders = world.orders_of(shop.index)
    columns = world.orders
    keep = columns["created"][orders] <= now
    for field in ("create_time", "update_time"):
        values = columns["created" if field == "create_time" else "updated"][orders]
        if f"{field}_ge" in filters:
            keep &= values >= filters[f"{field}_ge"]
        if f"{field}_lt" in filters:
            keep &= values < filters[f"{field}_lt"]
    orders = orders[keep]
    codes_now = statuses(shop, orders, now)
    if "order_status" in filters:
        selected = codes_now == STATUSES.index(filters["order_status"])
        orders, codes_now = orders[selected], codes_now[selected]
    stamp = columns["created" if filters["sort_field"] == "create_time" else "updated"][
        orders
    ].astype(np.int64)
    keys = (stamp << ORDER_BITS) | orders.astype(np.int64)
    descending = filters["sort_order"] == "DESC"
    order_keys = -keys if descending else keys
    arrangement = np.argsort(order_keys, kind="stable")
    order_keys, orders, codes_now = (
        order_keys[arrangement],
        orders[arrangement],
        codes_now[arrangement],
    )
    start = 0 if after is None else int(np.searchsorted(order_keys, after, side="right"))
    if after is not None:
        start = max(0, start - context.faults_of(CHANNEL).overlap(request.path))
    chosen = slice(start, start + size)
    rendered = [
        render_order(shop, int(order), STATUSES[int(code)], now)
        for order, code in zip(orders[chosen].tolist(), codes_now[chosen].tolist(), strict=True)
    ]
    more = start + size < len(orders)
    next_token = ""
    if more and rendered:
        payload = {"filters": filters, "after": int(order_keys[start + len(rendered) - 1])}
        next_token = base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")
    request[METRICS].records_served += len(rendered)
    data = {
        "orders": context.faults_of(CHANNEL).shape_all(rendered),
        "next_page_token": next_token,
        "total_count": len(orders),
    }
    return envelope(context, codes.SUCCESS, "Success", data)


MAX_DETAIL_IDS = 50


async def get_orders(request: web.Request) -> web.Response:
    """Get Order Detail: `GET /order/202309/orders?ids=a,b,...` (at most 50). Ids this shop
    never issued are left out of `orders`, as TikTok does; an empty or oversized list is an
    invalid parameter."""
    context = request.app[CONTEXT]
    shop = request.app[SHOP]
    now = context.sync()
    ids = [value for value in request.query.get("ids", "").split(",") if value]
    if not 1 <= len(ids) <= MAX_DETAIL_IDS:
        message = f"Invalid parameter: ids must list 1 to {MAX_DETAIL_IDS} order ids."
        return envelope(context, codes.INVALID_PARAMETER, message)
    known = [order for order in (shop.order_of(value) for value in ids) if order is not None]
    columns = shop.world.orders
    orders = np.array([o for o in known if columns["created"][o] <= now], dtype=np.int64)
    codes_now = statuses(shop, orders, now) if len(orders) else np.array([], dtype=np.int64)
    rendered = [
        render_order(shop, int(order), STATUSES[int(code)], now)
        for order, code in zip(orders.tolist(), codes_now.tolist(), strict=True)
    ]
    request[METRICS].records_served += len(rendered)
    data = {"orders": context.faults_of(CHANNEL).shape_all(rendered)}
    return envelope(context, codes.SUCCESS, "Success", data)
