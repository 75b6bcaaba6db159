"""One ingest of the small world holds exactly the truth; a second one adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.helpers.clients import Control
from tests.ingest.raw import Ingest, check_listings_and_stock, truth_facts


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
