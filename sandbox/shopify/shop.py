"""One Shopify shop's view of the world: its listings, products, customers and clock format.

Shopify REST renders timestamps in the shop's own timezone (`2026-09-21T10:13:20-04:00`),
money as decimal strings, ids as integers; every renderer goes through this view so the
formats live in one place.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from sandbox.world import names
from sandbox.world.state import World
from sandbox.world.truth import money

SHOP_NAME = names.VENDOR
SELLER_SKU_PREFIX = "SHP"


class Shop:
    def __init__(self, world: World, storefront: int) -> None:
        self.world = world
        self.index = storefront
        self.spec = world.storefronts[storefront]
        self.tz = ZoneInfo(self.spec.timezone)
        self.handle = self.spec.store_id
        self.currency = self.spec.currency
        self._addresses: dict[int, dict[str, object]] = {}

    # ---- catalog --------------------------------------------------------------------------

    @cached_property
    def listing_of_sku(self) -> dict[int, int]:
        own = self.world.listings.of_storefront(self.index)
        return {int(self.world.listings.sku[listing]): int(listing) for listing in own}

    @cached_property
    def products(self) -> list[int]:
        """Catalog products with at least one variant listed in this shop, by id."""
        catalog = self.world.catalog
        return sorted({int(catalog.sku_product[sku]) for sku in self.listing_of_sku})

    @cached_property
    def skus_of_product(self) -> dict[int, list[int]]:
        catalog = self.world.catalog
        grouped: dict[int, list[int]] = {}
        for sku in sorted(self.listing_of_sku, key=lambda s: (int(catalog.sku_position[s]), s)):
            grouped.setdefault(int(catalog.sku_product[sku]), []).append(sku)
        return grouped

    @cached_property
    def skus_sorted(self) -> np.ndarray:
        return np.array(sorted(self.listing_of_sku), np.int64)

    def seller_sku(self, listing: int) -> str:
        return self.world.listings.seller_sku(listing, self.world.catalog, SELLER_SKU_PREFIX)

    def barcode(self, listing: int) -> str | None:
        return self.world.listings.barcode(listing, self.world.catalog)

    # ---- orders ---------------------------------------------------------------------------

    def orders(self) -> np.ndarray:
        return self.world.orders_of(self.index)

    def order_at(self, seq: int) -> int | None:
        orders = self.orders()
        return int(orders[seq]) if 0 <= seq < len(orders) else None

    # ---- formats --------------------------------------------------------------------------

    def time(self, ts: int) -> str:
        """A timestamp in the shop's timezone; an order repeats several, so they are cached."""
        return _shop_time(int(ts), self.tz)

    def money(self, cents: int) -> str:
        return money(cents)

    def money_set(self, cents: int) -> dict[str, dict[str, str]]:
        """Shopify's MoneySet; shared, read-only objects (renderers never mutate them)."""
        return _money_set(int(cents), self.currency)

    def address(self, person: int) -> dict[str, object]:
        """A person's address as Shopify shows it; a shared, read-only dict per person."""
        cached = self._addresses.get(person)
        if cached is None:
            cached = self._addresses[person] = self._build_address(person)
        return cached

    def _build_address(self, person: int) -> dict[str, object]:
        people = self.world.people
        country = people.country_code(person)
        city = people.city_of(person)
        latitude, longitude = _city_coordinates(country, int(people.city[person]))
        return {
            "first_name": people.first(person),
            "address1": people.street_line(person),
            "phone": local_phone(people.phone_e164(person), country),
            "city": city.name,
            "zip": people.postcode(person),
            "province": city.region if country == "US" else None,
            "country": names.COUNTRY_NAMES[country],
            "last_name": people.last(person),
            "address2": "",
            "company": None,
            "latitude": latitude,
            "longitude": longitude,
            "name": f"{people.first(person)} {people.last(person)}",
            "country_code": country,
            "province_code": city.region_code if country == "US" else None,
        }


@lru_cache(maxsize=1 << 14)
def _shop_time(ts: int, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).isoformat()


@lru_cache(maxsize=1 << 16)
def _money_set(cents: int, currency: str) -> dict[str, dict[str, str]]:
    amount = money(cents)
    return {
        "shop_money": {"amount": amount, "currency_code": currency},
        "presentment_money": {"amount": amount, "currency_code": currency},
    }


def local_phone(e164: str, country: str) -> str:
    """How a shopper types their number into a checkout form: national format, with spaces."""
    digits = e164.removeprefix("+1").removeprefix("+49").removeprefix("+44")
    if country == "US":
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return f"0{digits[:4]} {digits[4:]}"


def _city_coordinates(country: str, city: int) -> tuple[float, float]:
    base = {"US": (38.0, -95.0), "DE": (51.0, 10.0), "GB": (53.0, -1.5)}[country]
    return round(base[0] + (city * 1.37) % 6 - 3, 5), round(base[1] + (city * 2.11) % 10 - 5, 5)
