"""Raw tables against the sandbox's truth, and rows that are there twice.

Computed in SQL over the raw tables only, the way an analyst would read them, so a check
compares the warehouse with the world and not with anything the clients computed. The ingest
tests judge their loads with the same queries.

- orders per store: orders, lines, units and gross, as `/truth` states them;
- listing snapshots (what every listing displays) and stock (on hand per SKU and location,
  kit components), as `/truth/listings` and `/truth/stock` state them;
- duplicates: a `_dlt_id` twice in any raw table, or a natural key twice in a table a load
  replaces whole or merges by that key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from benchmarks.chaos.world import Snapshot

ORDER_FACTS = {
    "shopify": """
        select o.store_id, count(distinct o.id), count(l.id), sum(l.quantity),
               sum(cast(l.original_unit_price_set__shop_money__amount as decimal(18, 2))
                   * l.quantity)
        from raw_shopify.orders o join raw_shopify.order_line_items l
          on l.order_id = o.id and l.store_id = o.store_id
        group by 1""",
    "amazon": """
        select o.store_id, count(distinct o.amazon_order_id), count(i.order_item_id),
               sum(i.quantity_ordered), sum(cast(i.item_price__amount as decimal(18, 2)))
        from raw_amazon.orders o join raw_amazon.order_items i
          on i.amazon_order_id = o.amazon_order_id
        group by 1""",
    "tiktok_shop": """
        select o.store_id, count(distinct o.id), count(l.id), count(l.id),
               sum(cast(l.original_price as decimal(18, 2)))
        from raw_tiktok_shop.orders o join raw_tiktok_shop.orders__line_items l
          on l._dlt_root_id = o._dlt_id
        group by 1""",
}
# Natural keys: tables a load replaces whole (a snapshot), and tables merged by their key.
SNAPSHOT_KEYS = {
    "raw_shopify.products": "store_id, id",
    "raw_shopify.product_variants": "store_id, id",
    "raw_shopify.inventory_levels": "store_id, inventory_item_id, location_id",
    "raw_amazon.listings": "store_id, sku",
    "raw_tiktok_shop.products": "store_id, id",
    "raw_tiktok_shop.inventory": "store_id, sku_id, warehouse_id",
    "raw_warehouse.inventory": "sku, location",
    "raw_warehouse.items": "sku",
    "raw_warehouse.kits": "sku",
}
MERGE_KEYS = {
    "raw_shopify.orders": "store_id, id",
    "raw_shopify.customers": "store_id, id",
    "raw_amazon.orders": "amazon_order_id",
    "raw_amazon.order_items": "amazon_order_id, order_item_id",
    "raw_tiktok_shop.orders": "store_id, id",
    "raw_warehouse.shipments": "id",
    "raw_warehouse.receipts": "id",
}
LISTINGS = {
    "shopify": (
        "select inventory_item_id, location_id, available from raw_shopify.inventory_levels",
        ("inventory_item_id", "location_id"),
    ),
    "amazon": (
        "select l.marketplace_id, l.sku, a.quantity from raw_amazon.listings l join "
        "raw_amazon.listings__fulfillment_availability a on a._dlt_parent_id = l._dlt_id",
        ("marketplace_id", "seller_sku"),
    ),
    "tiktok_shop": (
        "select sku_id, warehouse_id, quantity from raw_tiktok_shop.inventory",
        ("sku_id", "warehouse_id"),
    ),
}
STOCK = "select sku, location, on_hand from raw_warehouse.inventory"
KITS = (
    "select k.sku, c.sku, c.quantity from raw_warehouse.kits k"
    " join raw_warehouse.kits__components c on c._dlt_parent_id = k._dlt_id"
)


@dataclass
class RawCheck:
    """What differs from the truth; empty lists and zeros mean raw = truth, nothing twice."""

    mismatches: list[str] = field(default_factory=list)
    lost_rows: int = 0  # truth rows (orders, lines, snapshot rows) missing from raw
    extra_rows: int = 0  # raw rows the truth does not have (counted twice, stale, invented)
    duplicated_rows: int = 0  # rows sharing a _dlt_id or a natural key with another
    duplicates: list[str] = field(default_factory=list)

    @property
    def equals_truth(self) -> bool:
        return not self.mismatches

    @property
    def no_duplicates(self) -> bool:
        return self.duplicated_rows == 0


def rows(connection: duckdb.DuckDBPyConnection, query: str) -> list[tuple[Any, ...]]:
    return connection.execute(query).fetchall()


def tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        f"{schema}.{name}"
        for schema, name in rows(
            connection,
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw\\_%' escape '\\' "
            "and table_schema not like '%\\_staging' escape '\\'",
        )
    }


def order_facts(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int, int, Decimal]]:
    """Per store: orders, lines, units, gross (list price x units)."""
    present = tables(connection)
    facts = {}
    for slug, query in ORDER_FACTS.items():
        if f"raw_{slug}.orders" not in present:
            continue
        for store_id, orders, lines, units, gross in rows(connection, query):
            facts[str(store_id)] = (
                int(orders),
                int(lines),
                int(units or 0),
                Decimal(gross or 0).quantize(Decimal("0.01")),
            )
    return facts


def truth_order_facts(snapshot: Snapshot) -> dict[str, tuple[int, int, int, Decimal]]:
    return {
        str(row["store_id"]): (row["orders"], row["lines"], row["units"], Decimal(row["gross"]))
        for row in snapshot.orders
    }


def check_raw(connection: duckdb.DuckDBPyConnection, snapshot: Snapshot) -> RawCheck:
    check = RawCheck()
    _compare_orders(check, order_facts(connection), truth_order_facts(snapshot))
    present = tables(connection)
    for channel, (query, key) in LISTINGS.items():
        table = query.split(" from ")[1].split()[0]
        loaded = set(rows(connection, query)) if table in present else set()
        truth = {
            (*(row["key"][name] for name in key), row["displayed_quantity"])
            for row in snapshot.listings
            if row["channel"] == channel
        }
        _compare_sets(check, f"{channel} listings", _normalised(loaded), _normalised(truth))
    stock_truth = {
        (row["sku"], location, on_hand)
        for row in snapshot.stock
        if not row["is_bundle"]
        for location, on_hand in row["on_hand"].items()
    }
    stock = set(rows(connection, STOCK)) if "raw_warehouse.inventory" in present else set()
    _compare_sets(check, "3PL stock", _normalised(stock), _normalised(stock_truth))
    kits_truth = {
        (row["sku"], part["sku"], part["quantity"])
        for row in snapshot.stock
        if row["is_bundle"]
        for part in row["components"]
    }
    kits = set(rows(connection, KITS)) if "raw_warehouse.kits" in present else set()
    _compare_sets(check, "3PL kits", _normalised(kits), _normalised(kits_truth))
    count_duplicates(check, connection, present)
    return check


def _normalised(values: set[tuple[Any, ...]]) -> set[tuple[str, ...]]:
    """Ids compared as text: the truth states them as JSON numbers or strings, raw as loaded."""
    return {tuple(str(value) for value in row) for row in values}


def _compare_orders(
    check: RawCheck,
    loaded: dict[str, tuple[int, int, int, Decimal]],
    truth: dict[str, tuple[int, int, int, Decimal]],
) -> None:
    for store in sorted(set(loaded) | set(truth)):
        have = loaded.get(store, (0, 0, 0, Decimal("0.00")))
        want = truth.get(store, (0, 0, 0, Decimal("0.00")))
        if have == want:
            continue
        check.mismatches.append(
            f"orders of {store}: raw orders/lines/units/gross {have[0]}/{have[1]}/{have[2]}/"
            f"{have[3]}, truth {want[0]}/{want[1]}/{want[2]}/{want[3]}"
        )
        for have_rows, want_rows in ((have[0], want[0]), (have[1], want[1])):  # orders, lines
            check.lost_rows += max(0, want_rows - have_rows)
            check.extra_rows += max(0, have_rows - want_rows)


def _compare_sets(
    check: RawCheck, what: str, loaded: set[tuple[str, ...]], truth: set[tuple[str, ...]]
) -> None:
    missing, extra = truth - loaded, loaded - truth
    if not missing and not extra:
        return
    example = sorted(missing or extra)[0]
    check.mismatches.append(
        f"{what}: {len(missing)} truth rows missing, {len(extra)} rows not in the truth "
        f"(e.g. {'missing' if missing else 'extra'} {example})"
    )
    check.lost_rows += len(missing)
    check.extra_rows += len(extra)


def count_duplicates(
    check: RawCheck, connection: duckdb.DuckDBPyConnection, present: set[str]
) -> None:
    """Rows of the `present` raw tables that share a `_dlt_id`, or a natural key in a table a
    load replaces whole or merges by that key."""
    with_ids = {
        f"{schema}.{name}"
        for schema, name in rows(
            connection,
            "select table_schema, table_name from information_schema.columns "
            "where column_name = '_dlt_id' and table_schema like 'raw\\_%' escape '\\' "
            "and table_schema not like '%\\_staging' escape '\\'",
        )
    }
    keyed = [(table, "_dlt_id") for table in sorted(with_ids)]
    keyed += [(table, key) for table, key in {**SNAPSHOT_KEYS, **MERGE_KEYS}.items()]
    for table, key in keyed:
        if table not in present:
            continue
        ((total, distinct),) = rows(
            connection,
            f"select count(*), count(distinct ({key})) from {table}",  # noqa: S608 - our names
        )
        if total != distinct:
            check.duplicated_rows += int(total - distinct)
            check.duplicates.append(f"{table}: {total - distinct} rows repeat ({key})")
