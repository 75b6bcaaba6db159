"""The brand's catalog: products, their variants (the canonical SKUs) and bundles.

The canonical SKU and its GTIN are what the brand's warehouse knows. Channels list these
variants under their own ids and, sometimes, under different seller SKUs (see `listings`).
A bundle is a SKU the warehouse never stocks: selling one consumes its components.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.world import names
from sandbox.world.spec import DAY, WORLD_START, Scale

BUNDLE_SHARE = 0.04


@dataclass
class Catalog:
    """Column arrays, one entry per product or per SKU (variant)."""

    product_title: list[str]
    product_type: list[str]
    product_created_at: np.ndarray  # int64 unix seconds
    sku_product: np.ndarray  # int32 product index of each SKU
    sku_code: list[str]  # canonical SKU, e.g. TRB-00042-NAV-M
    sku_option1: list[str]
    sku_option2: list[str | None]
    sku_position: np.ndarray  # 1-based position within its product
    sku_barcode: list[str]  # GTIN-13 with a valid check digit
    sku_price_cents: np.ndarray  # base price in USD cents
    sku_cost_cents: np.ndarray
    sku_grams: np.ndarray
    sku_is_bundle: np.ndarray  # bool
    sku_popularity: np.ndarray  # float64, relative demand weight
    bundle_sku: np.ndarray  # int32, one row per (bundle, component)
    bundle_component: np.ndarray  # int32
    bundle_quantity: np.ndarray  # int32 units of the component per bundle

    @property
    def sku_count(self) -> int:
        return len(self.sku_code)

    def components(self, sku: int) -> list[tuple[int, int]]:
        """(component SKU, units per bundle) of a bundle; a plain SKU is its own component."""
        if not self.sku_is_bundle[sku]:
            return [(sku, 1)]
        rows = np.flatnonzero(self.bundle_sku == sku)
        return [(int(self.bundle_component[r]), int(self.bundle_quantity[r])) for r in rows]


def gtin13(body: int) -> str:
    """A GTIN-13 for a 12-digit body, with its standard mod-10 check digit."""
    digits = f"{body:012d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _variant_codes(
    sku_product: np.ndarray, sku_position: np.ndarray, option_kind: np.ndarray, plain_count: int
) -> tuple[list[str], list[str], list[str | None]]:
    """Canonical SKU codes and option values: TRB-<product>-<colour>[-<size>], kits TRB-KIT-."""
    colours, sizes = names.VARIANT_OPTIONS
    codes: list[str] = []
    option1: list[str] = []
    option2: list[str | None] = []
    for sku in range(len(sku_product)):
        product = int(sku_product[sku])
        position = int(sku_position[sku])
        if sku >= plain_count:
            codes.append(f"TRB-KIT-{product:05d}")
            option1.append("Default Title")
            option2.append(None)
        elif option_kind[product] == 0:
            colour = colours[(product + position - 1) % len(colours)]
            codes.append(f"TRB-{product:05d}-{colour[:3].upper()}")
            option1.append(colour)
            option2.append(None)
        else:
            size = sizes[(position - 1) % len(sizes)]
            colour = colours[((position - 1) // len(sizes) + product) % len(colours)]
            codes.append(f"TRB-{product:05d}-{colour[:3].upper()}-{size}")
            option1.append(colour)
            option2.append(size)
    return codes, option1, option2


def build_catalog(rng: np.random.Generator, scale: Scale) -> Catalog:
    """Group `scale.skus` variants into products; a few single-variant products are bundles."""
    sku_count = scale.skus
    bundle_count = max(2, int(sku_count * BUNDLE_SHARE))
    plain_count = sku_count - bundle_count

    sizes = rng.choice([1, 2, 3, 4, 5], size=plain_count, p=[0.25, 0.2, 0.25, 0.2, 0.1])
    ends = np.cumsum(sizes)
    sizes = sizes[: int(np.searchsorted(ends, plain_count)) + 1]
    sizes[-1] -= int(sizes.sum()) - plain_count
    product_count = len(sizes) + bundle_count

    adjectives = rng.integers(0, len(names.PRODUCT_ADJECTIVES), product_count)
    nouns = rng.integers(0, len(names.PRODUCT_NOUNS), product_count)
    product_title = [
        f"{names.PRODUCT_ADJECTIVES[a]} {names.PRODUCT_NOUNS[n]}"
        for a, n in zip(adjectives, nouns, strict=True)
    ]
    for bundle in range(len(sizes), product_count):
        product_title[bundle] = f"{product_title[bundle]} Kit"
    product_type = [
        names.PRODUCT_TYPES[i] for i in rng.integers(0, len(names.PRODUCT_TYPES), product_count)
    ]
    product_created_at = WORLD_START - rng.integers(120 * DAY, 900 * DAY, product_count)

    sku_product = np.concatenate(
        [np.repeat(np.arange(len(sizes)), sizes), np.arange(len(sizes), product_count)]
    ).astype(np.int32)
    sku_position = np.ones(sku_count, np.int32)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sku_position[:plain_count] = np.arange(plain_count) - np.repeat(starts, sizes) + 1

    option_kind = rng.integers(0, 2, product_count)  # colour-only or colour + size
    sku_code, sku_option1, sku_option2 = _variant_codes(
        sku_product, sku_position, option_kind, plain_count
    )

    sku_barcode = [gtin13(400_000_000_000 + 7_919 * sku + 13) for sku in range(sku_count)]
    price_dollars = np.round(np.exp(rng.normal(3.4, 0.6, product_count)))
    price_cents = (np.clip(price_dollars, 9, 400) * 100 - 1).astype(np.int64)
    sku_price_cents = price_cents[sku_product]
    sku_cost_cents = (sku_price_cents * rng.uniform(0.3, 0.5, sku_count)).astype(np.int64)
    sku_grams = rng.integers(80, 2_400, sku_count).astype(np.int32)
    sku_is_bundle = np.zeros(sku_count, bool)
    sku_is_bundle[plain_count:] = True
    # Zipf-like demand: a few best sellers, a long tail.
    sku_popularity = rng.permutation(1.0 / np.arange(1, sku_count + 1) ** 0.9)

    bundle_rows: list[tuple[int, int, int]] = []
    for bundle in range(plain_count, sku_count):
        parts = np.sort(rng.choice(plain_count, size=int(rng.integers(2, 4)), replace=False))
        quantities = rng.integers(1, 3, len(parts))
        bundle_rows.extend(
            (bundle, int(part), int(qty)) for part, qty in zip(parts, quantities, strict=True)
        )
        component_value = int((sku_price_cents[parts] * quantities).sum())
        # Kits sell at a discount to their parts, at a .99 price point.
        sku_price_cents[bundle] = max(int(component_value * 0.85) // 100 * 100 - 1, 999)
    bundle_array = np.array(bundle_rows, np.int32).reshape(-1, 3)

    return Catalog(
        product_title=product_title,
        product_type=product_type,
        product_created_at=product_created_at.astype(np.int64),
        sku_product=sku_product,
        sku_code=sku_code,
        sku_option1=sku_option1,
        sku_option2=sku_option2,
        sku_position=sku_position,
        sku_barcode=sku_barcode,
        sku_price_cents=sku_price_cents,
        sku_cost_cents=sku_cost_cents,
        sku_grams=sku_grams,
        sku_is_bundle=sku_is_bundle,
        sku_popularity=sku_popularity,
        bundle_sku=bundle_array[:, 0].copy(),
        bundle_component=bundle_array[:, 1].copy(),
        bundle_quantity=bundle_array[:, 2].copy(),
    )
