"""The TikTok shop's view of the world: native ids, listings by product and SKU, formats.

TikTok ids are decimal strings of 18-19 digits. Orders show one line item per unit, so a line
of three units becomes three line items with their own ids.
"""

from __future__ import annotations

from functools import cached_property

from sandbox.world.state import World
from sandbox.world.truth import money

ORDER_BASE = 576_461_000_000_000_000
LINE_ITEM_BASE = 577_900_000_000_000_000
PRODUCT_BASE = 1_729_400_000_000_000_000
SKU_BASE = 1_729_500_000_000_000_000
WAREHOUSE_ID = "7068517275539719942"
USER_BASE = 7_021_436_000_000_000_000
SELLER_SKU_PREFIX = "TT"
MAX_UNITS_PER_LINE = 10


class TikTokShop:
    def __init__(self, world: World, storefront: int) -> None:
        self.world = world
        self.index = storefront
        self.spec = world.storefronts[storefront]
        self.currency = self.spec.currency

    @cached_property
    def listing_of_sku(self) -> dict[int, int]:
        own = self.world.listings.of_storefront(self.index)
        return {int(self.world.listings.sku[listing]): int(listing) for listing in own}

    @cached_property
    def skus_of_product(self) -> dict[int, list[int]]:
        catalog = self.world.catalog
        grouped: dict[int, list[int]] = {}
        for sku in sorted(self.listing_of_sku):
            grouped.setdefault(int(catalog.sku_product[sku]), []).append(sku)
        return grouped

    @cached_property
    def products(self) -> list[int]:
        return sorted(self.skus_of_product)

    def seller_sku(self, listing: int) -> str:
        return self.world.listings.seller_sku(listing, self.world.catalog, SELLER_SKU_PREFIX)

    @staticmethod
    def order_id(seq: int) -> str:
        return str(ORDER_BASE + seq * 7_919)

    def order_of(self, identifier: str) -> int | None:
        if not identifier.isdigit():
            return None
        seq, rest = divmod(int(identifier) - ORDER_BASE, 7_919)
        orders = self.world.orders_of(self.index)
        return int(orders[seq]) if rest == 0 and 0 <= seq < len(orders) else None

    @staticmethod
    def line_item_id(line: int, unit: int) -> str:
        return str(LINE_ITEM_BASE + line * MAX_UNITS_PER_LINE + unit)

    @staticmethod
    def product_id(product: int) -> str:
        return str(PRODUCT_BASE + product * 131)

    def product_of(self, identifier: str) -> int | None:
        if not identifier.isdigit():
            return None
        product, rest = divmod(int(identifier) - PRODUCT_BASE, 131)
        return product if rest == 0 and product in self.skus_of_product else None

    @staticmethod
    def sku_id(sku: int) -> str:
        return str(SKU_BASE + sku * 137)

    def sku_of(self, identifier: str) -> int | None:
        if not identifier.isdigit():
            return None
        sku, rest = divmod(int(identifier) - SKU_BASE, 137)
        return sku if rest == 0 and sku in self.listing_of_sku else None

    @staticmethod
    def user_id(person: int) -> str:
        return str(USER_BASE + person * 53)

    @staticmethod
    def amount(cents: int) -> str:
        return money(cents)
