"""Orders API v0: getOrders, getOrder, getOrderItems (`ordersV0.json`).

Faithful details a client must handle: exactly one of CreatedAfter / LastUpdatedAfter; the
upper bound may be no later than two minutes before now and is echoed back
(`LastUpdatedBefore`), which is the cursor to resume from; `NextToken` pages; Pending orders
carry no `OrderTotal` and no buyer; `ItemPrice` is the line total (price x quantity); the buyer
email is a relay address.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from aiohttp import web

from sandbox.amazon import ids, paging
from sandbox.amazon.auth import CHANNEL, error_response
from sandbox.amazon.marketplace import Marketplace, iso, parse_iso
from sandbox.server.keys import CONTEXT, METRICS
from sandbox.server.lookup import present
from sandbox.world.listings import MARKETPLACE
from sandbox.world.truth import shipped_line_counts

SERVED = web.AppKey("amazon_marketplaces_served", dict)
MIN_AGE_S = 120
DEFAULT_PAGE = 100
STATUSES = ("Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable")


def reply(payload: Any) -> web.Response:
    return web.Response(body=orjson.dumps(payload), content_type="application/json")


def invalid(message: str) -> web.Response:
    return error_response(400, "InvalidInput", message)


def multi(query: Any, name: str) -> list[str]:
    """SP-API array parameters: comma-separated, or the parameter repeated."""
    values: list[str] = []
    for raw in query.getall(name, []):
        values.extend(v for v in raw.split(",") if v)
    return values


def order_statuses(marketplace: Marketplace, orders: np.ndarray, now: int) -> np.ndarray:
    """Index into STATUSES for each order at `now`."""
    columns = marketplace.world.orders
    shipped, total = shipped_line_counts(marketplace.world, orders, now)
    status = np.where(shipped == 0, 1, np.where(shipped < total, 2, 3))
    status = np.where(columns["paid"][orders] > now, 0, status)
    return np.where(columns["cancelled"][orders] <= now, 4, status)


def render_order(marketplace: Marketplace, order: int, status: str, now: int) -> dict[str, Any]:
    world = marketplace.world
    columns = world.orders
    person = int(columns["person"][order])
    created = int(columns["created"][order])
    afn = int(columns["fulfilled_by"][order]) == MARKETPLACE
    lines = list(world.order_lines(order))
    quantity = world.lines["quantity"][lines].astype(np.int64)
    shipped = world.lines["shipped"][lines] <= now
    cancelled = status == "Canceled"
    paid = int(columns["paid"][order])
    ship_by = (paid if paid <= now else created) + 2 * 86_400
    amazon_order_id = marketplace.order_id(int(columns["seq"][order]))
    record: dict[str, Any] = {
        "AmazonOrderId": amazon_order_id,
        "PurchaseDate": iso(created),
        "LastUpdateDate": iso(int(columns["updated"][order])),
        "OrderStatus": status,
        "FulfillmentChannel": "AFN" if afn else "MFN",
        "SalesChannel": marketplace.spec.sales_channel,
        "ShipServiceLevel": marketplace.spec.ship_service_level,
        "NumberOfItemsShipped": 0 if cancelled else int(quantity[shipped].sum()),
        "NumberOfItemsUnshipped": 0 if cancelled else int(quantity[~shipped].sum()),
        "PaymentMethod": "Other",
        "PaymentMethodDetails": ["Standard"],
        "MarketplaceId": marketplace.spec.marketplace_id,
        "ShipmentServiceLevelCategory": "Standard",
        "OrderType": "StandardOrder",
        "EarliestShipDate": iso(ship_by - 86_400),
        "LatestShipDate": iso(ship_by),
        "IsBusinessOrder": False,
        "IsPrime": afn,
        "IsPremiumOrder": False,
        "IsGlobalExpressEnabled": False,
        "IsReplacementOrder": False,
        "IsSoldByAB": False,
        "IsISPU": False,
        "IsAccessPointOrder": False,
        "HasRegulatedItems": False,
        "AutomatedShippingSettings": {"HasAutomatedShippingSettings": False},
    }
    if not afn:
        record["SellerOrderId"] = amazon_order_id
    if status != "Pending":
        record["OrderTotal"] = marketplace.money(order_total(marketplace, order))
        record["BuyerInfo"] = {"BuyerEmail": ids.relay_email(person, marketplace.spec.domain)}
        record["EarliestDeliveryDate"] = iso(ship_by + 86_400)
        record["LatestDeliveryDate"] = iso(ship_by + 5 * 86_400)
    people = world.people
    city = people.city_of(person)
    record["ShippingAddress"] = {
        "City": city.name,
        "StateOrRegion": city.region_code if people.country_code(person) == "US" else city.region,
        "PostalCode": people.postcode(person),
        "CountryCode": people.country_code(person),
    }
    return record


def order_total(marketplace: Marketplace, order: int) -> int:
    world = marketplace.world
    total = int(world.orders["shipping_cents"][order])
    for line in world.order_lines(order):
        gross = int(world.lines["unit_price_cents"][line]) * int(world.lines["quantity"][line])
        total += gross - int(world.lines["discount_cents"][line])
        if not marketplace.storefront.taxes_included:
            total += int(world.lines["tax_cents"][line])
    return total


def render_items(marketplace: Marketplace, order: int, now: int) -> list[dict[str, Any]]:
    world = marketplace.world
    catalog = world.catalog
    lines = world.lines
    cancelled = int(world.orders["cancelled"][order]) <= now
    items = []
    for position, line in enumerate(world.order_lines(order)):
        listing = int(lines["listing"][line])
        sku = world.listing_sku(listing)
        quantity = int(lines["quantity"][line])
        gross = int(lines["unit_price_cents"][line]) * quantity
        shipping = int(world.orders["shipping_cents"][order]) if position == 0 else 0
        shipped = not cancelled and int(lines["shipped"][line]) <= now
        items.append(
            {
                "ASIN": ids.asin(sku),
                "SellerSKU": marketplace.seller_sku(listing),
                "OrderItemId": ids.order_item_id(line),
                "Title": catalog.product_title[int(catalog.sku_product[sku])],
                "QuantityOrdered": quantity,
                "QuantityShipped": quantity if shipped else 0,
                "ProductInfo": {"NumberOfItems": "1"},
                "ItemPrice": marketplace.money(gross),
                "ItemTax": marketplace.money(int(lines["tax_cents"][line])),
                "ShippingPrice": marketplace.money(shipping),
                "ShippingTax": marketplace.money(0),
                "ShippingDiscount": marketplace.money(0),
                "ShippingDiscountTax": marketplace.money(0),
                "PromotionDiscount": marketplace.money(int(lines["discount_cents"][line])),
                "PromotionDiscountTax": marketplace.money(0),
                "PromotionIds": ["WELCOME10"] if int(lines["discount_cents"][line]) else [],
                "IsGift": "false",
                "ConditionId": "New",
                "ConditionSubtypeId": "New",
                "IsTransparency": False,
                "SerialNumberRequired": False,
            }
        )
    return items


def _marketplaces(request: web.Request) -> tuple[list[Marketplace], web.Response | None]:
    known: dict[str, Marketplace] = request.app[SERVED]
    wanted = multi(request.query, "MarketplaceIds")
    if not wanted:
        return [], invalid("Missing required parameter MarketplaceIds.")
    if len(wanted) > 50:
        return [], invalid("MarketplaceIds may not contain more than 50 values.")
    unknown = [m for m in wanted if m not in known]
    if unknown:
        return [], invalid(
            f"Invalid MarketplaceIds for this seller in this region: {', '.join(unknown)}"
        )
    return [known[m] for m in dict.fromkeys(wanted)], None


def _window(query: Any, now: int) -> dict[str, Any]:
    """Validate the time filters; raise ValueError with Amazon's kind of message."""
    created_after = query.get("CreatedAfter")
    updated_after = query.get("LastUpdatedAfter")
    if bool(created_after) == bool(updated_after):
        raise ValueError("Exactly one of CreatedAfter or LastUpdatedAfter must be specified.")
    field = "created" if created_after else "updated"
    after_raw = created_after or updated_after
    after_name = "CreatedAfter" if field == "created" else "LastUpdatedAfter"
    before_name = "CreatedBefore" if field == "created" else "LastUpdatedBefore"
    other = "LastUpdatedBefore" if field == "created" else "CreatedBefore"
    if query.get(other):
        raise ValueError(f"{other} cannot be combined with {after_name}.")
    latest = now - MIN_AGE_S
    try:
        after = parse_iso(after_raw)
        before = parse_iso(query[before_name]) if query.get(before_name) else latest
    except ValueError as error:
        raise ValueError(f"Invalid date format: {error}") from error
    too_recent = "must be no later than two minutes before the time of the request."
    if before > latest:
        raise ValueError(f"{before_name} {too_recent}")
    if after > latest:
        raise ValueError(f"{after_name} {too_recent}")
    if after >= before:
        raise ValueError(f"{before_name} must be later than {after_name}.")
    statuses = multi(query, "OrderStatuses")
    bad = [s for s in statuses if s not in (*STATUSES, "InvoiceUnconfirmed", "PendingAvailability")]
    if bad:
        raise ValueError(f"Invalid OrderStatuses: {', '.join(bad)}")
    channels = multi(query, "FulfillmentChannels")
    if any(c not in ("AFN", "MFN") for c in channels):
        raise ValueError("FulfillmentChannels must be AFN or MFN.")
    size = int(query.get("MaxResultsPerPage", DEFAULT_PAGE))
    if not 1 <= size <= 100:
        raise ValueError("MaxResultsPerPage must be between 1 and 100.")
    return {
        "field": field,
        "after": after,
        "before": before,
        "statuses": statuses,
        "channels": channels,
        "size": size,
        "ids": multi(query, "AmazonOrderIds"),
    }


ORDER_BITS = 24  # sort keys pack (time, order) as time << 24 | order


def _candidates(marketplaces: list[Marketplace], window: dict[str, Any], now: int) -> np.ndarray:
    """Rows (sort key, order, marketplace position) of matching orders, in page order."""
    rows: list[np.ndarray] = []
    for position, marketplace in enumerate(marketplaces):
        world = marketplace.world
        orders = world.orders_of(marketplace.index)
        columns = world.orders
        stamp = columns["created" if window["field"] == "created" else "updated"][orders]
        keep = (stamp >= window["after"]) & (stamp <= window["before"])
        keep &= columns["created"][orders] <= now
        if window["statuses"]:
            names = np.array(STATUSES)[order_statuses(marketplace, orders, now)]
            keep &= np.isin(names, window["statuses"])
        if window["channels"]:
            afn = columns["fulfilled_by"][orders] == MARKETPLACE
            keep &= (afn & ("AFN" in window["channels"])) | (~afn & ("MFN" in window["channels"]))
        if window["ids"]:
            wanted = {marketplace.order_of(i) for i in window["ids"]}
            keep &= np.isin(orders, present(wanted))
        orders, stamp = orders[keep].astype(np.int64), stamp[keep].astype(np.int64)
        keys = (stamp << ORDER_BITS) | orders
        rows.append(np.stack([keys, orders, np.full(len(orders), position)], axis=1))
    merged = np.concatenate(rows) if rows else np.zeros((0, 3), np.int64)
    return merged[np.argsort(merged[:, 0], kind="stable")]


async def get_orders(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    now = context.sync()
    marketplaces, problem = _marketplaces(request)
    if problem is not None:
        return problem
    try:
        if "NextToken" in request.query:
            token = paging.decode(request.query["NextToken"], "NextToken")
            window = token["window"]
            after_key = int(token["after"])
        else:
            window = _window(request.query, now)
            after_key = None
    except ValueError as error:
        return invalid(str(error))
    candidates = _candidates(marketplaces, window, now)
    start = 0
    if after_key is not None:
        start = int(np.searchsorted(candidates[:, 0], after_key, side="right"))
        start = max(0, start - context.faults_of(CHANNEL).overlap(request.path))
    page = candidates[start : start + window["size"]]
    rendered = []
    for _, order, position in page.tolist():
        marketplace = marketplaces[position]
        status = STATUSES[int(order_statuses(marketplace, np.array([order]), now)[0])]
        rendered.append(render_order(marketplace, order, status, now))
    payload: dict[str, Any] = {"Orders": context.faults_of(CHANNEL).shape_all(rendered)}
    if start + window["size"] < len(candidates) and len(page):
        payload["NextToken"] = paging.encode({"window": window, "after": int(page[-1][0])})
    payload["LastUpdatedBefore" if window["field"] == "updated" else "CreatedBefore"] = iso(
        window["before"]
    )
    request[METRICS].records_served += len(rendered)
    return reply({"payload": payload})


def _find(request: web.Request) -> tuple[Marketplace, int, int] | web.Response:
    """(marketplace, order, now) for the path's order id, or Amazon's 404."""
    now = request.app[CONTEXT].sync()
    order_id = request.match_info["order_id"]
    for marketplace in request.app[SERVED].values():
        order = marketplace.order_of(order_id)
        if order is not None and int(marketplace.world.orders["created"][order]) <= now:
            return marketplace, order, now
    return error_response(404, "NotFound", f"Order {order_id} not found.")


async def get_order(request: web.Request) -> web.Response:
    found = _find(request)
    if isinstance(found, web.Response):
        return found
    marketplace, order, now = found
    status = STATUSES[int(order_statuses(marketplace, np.array([order]), now)[0])]
    record = render_order(marketplace, order, status, now)
    return reply({"payload": request.app[CONTEXT].faults_of(CHANNEL).shape(record)})


async def get_order_items(request: web.Request) -> web.Response:
    found = _find(request)
    if isinstance(found, web.Response):
        return found
    marketplace, order, now = found
    items = request.app[CONTEXT].faults_of(CHANNEL).shape_all(render_items(marketplace, order, now))
    request[METRICS].records_served += len(items)
    return reply(
        {"payload": {"AmazonOrderId": request.match_info["order_id"], "OrderItems": items}}
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/orders/v0/orders", get_orders, name="getOrders"),
        web.get("/orders/v0/orders/{order_id}", get_order, name="getOrder"),
        web.get("/orders/v0/orders/{order_id}/orderItems", get_order_items, name="getOrderItems"),
    ]
