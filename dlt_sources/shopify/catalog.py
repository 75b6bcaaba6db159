"""Shopify catalog and stock through REST: products and variants, inventory items, locations,
inventory levels (snapshots, replaced each run), and customers (incremental)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from channels.shopify import ShopifyClient
from dlt_sources.common.checks import Check
from dlt_sources.common.dedupe import Once
from dlt_sources.common.quarantine import Sorter
from dlt_sources.common.tables import stamp, to_table
from dlt_sources.common.window import UpdateWindow, iso
from dlt_sources.shopify import checks

CHANNEL = "shopify"
PAGE = 250
ITEM_IDS_PER_CALL = 100


def _checked(
    sorter: Sorter,
    records: list[dict[str, Any]],
    rules: list[Check],
    resource: str,
    endpoint: str,
    store_id: str,
) -> tuple[list[dict[str, Any]], Any]:
    good, bad = sorter.split(records, rules, resource=resource, endpoint=endpoint, id_field="id")
    return stamp(good, CHANNEL, store_id), (sorter.rows(bad) if bad else None)


def catalog_batches(client: ShopifyClient, sorter: Sorter) -> Iterator[Any]:
    """`products`, `product_variants` and `inventory_items`, one pass over products.json."""
    store_id = client.store.store_id
    item_ids: list[int] = []
    products_once = Once(lambda r: r.get("id"))
    for page in client.rest_pages("products.json", "products", {"limit": PAGE}):
        products, bad = _checked(
            sorter,
            products_once.fresh(page),
            checks.PRODUCT,
            "products",
            "GET products.json",
            store_id,
        )
        variants = [v for p in products for v in p.pop("variants", [])]
        item_ids.extend(v["inventory_item_id"] for v in variants if v.get("inventory_item_id"))
        yield to_table("products", products, write_disposition="replace")
        if variants:
            yield to_table(
                "product_variants",
                stamp(variants, CHANNEL, store_id),
                write_disposition="replace",
            )
        if bad is not None:
            yield bad
    items_once = Once(lambda r: r.get("id"))
    for start in range(0, len(item_ids), ITEM_IDS_PER_CALL):
        ids = ",".join(str(i) for i in item_ids[start : start + ITEM_IDS_PER_CALL])
        yield from _snapshot_pages(
            client, sorter, "inventory_items", {"ids": ids}, checks.INVENTORY_ITEM, items_once
        )


def stock_batches(client: ShopifyClient, sorter: Sorter) -> Iterator[Any]:
    """`locations` and `inventory_levels` (every level at every location)."""
    store_id = client.store.store_id
    body = client.rest_get("locations.json")
    locations, bad = _checked(
        sorter,
        list(body.get("locations") or []),
        checks.LOCATION,
        "locations",
        "GET locations.json",
        store_id,
    )
    yield to_table("locations", locations, write_disposition="replace")
    if bad is not None:
        yield bad
    ids = ",".join(str(location["id"]) for location in locations)
    if not ids:
        return
    once = Once(lambda r: (r.get("inventory_item_id"), r.get("location_id")))
    yield from _snapshot_pages(
        client, sorter, "inventory_levels", {"location_ids": ids}, checks.INVENTORY_LEVEL, once
    )


def _snapshot_pages(
    client: ShopifyClient,
    sorter: Sorter,
    resource: str,
    params: dict[str, Any],
    rules: list[Check],
    once: Once,
) -> Iterator[Any]:
    """Every page of a REST list whose path, root key and table share one name."""
    for page in client.rest_pages(f"{resource}.json", resource, {**params, "limit": PAGE}):
        rows, bad = _checked(
            sorter,
            once.fresh(page),
            rules,
            resource,
            f"GET {resource}.json",
            client.store.store_id,
        )
        yield to_table(resource, rows, write_disposition="replace")
        if bad is not None:
            yield bad


def customer_batches(client: ShopifyClient, window: UpdateWindow, sorter: Sorter) -> Iterator[Any]:
    """Customers updated since the window start; advances the window at the end."""
    store_id = client.store.store_id
    params = {"limit": PAGE, "updated_at_min": iso(window.start)}
    for page in client.rest_pages("customers.json", "customers", params):
        fresh = [c for c in page if window.is_new(str(c.get("id")), c.get("updated_at") or 0)]
        customers, bad = _checked(
            sorter, fresh, checks.CUSTOMER, "customers", "GET customers.json", store_id
        )
        if customers:
            yield to_table("customers", customers, primary_key=("store_id", "id"))
        if bad is not None:
            yield bad
    window.advance()
