"""Read-back after a stock write, on the live sandbox: shoppers who buy between the write and
the read-back do not make a landed write look failed; a write that never landed still does."""

from __future__ import annotations

from typing import Any

from channels.amazon import AmazonAccount, AmazonClient
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange
from reverse_etl.push import confirm
from reverse_etl.writers.amazon import AmazonWriter
from tests.helpers.clients import Control

QUIET = {"shopify": 0, "amazon_us": 0, "amazon_de": 0, "tiktok_shop": 0}


def amazon_listings(control: Control) -> list[dict[str, Any]]:
    return [
        row
        for row in control.get("/truth/listings", channel="amazon")["listings"]
        if row["storefront"] == "amazon_us"
        and row["fulfilled_by"] == "merchant"
        and row["mapping"] != "unmappable"
    ]


def change(row: dict[str, Any], previous: int, target: int) -> ListingChange:
    return ListingChange(
        channel="amazon",
        store_id=str(row["store_id"]),
        listing_key=f"amazon:{row['key']['seller_sku']}",
        sku=row["sku"],
        seller_sku=row["key"]["seller_sku"],
        product_id=None,
        variant_id=None,
        inventory_item_id=None,
        location_id=None,
        previous=previous,
        target=target,
        on_hand=target,
    )


def shown(control: Control, row: dict[str, Any]) -> int:
    rows = control.get("/truth/listings", channel="amazon")["listings"]
    return next(r for r in rows if r["key"] == row["key"])["displayed_quantity"]


def test_sales_after_a_write_do_not_unconfirm_it(sandbox) -> None:
    manifest = sandbox()
    control = Control(manifest)
    writer = AmazonWriter(AmazonClient(AmazonAccount.from_mapping(manifest["channels"]["amazon"])))
    sold, never_written, overshot = amazon_listings(control)[:3]
    raise_by_five = change(sold, sold["displayed_quantity"], sold["displayed_quantity"] + 5)
    outcomes = writer.write([raise_by_five])
    assert [o.status for o in outcomes] == ["written"]
    control.post(
        "/live",
        {
            "enabled": True,
            "orders_per_hour": {**QUIET, "amazon_us": 300},
            "boost": {"amazon_us": {"skus": [sold["sku"]], "factor": 5_000}},
        },
    )
    control.advance(600)
    control.post("/live", {"enabled": False})
    assert shown(control, sold) < raise_by_five.target, "shoppers bought after the write"

    untouched = change(
        never_written, never_written["displayed_quantity"], never_written["displayed_quantity"] + 3
    )
    above = change(overshot, overshot["displayed_quantity"] + 4, overshot["displayed_quantity"] - 1)
    claimed = [
        *outcomes,
        Outcome(untouched.listing_key, "written", untouched.target),
        Outcome(above.listing_key, "written", above.target),
    ]
    confirmed = confirm(writer, [raise_by_five, untouched, above], claimed)
    status = {o.listing_key: (o.status, o.observed) for o in confirmed}
    assert status[raise_by_five.listing_key] == ("written", shown(control, sold))
    assert status[untouched.listing_key] == ("not_confirmed", untouched.previous)
    assert status[above.listing_key][0] == "not_confirmed", "shows more than was set"
