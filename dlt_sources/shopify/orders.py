"""Shopify orders and their line items: bulk export for history, paged GraphQL for changes.

The first run (or a change of more than `bulk_above` orders) exports through a bulk operation,
which costs no query points; later runs page `orders(query: "updated_at:>=...")`, oldest
change first. Either way each order is checked with its lines, and loads into `orders` and
`order_line_items` (or, whole, into quarantine).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from channels.shopify import ShopifyClient
from channels.shopify.bulk import BulkExport
from dlt_sources.common.quarantine import Sorter
from dlt_sources.common.tables import stamp, to_table
from dlt_sources.common.window import UpdateWindow, iso
from dlt_sources.shopify import checks, queries

CHANNEL = "shopify"
KEY = ("store_id", "id")


def order_batches(
    client: ShopifyClient,
    window: UpdateWindow,
    sorter: Sorter,
    *,
    bulk_above: int,
) -> Iterator[Any]:
    """Batches for `orders`, `order_line_items` and `quarantine`; advances `window` at the end.

    History goes through a bulk export: on the first run, and whenever more than
    `bulk_above` orders changed since the window start (one REST count call decides).
    """
    use_bulk = window.first_run or _changed_since(client, window) > bulk_above
    orders = _bulk_orders(client, window) if use_bulk else _paged_orders(client, window)
    endpoint = "bulkOperationRunQuery orders" if use_bulk else "graphql orders"
    batch: list[dict[str, Any]] = []
    for order in orders:
        if window.is_new(str(order.get("id")), order.get("updatedAt") or "1970-01-01T00:00:00Z"):
            batch.append(order)
        if len(batch) >= 500:
            yield from _emit(batch, sorter, client.store.store_id, endpoint)
            batch = []
    if batch:
        yield from _emit(batch, sorter, client.store.store_id, endpoint)
    window.advance()


def _changed_since(client: ShopifyClient, window: UpdateWindow) -> int:
    params = {"status": "any", "updated_at_min": iso(window.start)}
    return int(client.rest_get("orders/count.json", params).get("count", 0))


def _emit(
    batch: list[dict[str, Any]], sorter: Sorter, store_id: str, endpoint: str
) -> Iterator[Any]:
    good, bad = sorter.split(
        batch, checks.ORDER, resource="orders", endpoint=endpoint, id_field="id"
    )
    lines: list[dict[str, Any]] = []
    for order in good:
        for line in order.pop("lineItems"):
            line["order_id"] = order["id"]
            lines.append(line)
    if good:
        yield to_table("orders", stamp(good, CHANNEL, store_id), primary_key=KEY)
    if lines:
        yield to_table("order_line_items", stamp(lines, CHANNEL, store_id), primary_key=KEY)
    if bad:
        yield sorter.rows(bad)


def _search(window: UpdateWindow) -> str:
    return f"updated_at:>='{iso(window.start)}'"


def _bulk_orders(client: ShopifyClient, window: UpdateWindow) -> Iterator[dict[str, Any]]:
    """Orders with their `lineItems` list, reassembled from the bulk JSONL stream."""
    search = None if window.first_run else _search(window)
    current: dict[str, Any] | None = None
    for row in BulkExport(client).rows(queries.bulk_orders(search)):
        parent = row.pop("__parentId", None)
        if parent is None:
            if current is not None:
                yield current
            current = {**row, "lineItems": []}
        elif current is not None and parent == current["id"]:
            current["lineItems"].append(row)
        else:
            # Children always follow their parent; anything else is a broken export.
            raise ValueError(f"bulk line for {parent} does not follow its order")
    if current is not None:
        yield current


def _paged_orders(client: ShopifyClient, window: UpdateWindow) -> Iterator[dict[str, Any]]:
    pages = client.connection_pages(queries.PAGED_ORDERS, "orders", {"search": _search(window)})
    for page in pages:
        for order in page:
            connection = order.pop("lineItems", None) or {}
            lines = list(connection.get("nodes") or [])
            info = connection.get("pageInfo") or {}
            after = info.get("endCursor")
            while info.get("hasNextPage"):
                more = client.graphql(queries.MORE_LINES, {"id": order["id"], "after": after})
                connection = ((more.get("order") or {}).get("lineItems")) or {}
                lines.extend(connection.get("nodes") or [])
                info = connection.get("pageInfo") or {}
                after = info.get("endCursor")
            order["lineItems"] = lines
            yield order
