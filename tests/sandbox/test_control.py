"""`/_sandbox/`: the truth a test scores against, and control of clock and demand."""

from __future__ import annotations

from tests.helpers.clients import Control


def test_truth_covers_every_storefront_and_currency(control: Control) -> None:
    truth = control.truth()
    rows = {row["storefront"]: row for row in truth["orders"]}
    assert set(rows) == {"shopify", "amazon_us", "amazon_de", "tiktok_shop"}
    assert sum(row["orders"] for row in rows.values()) == 2_000
    assert {row["currency"] for row in rows.values()} == {"USD", "EUR", "GBP"}
    for row in rows.values():
        assert sum(row["statuses"].values()) == row["orders"]
        assert row["units"] >= row["lines"] or row["storefront"] == "tiktok_shop"


def test_bundle_availability_comes_from_components(control: Control) -> None:
    stock = {row["sku"]: row for row in control.get("/truth/stock")["skus"]}
    bundles = [row for row in stock.values() if row["is_bundle"]]
    assert bundles
    for bundle in bundles:
        kits = min(
            stock[part["sku"]]["available"] // part["quantity"] for part in bundle["components"]
        )
        assert bundle["available"] == kits
    for row in stock.values():
        if not row["is_bundle"]:
            assert row["available"] == sum(row["on_hand"].values()) - sum(row["committed"].values())


def test_listing_truth_names_every_mapping_kind(control: Control) -> None:
    listings = control.get("/truth/listings")["listings"]
    assert {row["mapping"] for row in listings} == {"exact_sku", "barcode", "unmappable"}
    assert {row["channel"] for row in listings} == {"shopify", "amazon", "tiktok_shop"}
    assert all(row["key"] for row in listings)


def test_clock_and_demand_controls_validate_their_input(sandbox) -> None:
    control = Control(sandbox(scale="tiny"))
    start = control.get("/clock")
    assert start["running"] is False
    assert start["now"] == start["world_start"]
    assert control.advance(60)["now"] > start["now"]
    refused = control.http.post(f"{control.url}/clock", json={"advance_seconds": -5})
    assert refused.status_code == 400
    unknown = control.http.post(f"{control.url}/live", json={"orders_per_hour": {"ebay": 3}})
    assert unknown.status_code == 400
    bad_sku = control.http.post(
        f"{control.url}/live", json={"boost": {"shopify": {"skus": ["NOPE"], "factor": 2}}}
    )
    assert bad_sku.status_code == 400
    bad_restock = control.http.post(f"{control.url}/restock", json={"sku": "TRB-KIT-00000"})
    assert bad_restock.status_code == 400
