"""Build each channel's writer from its settings (the `channels` layout ingestion reads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from channels.amazon.client import AmazonClient
from channels.amazon.config import AmazonAccount
from channels.deadline import Deadline
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
    channel: str,
    settings: Mapping[str, Any],
    run_id: str,
    policy: RetryPolicy | None = None,
    deadline: Deadline | None = None,
) -> Writer:
    """The writer of `channel`; its clients give up at `deadline` (the push's per-channel one)."""
    if channel == "shopify":
        shared = dict(settings)
        stores = [ShopifyStore.from_mapping(store, shared) for store in settings["stores"]]
        return ShopifyWriter(
            {
                store.store_id: ShopifyClient(store, policy=policy, deadline=deadline)
                for store in stores
            },
            run_id,
        )
    if channel == "amazon":
        account = AmazonAccount.from_mapping(dict(settings))
        push = settings.get("push") or {}
        return AmazonWriter(
            AmazonClient(account, policy=policy, deadline=deadline),
            feed_threshold=int(push.get("feed_threshold", 1_000)),
            feed_poll_s=float(push.get("feed_poll_s", 30.0)),
        )
    if channel == "tiktok_shop":
        shop = TikTokShopClient(
            TikTokShopConfig.from_mapping(dict(settings)), policy=policy, deadline=deadline
        )
        return TikTokShopWriter({str(shop.shop["id"]): shop})
    raise ValueError(f"no stock writer for channel {channel!r}; writable: {', '.join(WRITABLE)}")
