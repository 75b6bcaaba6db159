"""Every channel's source, by slug. A new channel adds its package and one line here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlt_sources.amazon import amazon_source
from dlt_sources.shopify import shopify_source
from dlt_sources.tiktok_shop import tiktok_shop_source
from dlt_sources.warehouse import warehouse_source

SOURCES: dict[str, Callable[..., Any]] = {
    "shopify": shopify_source,
    "amazon": amazon_source,
    "tiktok_shop": tiktok_shop_source,
    "warehouse": warehouse_source,
}
