"""Amazon Selling Partner API client: LWA tokens per region, per-operation usage plans."""

from channels.amazon.client import AmazonClient
from channels.amazon.config import AmazonAccount, AmazonRegion

__all__ = ["AmazonAccount", "AmazonClient", "AmazonRegion"]
