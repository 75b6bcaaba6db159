"""Root fields of the Admin GraphQL API: queries, and the mutations the sandbox supports.

Every root connection is computed as a sorted array of keys (cheap numpy work) and then paged,
so bulk operations can reuse the same keys in chunks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from graphql import GraphQLError, GraphQLResolveInfo, get_directive_values

from sandbox.shopify import ids
from sandbox.shopify.graphql import search
from sandbox.shopify.graphql.connection import Connection, connection
from sandbox.shopify.graphql.nodes_catalog import (
    CustomerNode,
    InventoryItemNode,
    LocationNode,
    ProductNode,
    ShopNode,
    VariantNode,
    utc,
)
from sandbox.shopify.graphql.nodes_orders import OrderNode
from sandbox.shopify.inventory import IdempotencyStore, set_quantities
from sandbox.shopify.render_catalog import product_updated_at
from sandbox.shopify.render_customers import customer_index
from sandbox.shopify.shop import Shop
from sandbox.world.truth import shipped_line_counts

if TYPE_CHECKING:
    from sandbox.shopify.graphql.bulk import BulkOperations
    from sandbox.shopify.graphql.request_faults import RequestFaults

SEQ_BITS = 23  # order sequence numbers stay below 2**23 (8.3M orders per shop)


def _gid_number(gid: str, kind: str) -> int | None:
    prefix = f"gid://shopify/{kind}/"
    if not gid.startswith(prefix) or not gid[len(prefix) :].isdigit():
        return None
    return int(gid[len(prefix) :])


class Root:
    def __init__(
        self,
        shop: Shop,
        now: int,
        bulk: BulkOperations,
        idempotency: IdempotencyStore,
        api_version: str,
        origin: str,
        faults: RequestFaults,
    ) -> None:
        self._shop = shop
        self._now = now
        self._bulk = bulk
        self._idempotency = idempotency
        self._api_version = api_version
        self._origin = origin
        self._faults = faults
        self.writes_applied = 0

    # ---- keys shared by paged queries and bulk operations ----------------------------------

    def root_keys(self, field: str, args: dict[str, Any]) -> np.ndarray:
        return getattr(self, f"_{field}_keys")(
            **{k: v for k, v in args.items() if k in ("query", "sortKey", "reverse")}
        )

    def _orders_keys(
        self, query: str | None = None, sortKey: str = "ID", reverse: bool = False
    ) -> np.ndarray:
        shop, now = self._shop, self._now
        columns = shop.world.orders
        orders = shop.orders()
        orders = orders[columns["created"][orders] <= now]
        terms = search.parse(query)
        created = columns["created"][orders]
        mask = search.time_mask(
            terms,
            {
                "created_at": created,
                "processed_at": created,
                "updated_at": columns["updated"][orders],
            },
        )
        mask &= self._order_status_mask(terms, orders)
        for term in terms:
            if term.field == "id" and term.value.isdigit():
                order_ids = (
                    ids.ORDER_BASE + columns["seq"][orders].astype(np.int64) * ids.ORDER_STEP
                )
                mask &= search.compare(
                    order_ids, term.op, int(term.value) - int(term.value) % ids.ORDER_STEP
                )
        chosen = orders[mask]
        seqs = columns["seq"][chosen].astype(np.int64)
        if sortKey == "UPDATED_AT":
            keys = (columns["updated"][chosen].astype(np.int64) << SEQ_BITS) | seqs
            keys = np.sort(keys)
        else:
            keys = seqs
        return -keys[::-1] if reverse else keys

    def _order_status_mask(self, terms: list[search.Term], orders: np.ndarray) -> np.ndarray:
        columns = self._shop.world.orders
        now = self._now
        mask = np.ones(len(orders), bool)
        wanted = {
            t.field: t.value.lower()
            for t in terms
            if t.field in ("status", "financial_status", "fulfillment_status")
        }
        if not wanted:
            return mask
        cancelled = columns["cancelled"][orders] <= now
        paid = columns["paid"][orders] <= now
        shipped, total = shipped_line_counts(self._shop.world, orders, now)
        closed = cancelled | (paid & (shipped == total))
        status = wanted.get("status", "any")
        mask &= {"open": ~closed, "closed": closed, "cancelled": cancelled}.get(status, mask)
        financial = wanted.get("financial_status")
        if financial == "paid":
            mask &= paid & ~cancelled
        elif financial == "pending":
            mask &= ~paid & ~cancelled
        fulfillment = wanted.get("fulfillment_status")
        if fulfillment in ("shipped", "fulfilled"):
            mask &= shipped == total
        elif fulfillment == "unshipped":
            mask &= shipped == 0
        elif fulfillment == "partial":
            mask &= (shipped > 0) & (shipped < total)
        return mask

    def _order_node(self, key: int) -> OrderNode:
        seq = abs(int(key)) & ((1 << SEQ_BITS) - 1)
        order = self._shop.order_at(seq)
        assert order is not None
        return OrderNode(self._shop, order, self._now)

    def _products_keys(
        self, query: str | None = None, sortKey: str = "ID", reverse: bool = False
    ) -> np.ndarray:
        shop = self._shop
        products = np.array(shop.products, np.int64)
        terms = search.parse(query)
        if terms and len(products):
            created = shop.world.catalog.product_created_at[products]
            updated = np.array([product_updated_at(shop, int(p)) for p in products], np.int64)
            products = products[
                search.time_mask(terms, {"created_at": created, "updated_at": updated})
            ]
        return -products[::-1] if reverse else products

    def _productVariants_keys(self, query: str | None = None) -> np.ndarray:
        return self._shop.skus_sorted

    def _inventoryItems_keys(self, query: str | None = None) -> np.ndarray:
        return self._shop.skus_sorted

    def _customers_keys(self, query: str | None = None) -> np.ndarray:
        index = customer_index(self._shop, self._now)
        persons = index.persons
        terms = search.parse(query)
        if terms and len(persons):
            created = index.first_order_at[persons] - 120
            persons = persons[
                search.time_mask(
                    terms, {"created_at": created, "updated_at": index.last_order_at[persons]}
                )
            ]
        return persons

    def _locations_keys(self) -> np.ndarray:
        return np.array([ids.LOCATION_ID], np.int64)

    # ---- queries -----------------------------------------------------------------------------

    def _page(
        self, info: GraphQLResolveInfo, field: str, make: Any, page: dict[str, Any], **args: Any
    ) -> Connection:
        chunk = info.context.get("bulk_chunk")
        keys = chunk if chunk is not None else self.root_keys(field, args)
        return connection(info, keys, make, **page)

    def orders(
        self,
        info: GraphQLResolveInfo,
        query: str | None = None,
        sortKey: str = "ID",
        reverse: bool = False,
        **page: Any,
    ) -> Connection:
        return self._page(
            info, "orders", self._order_node, page, query=query, sortKey=sortKey, reverse=reverse
        )

    def order(self, info: GraphQLResolveInfo, id: str) -> OrderNode | None:
        number = _gid_number(id, "Order")
        seq = ids.order_seq(number) if number is not None else None
        order = self._shop.order_at(seq) if seq is not None else None
        if order is None or self._shop.world.orders["created"][order] > self._now:
            return None
        return OrderNode(self._shop, order, self._now)

    def products(
        self,
        info: GraphQLResolveInfo,
        query: str | None = None,
        sortKey: str = "ID",
        reverse: bool = False,
        **page: Any,
    ) -> Connection:
        return self._page(
            info,
            "products",
            lambda k: ProductNode(self._shop, abs(int(k))),
            page,
            query=query,
            reverse=reverse,
        )

    def product(self, info: GraphQLResolveInfo, id: str) -> ProductNode | None:
        number = _gid_number(id, "Product")
        index = ids.product_index(number) if number is not None else None
        if index is None or index not in self._shop.skus_of_product:
            return None
        return ProductNode(self._shop, index)

    def productVariants(
        self, info: GraphQLResolveInfo, query: str | None = None, **page: Any
    ) -> Connection:
        return self._page(
            info, "productVariants", lambda k: VariantNode(self._shop, int(k)), page, query=query
        )

    def inventoryItems(
        self, info: GraphQLResolveInfo, query: str | None = None, **page: Any
    ) -> Connection:
        return self._page(
            info,
            "inventoryItems",
            lambda k: InventoryItemNode(self._shop, int(k)),
            page,
            query=query,
        )

    def inventoryItem(self, info: GraphQLResolveInfo, id: str) -> InventoryItemNode | None:
        number = _gid_number(id, "InventoryItem")
        sku = ids.inventory_item_sku(number) if number is not None else None
        return InventoryItemNode(self._shop, sku) if sku in self._shop.listing_of_sku else None

    def locations(self, info: GraphQLResolveInfo, **page: Any) -> Connection:
        return self._page(info, "locations", lambda _: LocationNode(self._shop), page)

    def location(self, info: GraphQLResolveInfo, id: str | None = None) -> LocationNode | None:
        if id is not None and _gid_number(id, "Location") != ids.LOCATION_ID:
            return None
        return LocationNode(self._shop)

    def customers(
        self, info: GraphQLResolveInfo, query: str | None = None, **page: Any
    ) -> Connection:
        return self._page(
            info,
            "customers",
            lambda k: CustomerNode(self._shop, int(k), self._now),
            page,
            query=query,
        )

    @property
    def shop(self) -> ShopNode:
        return ShopNode(self._shop)

    def currentBulkOperation(self, info: GraphQLResolveInfo, type: str = "QUERY") -> Any:
        return self._bulk.current() if type == "QUERY" else None

    def bulkOperation(self, info: GraphQLResolveInfo, id: str) -> Any:
        return self._bulk.find(id)

    # ---- mutations ---------------------------------------------------------------------------

    def bulkOperationRunQuery(
        self, info: GraphQLResolveInfo, query: str, groupObjects: bool = False
    ) -> dict[str, Any]:
        operation, errors = self._bulk.start(self, query, self._now, self._origin, self._faults)
        return {"bulkOperation": operation, "userErrors": errors}

    def bulkOperationCancel(self, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
        operation = self._bulk.find(id)
        if operation is None:
            return {
                "bulkOperation": None,
                "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}],
            }
        errors = self._bulk.cancel(operation)
        return {"bulkOperation": operation, "userErrors": errors}

    def inventorySetQuantities(
        self, info: GraphQLResolveInfo, input: dict[str, Any]
    ) -> dict[str, Any]:
        key = self._idempotency_key(info)
        if key is None and self._api_version >= "2026-04":
            raise GraphQLError(
                "The @idempotent directive is required for this mutation but was not provided.",
                extensions={"code": "BAD_REQUEST"},
            )
        result = set_quantities(
            self._shop, self._idempotency, self._api_version, input, key, self._now
        )
        self.writes_applied += result.applied
        group = result.payload["inventoryAdjustmentGroup"]
        if group is None:
            return result.payload
        changes = [
            {
                "name": change["name"],
                "delta": change["delta"],
                "quantityAfterChange": change["quantityAfterChange"],
                "item": InventoryItemNode(self._shop, change["sku"]),
                "location": LocationNode(self._shop),
            }
            for change in group["changes"]
        ]
        return {
            "inventoryAdjustmentGroup": {
                **group,
                "createdAt": utc(group["createdAt"]),
                "changes": changes,
            },
            "userErrors": [],
        }

    @staticmethod
    def _idempotency_key(info: GraphQLResolveInfo) -> str | None:
        directive = info.schema.get_directive("idempotent")
        assert directive is not None
        values = get_directive_values(directive, info.field_nodes[0], info.variable_values)
        return None if values is None else str(values["key"])
