"""Build each channel's writer from its settings (the `channels` layout ingestion reads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from channels.amazon.client import AmazonClient
from channels.amazon.config import AmazonAccount
from channels.retry import RetryPolicy
from channels.shopify.client import ShopifyClient
from channels.shopify.config import ShopifyStore
from channels.tiktok_shop.client import TikTokShopClient
from channels.tiktok_shop.config import TikTokShopConfig
from reverse_etl.writers import Writer
from reverse_etl.writers.amazon import AmazonWriter
from reverse_etl.writers.shopify import ShopifyWriter
from reverse_etl.writers.tiktok_shop import TikTokShopWriter

WRITABLE = ("shopify", "amazon", "tiktok_shop")


def build_writer(
    channel: str, settings: Mapping[str, Any], run_id: str, policy: RetryPolicy | None = None
) -> Writer:
    if channel == "shopify":
        shared = dict(settings)
        stores = [ShopifyStore.from_mapping(store, shared) for store in settings["stores"]]
        return ShopifyWriter(
            {store.store_id: ShopifyClient(store, policy=policy) for store in stores}, run_id
        )
    if channel == "amazon":
        return AmazonWriter(AmazonClient(AmazonAccount.from_mapping(dict(settings)), policy=policy))
    if channel == "tiktok_shop":
        client = TikTokShopClient(TikTokShopConfig.from_mapping(dict(settings)), policy=policy)
        return TikTokShopWriter({str(client.shop["id"]): client})
    raise ValueError(f"no stock writer for channel {channel!r}; writable: {', '.join(WRITABLE)}")
