"""Products, variants, inventory items, inventory levels and the location, as REST shows them.

A variant's `sku` is what the merchant typed into Shopify, which is not always the canonical
SKU; `inventory_quantity` and an inventory level's `available` are what the shop displays.
"""

from __future__ import annotations

from typing import Any

from sandbox.shopify import ids
from sandbox.shopify.shop import Shop
from sandbox.world import names
from sandbox.world.orders import list_price

LOCATION_NAME = "Tributary 3PL - Secaucus"


def handle(title: str, product: int) -> str:
    return f"{title.lower().replace(' ', '-')}-{product}"


def render_variant(shop: Shop, sku: int) -> dict[str, Any]:
    world = shop.world
    catalog = world.catalog
    listing = shop.listing_of_sku[sku]
    product = int(catalog.sku_product[sku])
    created = int(world.listings.created_at[listing])
    price = shop.money(list_price(catalog, sku, shop.spec))
    title = " / ".join(v for v in (catalog.sku_option1[sku], catalog.sku_option2[sku]) if v)
    quantity = int(world.displayed[listing])
    variant_id = ids.variant_id(sku)
    return {
        "id": variant_id,
        "product_id": ids.product_id(product),
        "title": title,
        "price": price,
        "position": int(catalog.sku_position[sku]),
        "inventory_policy": "deny",
        "compare_at_price": None,
        "option1": catalog.sku_option1[sku],
        "option2": catalog.sku_option2[sku],
        "option3": None,
        "created_at": shop.time(created),
        "updated_at": shop.time(created),
        "taxable": True,
        "barcode": shop.barcode(listing),
        "fulfillment_service": "manual",
        "grams": int(catalog.sku_grams[sku]),
        "inventory_management": "shopify",
        "requires_shipping": True,
        "sku": shop.seller_sku(listing),
        "weight": round(int(catalog.sku_grams[sku]) / 1000, 3),
        "weight_unit": "kg",
        "inventory_item_id": ids.inventory_item_id(sku),
        "inventory_quantity": quantity,
        "old_inventory_quantity": quantity,
        "presentment_prices": [
            {"price": {"amount": price, "currency_code": shop.currency}, "compare_at_price": None}
        ],
        "admin_graphql_api_id": ids.gid("ProductVariant", variant_id),
        "image_id": None,
    }


def product_updated_at(shop: Shop, product: int) -> int:
    world = shop.world
    created = int(world.catalog.product_created_at[product])
    listed = [
        int(world.listings.created_at[shop.listing_of_sku[s]])
        for s in shop.skus_of_product[product]
    ]
    return max([created, *listed])


def render_product(shop: Shop, product: int) -> dict[str, Any]:
    world = shop.world
    catalog = world.catalog
    skus = shop.skus_of_product[product]
    product_id = ids.product_id(product)
    title = catalog.product_title[product]
    created = int(catalog.product_created_at[product])
    updated = product_updated_at(shop, product)
    image_id = ids.IMAGE_BASE + product
    image = {
        "id": image_id,
        "alt": title,
        "position": 1,
        "product_id": product_id,
        "created_at": shop.time(created),
        "updated_at": shop.time(created),
        "admin_graphql_api_id": ids.gid("ProductImage", image_id),
        "width": 1200,
        "height": 1200,
        "src": f"https://cdn.shopify.com/s/files/1/0712/3456/products/{handle(title, product)}.jpg",
        "variant_ids": [],
    }
    option_names = ["Color", "Size"] if catalog.sku_option2[skus[0]] else ["Color"]
    if catalog.sku_option1[skus[0]] == "Default Title":
        option_names = ["Title"]
    options = []
    for position, name in enumerate(option_names, start=1):
        source = catalog.sku_option1 if position == 1 else catalog.sku_option2
        values = list(dict.fromkeys(str(source[s]) for s in skus))
        options.append(
            {
                "id": product_id * 10 + position,
                "product_id": product_id,
                "name": name,
                "position": position,
                "values": values,
            }
        )
    return {
        "id": product_id,
        "title": title,
        "body_html": f"<p>The {title}, built to last.</p>",
        "vendor": names.VENDOR,
        "product_type": catalog.product_type[product],
        "created_at": shop.time(created),
        "handle": handle(title, product),
        "updated_at": shop.time(updated),
        "published_at": shop.time(created),
        "template_suffix": None,
        "published_scope": "global",
        "tags": catalog.product_type[product].lower(),
        "status": "active",
        "admin_graphql_api_id": ids.gid("Product", product_id),
        "variants": [render_variant(shop, sku) for sku in skus],
        "options": options,
        "images": [image],
        "image": image,
    }


def render_inventory_item(shop: Shop, sku: int) -> dict[str, Any]:
    world = shop.world
    listing = shop.listing_of_sku[sku]
    created = int(world.listings.created_at[listing])
    item_id = ids.inventory_item_id(sku)
    return {
        "id": item_id,
        "sku": shop.seller_sku(listing),
        "created_at": shop.time(created),
        "updated_at": shop.time(created),
        "requires_shipping": True,
        "cost": shop.money(int(world.catalog.sku_cost_cents[sku])),
        "country_code_of_origin": None,
        "province_code_of_origin": None,
        "harmonized_system_code": None,
        "tracked": True,
        "country_harmonized_system_codes": [],
        "admin_graphql_api_id": ids.gid("InventoryItem", item_id),
    }


def render_inventory_level(shop: Shop, sku: int) -> dict[str, Any]:
    world = shop.world
    listing = shop.listing_of_sku[sku]
    item_id = ids.inventory_item_id(sku)
    return {
        "inventory_item_id": item_id,
        "location_id": ids.LOCATION_ID,
        "available": int(world.displayed[listing]),
        "updated_at": shop.time(int(world.listing_updated[listing])),
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{ids.LOCATION_ID}?inventory_item_id={item_id}",
    }


def render_location(shop: Shop) -> dict[str, Any]:
    created = shop.world.history_start - 400 * 86_400
    return {
        "id": ids.LOCATION_ID,
        "name": LOCATION_NAME,
        "address1": "500 Secaucus Road",
        "address2": None,
        "city": "Secaucus",
        "zip": "07094",
        "province": "New Jersey",
        "country": "US",
        "phone": None,
        "created_at": shop.time(created),
        "updated_at": shop.time(created),
        "country_code": "US",
        "country_name": "United States",
        "province_code": "NJ",
        "legacy": False,
        "active": True,
        "admin_graphql_api_id": ids.gid("Location", ids.LOCATION_ID),
        "localized_country_name": "United States",
        "localized_province_name": "New Jersey",
    }
