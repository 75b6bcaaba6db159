"""Amazon-native identifiers: 3-7-7 order ids, 14-digit order item ids, ASINs, FNSKUs.

Order ids are an invertible scramble of the storefront's sequence number (multiplication by a
unit modulo 10^14), so they look random like Amazon's and still lead back to the world order.
"""

from __future__ import annotations

import hashlib

SPAN = 10**14
MULTIPLIER = 6_364_136_223_846_793  # odd and not a multiple of 5: invertible modulo 10^14
INVERSE = pow(MULTIPLIER, -1, SPAN)
ITEM_MULTIPLIER = 2_862_933_555_777_941
ASIN_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def order_id(prefix: int, salt: int, seq: int) -> str:
    scrambled = (seq * MULTIPLIER + salt) % SPAN
    digits = f"{scrambled:014d}"
    return f"{prefix}-{digits[:7]}-{digits[7:]}"


def order_seq(identifier: str, prefix: int, salt: int) -> int | None:
    parts = identifier.split("-")
    if len(parts) != 3 or parts[0] != str(prefix) or not (parts[1] + parts[2]).isdigit():
        return None
    if len(parts[1]) != 7 or len(parts[2]) != 7:
        return None
    return ((int(parts[1] + parts[2]) - salt) * INVERSE) % SPAN


def order_item_id(line: int) -> str:
    return f"{(line * ITEM_MULTIPLIER + 31_337) % SPAN:014d}"


def _code(prefix: str, name: str) -> str:
    """A stable 10-character Amazon code: the prefix and eight characters hashed from `name`."""
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    chars = []
    for _ in range(8):
        digest, remainder = divmod(digest, len(ASIN_ALPHABET))
        chars.append(ASIN_ALPHABET[remainder])
    return prefix + "".join(chars)


def asin(sku: int) -> str:
    """One ASIN per product variant, the same in every marketplace."""
    return _code("B0", f"asin:{sku}")


def fnsku(listing: int) -> str:
    """Amazon's fulfilment-network SKU, one per FBA listing."""
    return _code("X0", f"fnsku:{listing}")


def relay_email(person: int, domain: str) -> str:
    """The masked address Amazon shows sellers instead of the buyer's own."""
    local = hashlib.sha256(f"relay:{person}".encode()).hexdigest()[:16]
    return f"{local}@marketplace.{domain}"
