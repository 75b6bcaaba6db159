"""The marts' listing_key for a row of the sandbox's /truth/listings, and which listings do
not show their targets."""

from __future__ import annotations

from typing import Any

from tests.helpers.clients import Control


def listing_key(row: dict[str, Any]) -> str:
    key, store = row["key"], row["store_id"]
    if row["channel"] == "shopify":
        return f"shopify:{store}:{key['inventory_item_id']}@{key['location_id']}"
    if row["channel"] == "amazon":
        return f"amazon:{store}:{key['seller_sku']}"
    return f"tiktok_shop:{store}:{key['sku_id']}@{key['warehouse_id']}"


def off_target(control: Control, targets: dict[str, int]) -> dict[str, tuple[int | None, int]]:
    """listing_key -> (what it displays, its target), for each listing not at its target."""
    shown = {
        listing_key(row): row["displayed_quantity"]
        for row in control.get("/truth/listings")["listings"]
    }
    return {key: (shown.get(key), target) for key, target in targets.items()
            if shown.get(key) != target}  # fmt: skip
