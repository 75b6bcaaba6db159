"""The 3PL/WMS API: item master, stock per location, shipments and receipts."""

from __future__ import annotations

from collections import Counter

import httpx

from tests.contracts import warehouse as contract
from tests.helpers.clients import Control, Warehouse
from tests.helpers.shapes import assert_schema


def test_a_wrong_key_is_refused(world: dict) -> None:
    response = httpx.get(
        f"{world['channels']['warehouse']['base_url']}/v1/items",
        headers={"Authorization": "Bearer x"},
    )
    assert response.status_code == 401
    assert_schema(contract.ERROR, response.json())


def test_items_are_the_physical_skus_exactly_once(warehouse: Warehouse, control: Control) -> None:
    assert_schema(contract.ITEMS, warehouse.get("/v1/items", limit=7).json())
    items = warehouse.all("/v1/items", limit=7)
    skus = [item["sku"] for item in items]
    truth = [row["sku"] for row in control.get("/truth/stock")["skus"] if not row["is_bundle"]]
    assert len(skus) == len(set(skus))
    assert sorted(skus) == sorted(truth)


def test_kits_are_the_bundles_with_their_components(warehouse: Warehouse, control: Control) -> None:
    assert_schema(contract.KITS, warehouse.get("/v1/kits", limit=3).json())
    kits = warehouse.all("/v1/kits", limit=3)
    truth = {
        row["sku"]: (row["barcode"], row["components"])
        for row in control.get("/truth/stock")["skus"]
        if row["is_bundle"]
    }
    assert {kit["sku"]: (kit["barcode"], kit["components"]) for kit in kits} == truth


def test_inventory_is_on_hand_per_location_as_of_now(
    warehouse: Warehouse, control: Control
) -> None:
    first = warehouse.get("/v1/inventory", limit=33).json()
    assert_schema(contract.INVENTORY, first)
    stock = control.get("/truth/stock")
    assert first["as_of"] == stock["now"]
    rows = warehouse.all("/v1/inventory", limit=33)
    seen = Counter((row["sku"], row["location"]) for row in rows)
    assert max(seen.values()) == 1
    truth = {
        (row["sku"], location): quantity
        for row in stock["skus"]
        if not row["is_bundle"]
        for location, quantity in row["on_hand"].items()
    }
    assert {(row["sku"], row["location"]): row["on_hand"] for row in rows} == truth
    one_place = warehouse.all("/v1/inventory", location="NL1", limit=500)
    assert {row["location"] for row in one_place} == {"NL1"}
    assert warehouse.get("/v1/inventory", location="XX9").status_code == 400


def test_shipments_page_exactly_once_whatever_the_page_size(
    warehouse: Warehouse, control: Control
) -> None:
    assert_schema(contract.SHIPMENTS, warehouse.get("/v1/shipments", limit=9).json())
    small = warehouse.all("/v1/shipments", limit=9)
    large = warehouse.all("/v1/shipments", limit=500)
    ids = [s["id"] for s in small]
    assert len(ids) == len(set(ids))
    assert ids == [s["id"] for s in large]
    assert [s["shipped_at"] for s in small] == sorted(s["shipped_at"] for s in small)
    known = {
        storefront: set(control.order_ids(storefront))
        for storefront in ("shopify", "amazon_us", "amazon_de", "tiktok_shop")
    }
    by_store = {
        "tributary-outfitters": "shopify",
        "ATVPDKIKX0DER": "amazon_us",
        "A1PA6795UKMFR9": "amazon_de",
    }
    for shipment in small:
        ref = shipment["order_ref"]
        storefront = by_store.get(ref["store_id"], "tiktok_shop")
        assert ref["order_id"] in known[storefront]
    bundles = {row["sku"] for row in control.get("/truth/stock")["skus"] if row["is_bundle"]}
    assert not any(line["sku"] in bundles for s in small for line in s["lines"]), (
        "kits ship as components"
    )


def test_incremental_reads_return_what_moved(sandbox) -> None:
    manifest = sandbox()
    warehouse, control = Warehouse(manifest), Control(manifest)
    before = control.truth()["now"]
    shipped_before = {s["id"] for s in warehouse.all("/v1/shipments", limit=500)}
    control.advance(3 * 86_400)
    new = warehouse.all("/v1/shipments", limit=500, updated_since=before)
    assert new
    assert not ({s["id"] for s in new} & shipped_before)
    assert all(s["shipped_at"] >= before for s in new)
    moved = warehouse.all("/v1/inventory", limit=500, updated_since=before)
    assert moved
    assert all(row["updated_at"] >= before for row in moved)
    everything = warehouse.all("/v1/inventory", limit=500)
    assert len(moved) < len(everything)


def test_receipts_shipments_and_on_hand_reconcile(sandbox) -> None:
    manifest = sandbox(scale="tiny")
    warehouse, control = Warehouse(manifest), Control(manifest)
    assert_schema(contract.RECEIPTS, warehouse.get("/v1/receipts", limit=5).json())
    start = control.truth()["now"]
    levels = {
        (r["sku"], r["location"]): r["on_hand"] for r in warehouse.all("/v1/inventory", limit=500)
    }
    sku = next(row["sku"] for row in control.get("/truth/stock")["skus"] if not row["is_bundle"])
    control.post("/restock", {"sku": sku, "location": "NJ1", "quantity": 120, "in_seconds": 3_600})
    control.advance(5 * 86_400)
    received = Counter()
    for receipt in warehouse.all("/v1/receipts", limit=500, updated_since=start):
        received[(receipt["sku"], receipt["location"])] += receipt["quantity"]
    assert received[(sku, "NJ1")] >= 120, "the injected restock was received"
    shipped = Counter()
    for shipment in warehouse.all("/v1/shipments", limit=500, updated_since=start):
        for line in shipment["lines"]:
            shipped[(line["sku"], shipment["location"])] += line["quantity"]
    now = {
        (r["sku"], r["location"]): r["on_hand"] for r in warehouse.all("/v1/inventory", limit=500)
    }
    for cell, before in levels.items():
        assert now[cell] == before + received[cell] - shipped[cell], cell
