"""One ingest of the small world holds exactly the truth; a second one adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.helpers.clients import Control
from tests.ingest.raw import Ingest, truth_facts


def test_first_ingest_is_the_truth_and_second_adds_no_duplicates(
    ingest_world: Callable[..., tuple[dict[str, Any], Control, Ingest]],
) -> None:
    _, control, ingest = ingest_world(scale="small")
    reports = ingest.run()
    assert all(report.quarantined == 0 for report in reports.values())
    truth = control.truth()
    assert ingest.order_facts() == truth_facts(truth)

    check_listings_and_stock(control, ingest)

    order_tables = {
        "shopify": ("orders", "order_line_items"),
        "amazon": ("orders", "order_items"),
        "tiktok_shop": ("orders",),
        "warehouse": ("shipments", "receipts"),
    }
    before = {
        (slug, table): ingest.sql(f"select count(*) from raw_{slug}.{table}")[0][0]
        for slug, tables in order_tables.items()
        for table in tables
    }
    again = ingest.run()
    for slug, tables in order_tables.items():
        for table in tables:
            assert again[slug].rows.get(table, 0) == 0, (slug, table, again[slug].rows)
            count = ingest.sql(f"select count(*) from raw_{slug}.{table}")[0][0]
            assert count == before[(slug, table)], (slug, table)
    assert ingest.order_facts() == truth_facts(control.truth())
    check_listings_and_stock(control, ingest)


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

    stock_truth = {
        (row["sku"], location, on_hand)
        for row in control.get("/truth/stock")["skus"]
        if not row["is_bundle"]
        for location, on_hand in row["on_hand"].items()
    }
    stock_raw = set(ingest.sql("select sku, location, on_hand from raw_warehouse.inventory"))
    assert stock_raw == stock_truth
