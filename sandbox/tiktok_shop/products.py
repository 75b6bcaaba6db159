"""Product API 202309: product search, inventory search, inventory update.

A TikTok SKU's inventory is per warehouse; the quantity the seller sets is what shoppers can
buy. Updates are absolute (`quantity`), validated per SKU and warehouse.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
from aiohttp import web

from sandbox.server.keys import CONTEXT, METRICS
from sandbox.tiktok_shop import codes
from sandbox.tiktok_shop.auth import CHANNEL, envelope, json_body
from sandbox.tiktok_shop.orders import SHOP
from sandbox.tiktok_shop.shop import WAREHOUSE_ID, TikTokShop
from sandbox.world.orders import list_price

MAX_QUANTITY = 99_999


def render_product(shop: TikTokShop, product: int) -> dict[str, Any]:
    world = shop.world
    catalog = world.catalog
    skus = shop.skus_of_product[product]
    created = min(int(world.listings.created_at[shop.listing_of_sku[s]]) for s in skus)
    updated = max(int(world.listing_updated[shop.listing_of_sku[s]]) for s in skus)
    return {
        "id": shop.product_id(product),
        "title": catalog.product_title[product],
        "status": "ACTIVATE",
        "create_time": created,
        "update_time": updated,
        "sales_regions": ["GB"],
        "skus": [
            {
                "id": shop.sku_id(sku),
                "seller_sku": shop.seller_sku(shop.listing_of_sku[sku]),
                "price": {
                    "currency": shop.currency,
                    "sale_price": shop.amount(list_price(catalog, sku, shop.spec)),
                    "tax_exclusive_price": shop.amount(
                        round(list_price(catalog, sku, shop.spec) / (1 + shop.spec.tax_rate))
                    ),
                },
                "inventory": [
                    {
                        "warehouse_id": WAREHOUSE_ID,
                        "quantity": int(world.displayed[shop.listing_of_sku[sku]]),
                    }
                ],
                "identifier_code": _identifier(shop, sku),
            }
            for sku in skus
        ],
    }


def _identifier(shop: TikTokShop, sku: int) -> dict[str, str] | None:
    barcode = shop.world.listings.barcode(shop.listing_of_sku[sku], shop.world.catalog)
    return None if barcode is None else {"code": barcode, "type": "EAN"}


async def search_products(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    shop = request.app[SHOP]
    context.sync()
    try:
        size = int(request.query.get("page_size", "0"))
        if not 1 <= size <= 100:
            raise ValueError("page_size must be between 1 and 100.")
        body = await json_body(request)
        offset = 0
        if request.query.get("page_token"):
            token = request.query["page_token"]
            offset = int(
                orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["offset"]
            )
    except (ValueError, TypeError, KeyError, binascii.Error, orjson.JSONDecodeError) as error:
        return envelope(context, codes.INVALID_PARAMETER, f"Invalid parameter: {error}")
    products = shop.products
    if body.get("status") not in (None, "ALL", "ACTIVATE"):
        products = []
    if "seller_skus" in body:
        wanted = set(body["seller_skus"])
        products = [
            p
            for p in products
            if any(
                shop.seller_sku(shop.listing_of_sku[s]) in wanted for s in shop.skus_of_product[p]
            )
        ]
    rendered_all = None
    if "update_time_ge" in body or "update_time_le" in body:
        rendered_all = [render_product(shop, p) for p in products]
        rendered_all = [
            r
            for r in rendered_all
            if r["update_time"] >= body.get("update_time_ge", 0)
            and r["update_time"] <= body.get("update_time_le", 2**62)
        ]
    if offset:
        offset = max(0, offset - context.faults_of(CHANNEL).overlap(request.path))
    total = len(rendered_all) if rendered_all is not None else len(products)
    if rendered_all is not None:
        page = rendered_all[offset : offset + size]
    else:
        page = [render_product(shop, p) for p in products[offset : offset + size]]
    more = offset + size < total
    next_token = (
        base64.urlsafe_b64encode(orjson.dumps({"offset": offset + size})).decode().rstrip("=")
        if more
        else ""
    )
    request[METRICS].records_served += len(page)
    data = {
        "products": context.faults_of(CHANNEL).shape_all(page),
        "next_page_token": next_token,
        "total_count": total,
    }
    return envelope(context, codes.SUCCESS, "Success", data)


async def search_inventory(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    shop = request.app[SHOP]
    context.sync()
    try:
        body = await request.json()
    except ValueError:
        return envelope(context, codes.INVALID_PARAMETER, "Invalid parameter: body must be JSON.")
    product_ids = body.get("product_ids") or []
    sku_ids = body.get("sku_ids") or []
    if bool(product_ids) == bool(sku_ids):
        return envelope(
            context,
            codes.INVALID_PARAMETER,
            "Invalid parameter: give either product_ids or sku_ids.",
        )
    if len(product_ids) > 100 or len(sku_ids) > 600:
        return envelope(context, codes.INVALID_PARAMETER, "Invalid parameter: too many ids.")
    world = shop.world
    grouped: dict[int, list[int]] = {}
    if product_ids:
        for identifier in product_ids:
            product = shop.product_of(str(identifier))
            if product is not None:
                grouped[product] = list(shop.skus_of_product[product])
    else:
        for identifier in sku_ids:
            sku = shop.sku_of(str(identifier))
            if sku is not None:
                grouped.setdefault(int(world.catalog.sku_product[sku]), []).append(sku)
    zero = context.faults_of(CHANNEL).settings.zero_stock
    inventory = []
    for product, skus in grouped.items():
        rows = []
        for sku in skus:
            listing = shop.listing_of_sku[sku]
            available = 0 if zero else int(world.displayed[listing])
            committed = int(world.committed_by_listing[listing])
            rows.append(
                {
                    "id": shop.sku_id(sku),
                    "seller_sku": shop.seller_sku(listing),
                    "total_available_quantity": available,
                    "total_committed_quantity": committed,
                    "warehouse_inventory": [
                        {
                            "warehouse_id": WAREHOUSE_ID,
                            "available_quantity": available,
                            "committed_quantity": committed,
                        }
                    ],
                }
            )
        inventory.append({"product_id": shop.product_id(product), "skus": rows})
    return envelope(context, codes.SUCCESS, "Success", {"inventory": inventory})


async def update_inventory(request: web.Request) -> web.Response:
    context = request.app[CONTEXT]
    shop = request.app[SHOP]
    now = context.sync()
    product = shop.product_of(request.match_info["product_id"])
    if product is None:
        return envelope(context, codes.PRODUCT_NOT_FOUND, "The product does not exist.")
    try:
        body = await request.json()
        skus = body["skus"]
        if not isinstance(skus, list) or not skus:
            raise ValueError("skus must be a non-empty list")
    except (ValueError, KeyError, TypeError) as error:
        return envelope(context, codes.INVALID_PARAMETER, f"Invalid parameter: {error}")
    planned: list[tuple[int, int]] = []
    for entry in skus:
        sku = shop.sku_of(str(entry.get("id", "")))
        if sku is None or sku not in shop.skus_of_product[product]:
            return envelope(
                context, codes.SKU_NOT_FOUND, f"SKU {entry.get('id')} does not belong to product."
            )
        for stock in entry.get("inventory", []):
            if stock.get("warehouse_id") != WAREHOUSE_ID:
                return envelope(
                    context,
                    codes.INVALID_WAREHOUSE,
                    f"Invalid warehouse_id {stock.get('warehouse_id')}.",
                )
            quantity = stock.get("quantity")
            if (
                not isinstance(quantity, int)
                or isinstance(quantity, bool)
                or not 0 <= quantity <= MAX_QUANTITY
            ):
                return envelope(
                    context,
                    codes.INVALID_PARAMETER,
                    f"Invalid parameter: quantity must be 0-{MAX_QUANTITY}.",
                )
            planned.append((sku, quantity))
    for sku, quantity in planned:
        if shop.world.set_displayed(shop.listing_of_sku[sku], quantity, now):
            request[METRICS].writes_applied += 1
    return envelope(context, codes.SUCCESS, "Success", {})


def routes() -> list[web.RouteDef]:
    return [
        web.post("/product/202309/products/search", search_products),
        web.post("/product/202309/inventory/search", search_inventory),
        web.post(r"/product/202309/products/{product_id}/inventory/update", update_inventory),
    ]
