"""Shopify Admin API client: REST (Link pagination, leaky bucket), GraphQL (cost budget) and
bulk operations for history."""

from channels.shopify.client import ShopifyClient
from channels.shopify.config import ShopifyStore

__all__ = ["ShopifyClient", "ShopifyStore"]
