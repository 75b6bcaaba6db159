"""TikTok Shop Open API client: signed requests, access tokens, shop cipher, page tokens."""

from channels.tiktok_shop.client import TikTokShopClient
from channels.tiktok_shop.config import TikTokShopConfig

__all__ = ["TikTokShopClient", "TikTokShopConfig"]
