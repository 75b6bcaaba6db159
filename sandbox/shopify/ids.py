"""Shopify-native ids for world objects: large integers, increasing with creation like Shopify's.

Each kind of object gets its own range so an id can never be mistaken for another kind's, and
every formula is invertible so a request for `orders/{id}.json` finds its world order.
"""

from __future__ import annotations

ORDER_BASE = 5_900_000_000_000
ORDER_STEP = 1_000
LINE_ITEM_BASE = 14_800_000_000_000
PRODUCT_BASE = 7_400_000_000_000
VARIANT_BASE = 42_000_000_000_000
INVENTORY_ITEM_BASE = 44_000_000_000_000
CUSTOMER_BASE = 7_100_000_000_000
FULFILLMENT_BASE = 5_500_000_000_000
REFUND_BASE = 930_000_000_000
TRANSACTION_BASE = 6_800_000_000_000
LOCATION_ID = 70_918_422_634
SHIPPING_LINE_BASE = 4_700_000_000_000
ADDRESS_BASE = 8_800_000_000_000
IMAGE_BASE = 31_000_000_000_000


def order_id(seq: int) -> int:
    # A small deterministic jitter keeps ids increasing without being a visible sequence.
    return ORDER_BASE + seq * ORDER_STEP + (seq * 7_919) % 997


def order_seq(identifier: int) -> int | None:
    seq, jitter = divmod(identifier - ORDER_BASE, ORDER_STEP)
    if seq < 0 or (seq * 7_919) % 997 != jitter:
        return None
    return seq


def line_item_id(line: int) -> int:
    return LINE_ITEM_BASE + line * 97


def product_id(product: int) -> int:
    return PRODUCT_BASE + product * 1_117


def product_index(identifier: int) -> int | None:
    index, rest = divmod(identifier - PRODUCT_BASE, 1_117)
    return index if index >= 0 and rest == 0 else None


def variant_id(sku: int) -> int:
    return VARIANT_BASE + sku * 313


def inventory_item_id(sku: int) -> int:
    return INVENTORY_ITEM_BASE + sku * 271


def inventory_item_sku(identifier: int) -> int | None:
    sku, rest = divmod(identifier - INVENTORY_ITEM_BASE, 271)
    return sku if sku >= 0 and rest == 0 else None


def customer_id(person: int) -> int:
    return CUSTOMER_BASE + person * 131


def customer_person(identifier: int) -> int | None:
    person, rest = divmod(identifier - CUSTOMER_BASE, 131)
    return person if person >= 0 and rest == 0 else None


def fulfillment_id(order: int, shipment: int) -> int:
    return FULFILLMENT_BASE + order * 4 + shipment


def refund_id(order: int) -> int:
    return REFUND_BASE + order


def transaction_id(order: int, kind: int) -> int:
    return TRANSACTION_BASE + order * 4 + kind


def shipping_line_id(order: int) -> int:
    return SHIPPING_LINE_BASE + order


def address_id(person: int) -> int:
    return ADDRESS_BASE + person * 7


def gid(kind: str, identifier: int) -> str:
    return f"gid://shopify/{kind}/{identifier}"
