"""Shopify Admin API simulator: REST (orders, catalog, customers, inventory) and GraphQL
(cost-throttled queries, bulk operations, `inventorySetQuantities`)."""

from __future__ import annotations

from typing import Any

from sandbox.channel import Host
from sandbox.server.context import SandboxContext
from sandbox.shopify import ids
from sandbox.shopify.host import PLANS, access_token, build_app, webhook_secret
from sandbox.shopify.shop import SELLER_SKU_PREFIX
from sandbox.world.spec import ListingPolicy, Storefront
from sandbox.world.state import World

API_VERSION = "2026-07"

STOREFRONT = Storefront(
    key="shopify",
    channel="shopify",
    store_id="tributary-outfitters",
    currency="USD",
    countries=("US", "GB", "DE"),
    order_share=0.45,
    listings=ListingPolicy(listed_share=0.92, barcode_only_share=0.03, unmappable_share=0.01),
    home_location=0,
    taxes_included=False,
    tax_rate=0.0725,
    timezone="America/New_York",
    cancel_share=0.04,
    refund_share=0.06,
    partial_share=0.12,
    payment_delay_max_s=600,
)


class ShopifySimulator:
    slug = "shopify"
    storefronts = (STOREFRONT,)
    locations = ()

    def hosts(self) -> list[Host]:
        return [
            Host(
                "admin",
                lambda context: build_app(context, context.world.storefront_index("shopify")),
            )
        ]

    def order_id(self, world: World, order: int) -> str:
        return str(ids.order_id(int(world.orders["seq"][order])))

    def listing_key(self, world: World, listing: int) -> dict[str, Any]:
        sku = world.listing_sku(listing)
        return {
            "variant_id": ids.variant_id(sku),
            "inventory_item_id": ids.inventory_item_id(sku),
            "location_id": ids.LOCATION_ID,
            "sku": world.listings.seller_sku(listing, world.catalog, SELLER_SKU_PREFIX),
        }

    def manifest(self, context: SandboxContext, base_urls: dict[str, str]) -> dict[str, Any]:
        plan_name = context.channel_option(self.slug, "plan", "standard")
        plan = PLANS[plan_name]
        clock = context.clock
        return {
            "stores": [
                {
                    "store_id": STOREFRONT.store_id,
                    "shop_domain": f"{STOREFRONT.store_id}.myshopify.com",
                    "base_url": base_urls["admin"],
                    "api_version": API_VERSION,
                    "access_token": access_token(context),
                    "location_ids": [ids.LOCATION_ID],
                    "currency": STOREFRONT.currency,
                }
            ],
            "plan": plan_name,
            # The app's client secret, which signs webhooks (`X-Shopify-Hmac-Sha256`).
            "webhook_secret": webhook_secret(context),
            # What the plan allows, per real second on this sandbox's clock.
            "rate_limits": {
                "rest_bucket_size": plan.rest_bucket,
                "rest_leak_per_second": clock.wire_rate(plan.rest_leak_per_s),
                "graphql_bucket_size": plan.graphql_bucket,
                "graphql_restore_per_second": clock.wire_rate(plan.graphql_restore_per_s),
            },
        }


SIMULATOR = ShopifySimulator()
