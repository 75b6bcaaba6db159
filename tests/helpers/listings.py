"""The marts' listing_key for a row of the sandbox's /truth/listings."""

from __future__ import annotations

from typing import Any


def listing_key(row: dict[str, Any]) -> str:
    key, store = row["key"], row["store_id"]
    if row["channel"] == "shopify":
        return f"shopify:{store}:{key['inventory_item_id']}@{key['location_id']}"
    if row["channel"] == "amazon":
        return f"amazon:{store}:{key['seller_sku']}"
    return f"tiktok_shop:{store}:{key['sku_id']}@{key['warehouse_id']}"
