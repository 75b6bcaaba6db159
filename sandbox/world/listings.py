"""Channel listings: which SKU each storefront offers, under which seller SKU, fulfilled by whom.

The world knows the true SKU behind every listing. What a channel *shows* differs on purpose:
- `EXACT`: the seller SKU is the canonical SKU;
- `BARCODE_ONLY`: the seller SKU is channel-specific; only the GTIN matches the catalog;
- `UNMAPPABLE`: neither matches (a legacy listing); the truth still knows what it sells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.world.catalog import Catalog
from sandbox.world.spec import Storefront

EXACT, BARCODE_ONLY, UNMAPPABLE = 0, 1, 2
MAPPING_NAMES = ("exact_sku", "barcode", "unmappable")
MERCHANT, MARKETPLACE = 0, 1
FULFILMENT_NAMES = ("merchant", "marketplace")


@dataclass
class Listings:
    """One row per (storefront, listed SKU); `position` numbers a storefront's own listings."""

    storefront: np.ndarray  # int16
    sku: np.ndarray  # int32
    position: np.ndarray  # int32, 0-based within the storefront
    mapping: np.ndarray  # int8 EXACT | BARCODE_ONLY | UNMAPPABLE
    fulfilled_by: np.ndarray  # int8 MERCHANT | MARKETPLACE
    created_at: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.sku)

    def of_storefront(self, storefront: int) -> np.ndarray:
        """Global listing indices of one storefront, in `position` order."""
        return np.flatnonzero(self.storefront == storefront)

    def seller_sku(self, listing: int, catalog: Catalog, prefix: str) -> str:
        """The SKU string the channel shows for this listing."""
        canonical = catalog.sku_code[int(self.sku[listing])]
        kind = int(self.mapping[listing])
        if kind == EXACT:
            return canonical
        if kind == BARCODE_ONLY:
            return f"{prefix}-{canonical.removeprefix('TRB-').replace('-', '')}"
        return (
            f"OLD-{(int(self.sku[listing]) * 7_907 + int(self.storefront[listing])) % 100_000:05d}"
        )

    def barcode(self, listing: int, catalog: Catalog) -> str | None:
        """The GTIN the channel shows: absent on unmappable listings."""
        if self.mapping[listing] == UNMAPPABLE:
            return None
        return catalog.sku_barcode[int(self.sku[listing])]


def build_listings(
    rng: np.random.Generator, catalog: Catalog, storefronts: list[Storefront]
) -> Listings:
    parts: dict[str, list[np.ndarray]] = {
        name: []
        for name in ("storefront", "sku", "position", "mapping", "fulfilled_by", "created_at")
    }
    for index, storefront in enumerate(storefronts):
        policy = storefront.listings
        # Best sellers are listed almost everywhere; the long tail less often.
        popularity_rank = np.argsort(np.argsort(-catalog.sku_popularity)) / catalog.sku_count
        listed_probability = np.clip(policy.listed_share * (1.3 - 0.6 * popularity_rank), 0, 1)
        listed = np.flatnonzero(rng.random(catalog.sku_count) < listed_probability)
        count = len(listed)
        mapping = np.full(count, EXACT, np.int8)
        roll = rng.random(count)
        mapping[roll < policy.barcode_only_share + policy.unmappable_share] = BARCODE_ONLY
        mapping[roll < policy.unmappable_share] = UNMAPPABLE
        fulfilled_by = np.where(
            rng.random(count) < policy.marketplace_fulfilled_share, MARKETPLACE, MERCHANT
        ).astype(np.int8)
        # Marketplace-fulfilled bundles do not exist: the marketplace cannot assemble kits.
        fulfilled_by[catalog.sku_is_bundle[listed]] = MERCHANT
        created = catalog.product_created_at[catalog.sku_product[listed]] + rng.integers(
            0, 30 * 86_400, count
        )
        parts["storefront"].append(np.full(count, index, np.int16))
        parts["sku"].append(listed.astype(np.int32))
        parts["position"].append(np.arange(count, dtype=np.int32))
        parts["mapping"].append(mapping)
        parts["fulfilled_by"].append(fulfilled_by)
        parts["created_at"].append(created.astype(np.int64))
    return Listings(**{name: np.concatenate(values) for name, values in parts.items()})
