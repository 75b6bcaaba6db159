"""GraphQL objects for the shop, its catalog, inventory, locations and customers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLResolveInfo

from sandbox.shopify import ids
from sandbox.shopify.graphql.connection import Connection, connection
from sandbox.shopify.inventory import on_hand
from sandbox.shopify.render_catalog import LOCATION_NAME, handle, product_updated_at
from sandbox.shopify.render_customers import customer_index
from sandbox.shopify.shop import SHOP_NAME, Shop
from sandbox.world import names
from sandbox.world.orders import list_price


def utc(ts: int | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def money_bag(shop: Shop, cents: int) -> dict[str, dict[str, str]]:
    amount = shop.money(cents)
    money = {"amount": amount, "currencyCode": shop.currency}
    return {"shopMoney": money, "presentmentMoney": dict(money)}


def mailing_address(shop: Shop, person: int) -> dict[str, Any]:
    address = shop.address(person)
    return {
        "firstName": address["first_name"],
        "lastName": address["last_name"],
        "name": address["name"],
        "company": None,
        "address1": address["address1"],
        "address2": "",
        "city": address["city"],
        "province": address["province"],
        "provinceCode": address["province_code"],
        "country": address["country"],
        "countryCodeV2": address["country_code"],
        "zip": address["zip"],
        "phone": address["phone"],
        "latitude": address["latitude"],
        "longitude": address["longitude"],
    }


class ShopNode:
    def __init__(self, shop: Shop) -> None:
        self.id = "gid://shopify/Shop/48859249"
        self.name = SHOP_NAME
        self.myshopifyDomain = f"{shop.handle}.myshopify.com"
        self.currencyCode = shop.currency
        self.ianaTimezone = shop.spec.timezone


class LocationNode:
    def __init__(self, shop: Shop) -> None:
        self.legacyResourceId = ids.LOCATION_ID
        self.id = ids.gid("Location", ids.LOCATION_ID)
        self.name = LOCATION_NAME
        self.isActive = True
        self.address = {
            "address1": "500 Secaucus Road",
            "city": "Secaucus",
            "province": "New Jersey",
            "zip": "07094",
            "countryCode": "US",
        }


class ProductNode:
    def __init__(self, shop: Shop, product: int) -> None:
        catalog = shop.world.catalog
        self.shop = shop
        self.product = product
        self.legacyResourceId = ids.product_id(product)
        self.id = ids.gid("Product", self.legacyResourceId)
        self.title = catalog.product_title[product]
        self.handle = handle(self.title, product)
        self.productType = catalog.product_type[product]
        self.vendor = names.VENDOR
        self.status = "ACTIVE"
        self.tags = [self.productType.lower()]
        self.createdAt = utc(int(catalog.product_created_at[product]))

    updatedAt = property(lambda self: utc(product_updated_at(self.shop, self.product)))

    def variants(self, info: GraphQLResolveInfo, **page: Any) -> Connection:
        skus = sorted(self.shop.skus_of_product.get(self.product, []))
        return connection(info, skus, lambda sku: VariantNode(self.shop, sku), **page)


class VariantNode:
    def __init__(self, shop: Shop, sku: int) -> None:
        self.shop = shop
        self.sku_index = sku
        self.listing = shop.listing_of_sku[sku]
        self.legacyResourceId = ids.variant_id(sku)
        self.id = ids.gid("ProductVariant", self.legacyResourceId)

    @property
    def _catalog(self) -> Any:
        return self.shop.world.catalog

    @property
    def title(self) -> str:
        catalog = self._catalog
        return " / ".join(
            v
            for v in (catalog.sku_option1[self.sku_index], catalog.sku_option2[self.sku_index])
            if v
        )

    sku = property(lambda self: self.shop.seller_sku(self.listing))
    barcode = property(lambda self: self.shop.barcode(self.listing))
    price = property(
        lambda self: self.shop.money(list_price(self._catalog, self.sku_index, self.shop.spec))
    )
    position = property(lambda self: int(self._catalog.sku_position[self.sku_index]))
    inventoryQuantity = property(lambda self: int(self.shop.world.displayed[self.listing]))
    createdAt = property(lambda self: utc(int(self.shop.world.listings.created_at[self.listing])))
    updatedAt = createdAt

    @property
    def selectedOptions(self) -> list[dict[str, str]]:
        catalog = self._catalog
        first = catalog.sku_option1[self.sku_index]
        if first == "Default Title":
            return [{"name": "Title", "value": first}]
        options = [{"name": "Color", "value": first}]
        if catalog.sku_option2[self.sku_index]:
            options.append({"name": "Size", "value": str(catalog.sku_option2[self.sku_index])})
        return options

    product = property(
        lambda self: ProductNode(self.shop, int(self._catalog.sku_product[self.sku_index]))
    )
    inventoryItem = property(lambda self: InventoryItemNode(self.shop, self.sku_index))


class InventoryItemNode:
    def __init__(self, shop: Shop, sku: int) -> None:
        self.shop = shop
        self.sku_index = sku
        self.listing = shop.listing_of_sku[sku]
        self.legacyResourceId = ids.inventory_item_id(sku)
        self.id = ids.gid("InventoryItem", self.legacyResourceId)
        self.tracked = True

    sku = property(lambda self: self.shop.seller_sku(self.listing))
    createdAt = property(lambda self: utc(int(self.shop.world.listings.created_at[self.listing])))
    updatedAt = createdAt
    variant = property(lambda self: VariantNode(self.shop, self.sku_index))

    def inventoryLevel(self, info: GraphQLResolveInfo, locationId: str) -> Any:
        if locationId != ids.gid("Location", ids.LOCATION_ID):
            return None
        return InventoryLevelNode(self.shop, self.sku_index)

    def inventoryLevels(self, info: GraphQLResolveInfo, **page: Any) -> Connection:
        return connection(
            info, [ids.LOCATION_ID], lambda _: InventoryLevelNode(self.shop, self.sku_index), **page
        )


class InventoryLevelNode:
    def __init__(self, shop: Shop, sku: int) -> None:
        self.shop = shop
        self.sku_index = sku
        self.listing = shop.listing_of_sku[sku]
        item = ids.inventory_item_id(sku)
        self.id = f"gid://shopify/InventoryLevel/{ids.LOCATION_ID}?inventory_item_id={item}"

    createdAt = property(lambda self: utc(int(self.shop.world.listings.created_at[self.listing])))
    updatedAt = property(lambda self: utc(int(self.shop.world.listing_updated[self.listing])))
    item = property(lambda self: InventoryItemNode(self.shop, self.sku_index))
    location = property(lambda self: LocationNode(self.shop))

    def quantities(self, info: GraphQLResolveInfo, names: list[str]) -> list[dict[str, Any]]:
        world = self.shop.world
        available = int(world.displayed[self.listing])
        committed = int(world.committed_by_listing[self.listing])
        values = {
            "available": available,
            "committed": committed,
            "on_hand": on_hand(self.shop, self.sku_index),
            "incoming": 0,
            "reserved": 0,
            "damaged": 0,
            "safety_stock": 0,
            "quality_control": 0,
        }
        return [
            {
                "id": f"{self.id}&name={name}",
                "name": name,
                "quantity": values[name],
                "updatedAt": self.updatedAt,
            }
            for name in names
            if name in values
        ]


class CustomerNode:
    def __init__(self, shop: Shop, person: int, now: int) -> None:
        people = shop.world.people
        index = customer_index(shop, now)
        self.shop = shop
        self.person = person
        self.legacyResourceId = ids.customer_id(person)
        self.id = ids.gid("Customer", self.legacyResourceId)
        self.firstName = people.first(person)
        self.lastName = people.last(person)
        self.displayName = f"{self.firstName} {self.lastName}"
        self.email = people.email(person)
        self.phone = people.phone_e164(person)
        self.createdAt = utc(index.created_at(person))
        self.updatedAt = utc(index.updated_at(person))
        self.numberOfOrders = int(index.orders_count[person])
        self.amountSpent = {
            "amount": shop.money(int(index.total_spent_cents[person])),
            "currencyCode": shop.currency,
        }
        self.state = "DISABLED"
        self.verifiedEmail = True
        self.tags: list[str] = []

    defaultAddress = property(lambda self: mailing_address(self.shop, self.person))
