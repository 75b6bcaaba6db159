"""Identifiers for events and deliveries: deterministic per seed and sequence, unique per run.

Each channel formats ids its own way (UUIDs for Shopify and Amazon, long decimal strings for
TikTok); all are derived from the world's seed and a counter, so the same seed and the same
event sequence give the same ids, as the rest of the sandbox does.
"""

from __future__ import annotations

import hashlib
import uuid


class IdSource:
    def __init__(self, seed: int) -> None:
        self.seed = seed

    def _digest(self, *parts: object) -> bytes:
        text = ":".join(str(part) for part in (self.seed, *parts))
        return hashlib.sha256(text.encode()).digest()

    def uuid(self, *parts: object) -> str:
        """A version-4-shaped UUID, as Shopify and Amazon print them."""
        return str(uuid.UUID(bytes=self._digest(*parts)[:16], version=4))

    def digits(self, length: int, *parts: object) -> str:
        """A decimal string of `length` digits with no leading zero (TikTok's ids)."""
        number = int.from_bytes(self._digest(*parts), "big")
        low = 10 ** (length - 1)
        return str(low + number % (9 * low))

    def hex(self, length: int, *parts: object) -> str:
        return self._digest(*parts).hex()[:length]
