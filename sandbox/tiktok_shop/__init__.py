"""TikTok Shop Open API (202309) simulator: tokens, shops, orders, products, inventory."""

from __future__ import annotations

from typing import Any

from sandbox.channel import Host
from sandbox.server.context import SandboxContext
from sandbox.tiktok_shop import api
from sandbox.tiktok_shop import auth as auth_host
from sandbox.tiktok_shop.auth import SHOP_ID, auth_state
from sandbox.tiktok_shop.shop import SELLER_SKU_PREFIX, WAREHOUSE_ID, TikTokShop
from sandbox.world.spec import ListingPolicy, Storefront
from sandbox.world.state import World

STOREFRONT = Storefront(
    key="tiktok_shop",
    channel="tiktok_shop",
    store_id=SHOP_ID,
    currency="GBP",
    countries=("GB",),
    order_share=0.15,
    listings=ListingPolicy(listed_share=0.5, barcode_only_share=0.08, unmappable_share=0.02),
    home_location=1,
    taxes_included=True,
    tax_rate=0.20,
    price_factor=0.82,
    cancel_share=0.06,
    payment_delay_max_s=3_600,
    line_per_unit=True,
)


class TikTokShopSimulator:
    slug = "tiktok_shop"
    storefronts = (STOREFRONT,)
    locations = ()

    def hosts(self) -> list[Host]:
        return [Host("auth", auth_host.build_app), Host("api", api.build_app)]

    def order_id(self, world: World, order: int) -> str:
        return TikTokShop.order_id(int(world.orders["seq"][order]))

    def listing_key(self, world: World, listing: int) -> dict[str, Any]:
        sku = world.listing_sku(listing)
        return {
            "product_id": TikTokShop.product_id(int(world.catalog.sku_product[sku])),
            "sku_id": TikTokShop.sku_id(sku),
            "warehouse_id": WAREHOUSE_ID,
            "seller_sku": world.listings.seller_sku(listing, world.catalog, SELLER_SKU_PREFIX),
        }

    def manifest(self, context: SandboxContext, base_urls: dict[str, str]) -> dict[str, Any]:
        auth = auth_state(context)
        qps = float(context.channel_option(self.slug, "qps", api.DEFAULT_QPS))
        return {
            "auth_url": base_urls["auth"],
            "api_url": base_urls["api"],
            "app_key": auth.app_key,
            "app_secret": auth.app_secret,
            "auth_code": auth.auth_code,
            "refresh_token": auth.refresh_token,
            "shop_id": auth.shop_id,
            "currency": STOREFRONT.currency,
            "rate_limits": {"requests_per_second": context.clock.wire_rate(qps), "burst": qps},
        }


SIMULATOR = TikTokShopSimulator()
