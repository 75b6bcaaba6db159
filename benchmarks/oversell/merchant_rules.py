"""The rules a merchant running Tributary has entered by the time of the scenario.

Some listings of the world carry legacy seller codes that neither a SKU nor a barcode matches
(`mapping: unmappable` in the truth). Tributary cannot count their open orders against stock
until they are mapped; its `assert_open_merchant_lines_are_mapped` test warns with their
units, and the merchant maps them in the `sku_overrides` seed. A merchant who has run
Tributary for a while has done that, so the benchmark gives Tributary those overrides, in a
rules directory of its own (TRIBUTARY_SEEDS_DIR, core.rules): the project's seeds plus one row
per legacy listing, read from the world's setup truth. The 15-minute sync is handed its
listing map from the same truth.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from benchmarks.oversell.world import StrategyWorld
from core.rules import seeds_dir

REASON = "legacy seller code, mapped by the merchant (oversell benchmark)"


def write_merchant_rules(world: StrategyWorld, directory: Path) -> int:
    """The project's rules plus an override per legacy listing, in `directory`; returns how
    many listings it maps."""
    shutil.copytree(seeds_dir(), directory)
    legacy = sorted(
        {
            (row["channel"], row["store_id"], seller_sku(row["key"]), row["sku"])
            for row in world.get("/truth/listings")["listings"]
            if row["mapping"] == "unmappable"
        }
    )
    with (directory / "sku_overrides.csv").open("a", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        for channel, store_id, code, sku in legacy:
            writer.writerow([channel, store_id, code, sku, REASON])
    return len(legacy)


def seller_sku(key: dict[str, str]) -> str:
    """The code the channel shows for the listing (Shopify calls it the variant's `sku`)."""
    return key.get("seller_sku") or key["sku"]
