"""Reading what an ingest wrote, in the shape the sandbox's truth is stated in.

The aggregates are computed in SQL over the raw tables only, the way an analyst would, so a
test compares the warehouse with the world and not with anything the clients computed. The
queries are the chaos benchmark's, so a test and the benchmark judge a load the same way.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from benchmarks.chaos.raw import ORDER_FACTS
from core.warehouse import Warehouse
from dlt_sources.common.pipeline import IngestReport
from dlt_sources.common.run import ingest_channel
from tests.helpers.clients import Control

CHANNELS = ("shopify", "amazon", "tiktok_shop", "warehouse")


class Ingest:
    """Runs `tributary`'s ingest for a sandbox manifest into a private DuckDB file."""

    def __init__(self, manifest: dict[str, Any], directory: Path, **options: Any) -> None:
        self.directory = directory
        self.config = directory / "channels.json"
        self.config.write_text(json.dumps(manifest))
        self.database = directory / "warehouse.duckdb"
        self.options = options

    def run(self, *channels: str, **overrides: Any) -> dict[str, IngestReport]:
        return {
            slug: ingest_channel(
                slug,
                config_file=self.config,
                warehouse=Warehouse(self.database),
                pipelines_dir=self.directory / "pipelines",
                **{**self.options, **overrides},
            )
            for slug in channels or CHANNELS
        }

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.sql(query).fetchall()

    def order_facts(self) -> dict[str, dict[str, Any]]:
        """Per store: orders, lines, units and gross, as the truth states them."""
        facts = {}
        loaded = {
            schema for (schema,) in self.sql("select schema_name from information_schema.schemata")
        }
        for slug, query in ORDER_FACTS.items():
            if f"raw_{slug}" not in loaded:
                continue
            for store_id, orders, lines, units, gross in self.sql(query):
                facts[store_id] = {
                    "orders": orders,
                    "lines": lines,
                    "units": int(units),
                    "gross": Decimal(gross).quantize(Decimal("0.01")),
                }
        return facts


def truth_facts(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        row["store_id"]: {
            "orders": row["orders"],
            "lines": row["lines"],
            "units": row["units"],
            "gross": Decimal(row["gross"]),
        }
        for row in truth["orders"]
    }


def check_listings_and_stock(control: Control, ingest: Ingest) -> None:
    """Every listing with what it displays, and every stock level, exactly as the truth."""
    shopify_truth = {
        (row["key"]["inventory_item_id"], row["key"]["location_id"], row["displayed_quantity"])
        for row in control.get("/truth/listings", channel="shopify")["listings"]
    }
    shopify_raw = set(
        ingest.sql(
            "select inventory_item_id, location_id, available from raw_shopify.inventory_levels"
        )
    )
    assert shopify_raw == shopify_truth

    amazon_truth = {
        (row["key"]["marketplace_id"], row["key"]["seller_sku"], row["displayed_quantity"])
        for row in control.get("/truth/listings", channel="amazon")["listings"]
    }
    amazon_raw = set(
        ingest.sql(
            "select l.marketplace_id, l.sku, a.quantity from raw_amazon.listings l "
            "join raw_amazon.listings__fulfillment_availability a on a._dlt_parent_id = l._dlt_id"
        )
    )
    assert amazon_raw == amazon_truth

    tiktok_truth = {
        (row["key"]["sku_id"], row["key"]["warehouse_id"], row["displayed_quantity"])
        for row in control.get("/truth/listings", channel="tiktok_shop")["listings"]
    }
    tiktok_raw = set(
        ingest.sql("select sku_id, warehouse_id, quantity from raw_tiktok_shop.inventory")
    )
    assert tiktok_raw == tiktok_truth

    stock = control.get("/truth/stock")["skus"]
    stock_truth = {
        (row["sku"], location, on_hand)
        for row in stock
        if not row["is_bundle"]
        for location, on_hand in row["on_hand"].items()
    }
    stock_raw = set(ingest.sql("select sku, location, on_hand from raw_warehouse.inventory"))
    assert stock_raw == stock_truth
    kits_truth = {
        (row["sku"], part["sku"], part["quantity"])
        for row in stock
        if row["is_bundle"]
        for part in row["components"]
    }
    kits_raw = ingest.sql(
        "select k.sku, c.sku, c.quantity from raw_warehouse.kits k"
        " join raw_warehouse.kits__components c on c._dlt_parent_id = k._dlt_id"
    )
    assert len(kits_raw) == len(kits_truth)
    assert set(kits_raw) == kits_truth
