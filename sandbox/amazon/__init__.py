"""Amazon Selling Partner API simulator: LWA, Orders v0, FBA inventory, Listings Items."""

from __future__ import annotations

from typing import Any

from sandbox.amazon import ids, lwa, region
from sandbox.amazon.auth import USAGE_PLANS, auth_state
from sandbox.amazon.marketplace import MARKETPLACES, SELLER_SKU_PREFIX, MarketplaceSpec
from sandbox.channel import Host
from sandbox.server.context import SandboxContext
from sandbox.world.spec import ListingPolicy, Storefront
from sandbox.world.state import World

STOREFRONTS = (
    Storefront(
        key="amazon_us",
        channel="amazon",
        store_id="ATVPDKIKX0DER",
        currency="USD",
        countries=("US",),
        order_share=0.30,
        listings=ListingPolicy(
            listed_share=0.7,
            barcode_only_share=0.12,
            unmappable_share=0.03,
            marketplace_fulfilled_share=0.25,
        ),
        home_location=0,
        taxes_included=False,
        tax_rate=0.0725,
        cancel_share=0.03,
        payment_delay_max_s=1_800,
    ),
    Storefront(
        key="amazon_de",
        channel="amazon",
        store_id="A1PA6795UKMFR9",
        currency="EUR",
        countries=("DE",),
        order_share=0.10,
        listings=ListingPolicy(
            listed_share=0.45,
            barcode_only_share=0.12,
            unmappable_share=0.03,
            marketplace_fulfilled_share=0.3,
        ),
        home_location=1,
        taxes_included=True,
        tax_rate=0.19,
        price_factor=0.95,
        cancel_share=0.03,
        payment_delay_max_s=1_800,
    ),
)


def _spec(world: World, storefront: int) -> MarketplaceSpec:
    key = world.storefronts[storefront].key
    return next(spec for spec in MARKETPLACES if spec.storefront == key)


class AmazonSimulator:
    slug = "amazon"
    storefronts = STOREFRONTS
    locations = ()

    def hosts(self) -> list[Host]:
        return [
            Host("lwa", lwa.build_app),
            Host("na", lambda context: region.build_app(context, "na")),
            Host("eu", lambda context: region.build_app(context, "eu")),
        ]

    def order_id(self, world: World, order: int) -> str:
        spec = _spec(world, int(world.orders["storefront"][order]))
        return ids.order_id(spec.order_prefix, spec.salt, int(world.orders["seq"][order]))

    def listing_key(self, world: World, listing: int) -> dict[str, Any]:
        spec = _spec(world, int(world.listings.storefront[listing]))
        return {
            "marketplace_id": spec.marketplace_id,
            "seller_sku": world.listings.seller_sku(listing, world.catalog, SELLER_SKU_PREFIX),
            "asin": ids.asin(world.listing_sku(listing)),
        }

    def manifest(self, context: SandboxContext, base_urls: dict[str, str]) -> dict[str, Any]:
        credentials = auth_state(context).credentials
        manifest: dict[str, Any] = {
            "lwa_url": f"{base_urls['lwa']}/auth/o2/token",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "seller_id": credentials.seller_id,
            "regions": {
                name: {
                    "endpoint": base_urls[name],
                    "refresh_token": credentials.refresh_tokens[name],
                    "marketplace_ids": [s.marketplace_id for s in MARKETPLACES if s.region == name],
                }
                for name in ("na", "eu")
            },
            # Usage plans per real second on this sandbox's clock: (rate, burst).
            "rate_limits": {
                operation: {"rate": context.clock.wire_rate(rate), "burst": burst}
                for operation, (rate, burst) in USAGE_PLANS.items()
            },
        }
        queue = context.webhooks.sqs_manifest() if context.webhooks is not None else None
        if queue is not None:
            # Where SP-API notifications (ORDER_CHANGE) go once subscribed: a local SQS.
            manifest["notifications"] = queue
        return manifest


SIMULATOR = AmazonSimulator()
