"""What a world is made of: its scale and the storefronts that take orders in it.

A storefront is one place a shopper can buy: a Shopify shop, one Amazon marketplace, one TikTok
shop. The world is generic; each channel simulator declares its storefronts (see
`sandbox.registry`), so a new channel adds storefronts without touching the world code.
"""

from __future__ import annotations

from dataclasses import dataclass

HOUR = 3600
DAY = 24 * HOUR

# The world's "now" when a sandbox starts. Fixed, so that the same seed gives the same bytes.
WORLD_START = 1_790_000_000  # 2026-09-21T14:13:20Z


@dataclass(frozen=True)
class Scale:
    """Size of a world. Orders are spread over `history_days` before the world start."""

    name: str
    skus: int
    orders: int
    customers: int
    history_days: int = 90


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", skus=40, orders=300, customers=120, history_days=30),
    "small": Scale("small", skus=200, orders=2_000, customers=600),
    "medium": Scale("medium", skus=2_000, orders=200_000, customers=60_000),
    "large": Scale("large", skus=10_000, orders=2_000_000, customers=600_000),
}


@dataclass(frozen=True)
class ListingPolicy:
    """How messy a storefront's listings are, as shares of the SKUs it lists.

    `barcode_only_share`: the seller SKU differs from the canonical SKU; only the GTIN matches.
    `unmappable_share`: neither seller SKU nor barcode matches anything (legacy listings).
    `marketplace_fulfilled_share`: the marketplace holds and ships the stock (Amazon FBA).
    """

    listed_share: float
    barcode_only_share: float = 0.0
    unmappable_share: float = 0.0
    marketplace_fulfilled_share: float = 0.0


@dataclass(frozen=True)
class Storefront:
    """One shop or marketplace of a channel, as the world sees it."""

    key: str
    channel: str
    store_id: str
    currency: str
    countries: tuple[str, ...]
    order_share: float
    listings: ListingPolicy
    home_location: int = 0
    taxes_included: bool = False
    tax_rate: float = 0.0
    price_factor: float = 1.0
    timezone: str = "UTC"
    # Shares of orders that end a certain way; the rest are fulfilled normally.
    cancel_share: float = 0.04
    refund_share: float = 0.0
    partial_share: float = 0.12
    payment_delay_max_s: int = 1_800
    line_per_unit: bool = False  # the channel shows one line item per unit (TikTok Shop)


@dataclass(frozen=True)
class WarehouseLocation:
    """A 3PL/WMS location holding physical stock."""

    code: str
    name: str
    country: str
