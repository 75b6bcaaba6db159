"""The oversell benchmark hands Tributary the merchant's map of legacy listings, as overrides
dbt accepts, naming each listing by the code its channel really shows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks.oversell.merchant_rules import REASON, write_merchant_rules
from benchmarks.oversell.world import StrategyWorld
from core.rules import SEEDS_DIR_ENV
from tests.helpers.clients import Shopify
from tests.marts.conftest import dbt, query


def test_every_legacy_listing_is_mapped_by_the_code_its_channel_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = StrategyWorld(seed=42, scale="tiny", rate_limits=False)
    try:
        mapped = write_merchant_rules(world, tmp_path / "rules")
        legacy = [
            row
            for row in world.get("/truth/listings")["listings"]
            if row["mapping"] == "unmappable"
        ]
        products = Shopify(world.manifest).all("products.json", "products", limit=250)
    finally:
        world.close()
    assert legacy, "the world has no legacy listing to map"
    with (tmp_path / "rules" / "sku_overrides.csv").open(newline="") as file:
        overrides = [row for row in csv.DictReader(file) if row["reason"] == REASON]
    listings = {(r["channel"], r["store_id"], r["sku"]) for r in legacy}
    assert mapped == len(overrides) == len(listings)
    assert {(o["channel"], o["store_id"], o["sku"]) for o in overrides} == listings
    shown_codes = {variant["sku"] for product in products for variant in product["variants"]}
    shopify_codes = {o["seller_sku"] for o in overrides if o["channel"] == "shopify"}
    assert shopify_codes <= shown_codes, shopify_codes - shown_codes

    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv(SEEDS_DIR_ENV, str(tmp_path / "rules"))
    seeded = dbt(warehouse, "build", "-s", "sku_overrides", "--indirect-selection", "cautious")
    assert seeded.ok, seeded.failures()
    assert query(warehouse, "select count(*) from rules.sku_overrides") == [(len(overrides),)]
