"""Amazon marketplaces and regions, and one marketplace's view of the world.

A seller's marketplaces are served by their region's endpoint (US by North America, DE by
Europe), and an authorization (refresh token) is per region, as on the real SP-API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from sandbox.amazon import ids
from sandbox.world.listings import MARKETPLACE
from sandbox.world.state import World
from sandbox.world.truth import money

SELLER_SKU_PREFIX = "AMZ"


@dataclass(frozen=True)
class MarketplaceSpec:
    storefront: str
    marketplace_id: str
    region: str
    domain: str
    sales_channel: str
    order_prefix: int
    salt: int
    fba_channel_code: str
    ship_service_level: str


MARKETPLACES = (
    MarketplaceSpec(
        "amazon_us",
        "ATVPDKIKX0DER",
        "na",
        "amazon.com",
        "Amazon.com",
        113,
        7_211,
        "AMAZON_NA",
        "Std US D2D Dom",
    ),
    MarketplaceSpec(
        "amazon_de",
        "A1PA6795UKMFR9",
        "eu",
        "amazon.de",
        "Amazon.de",
        302,
        9_137,
        "AMAZON_EU",
        "Std DE Dom",
    ),
)


class Marketplace:
    def __init__(self, world: World, spec: MarketplaceSpec) -> None:
        self.world = world
        self.spec = spec
        self.index = world.storefront_index(spec.storefront)
        self.storefront = world.storefronts[self.index]
        self.currency = self.storefront.currency

    @cached_property
    def listings(self) -> list[int]:
        """This marketplace's listings, sorted by seller SKU."""
        own = self.world.listings.of_storefront(self.index).tolist()
        return sorted(own, key=self.seller_sku)

    @cached_property
    def listing_of_seller_sku(self) -> dict[str, int]:
        return {self.seller_sku(listing): listing for listing in self.listings}

    def seller_sku(self, listing: int) -> str:
        return self.world.listings.seller_sku(listing, self.world.catalog, SELLER_SKU_PREFIX)

    def is_fba(self, listing: int) -> bool:
        return bool(self.world.listings.fulfilled_by[listing] == MARKETPLACE)

    def order_id(self, seq: int) -> str:
        return ids.order_id(self.spec.order_prefix, self.spec.salt, seq)

    def order_of(self, amazon_order_id: str) -> int | None:
        seq = ids.order_seq(amazon_order_id, self.spec.order_prefix, self.spec.salt)
        orders = self.world.orders_of(self.index)
        if seq is None or seq >= len(orders):
            return None
        return int(orders[seq])

    def money(self, cents: int) -> dict[str, str]:
        return {"CurrencyCode": self.currency, "Amount": money(cents)}


def iso(ts: int) -> str:
    """Amazon's timestamps: ISO 8601 in UTC with a Z."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> int:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
