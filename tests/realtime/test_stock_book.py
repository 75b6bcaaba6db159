"""The reactor's stock book gives every listing the number dbt gives it, on the same state.

A small world is ingested and built (W0); the book loads W0's serving marts. Unchanged, it
must repeat W0's targets. Then the world moves on (live shoppers, payments, shipments,
cancellations), a second ingest and build gives W1, and the book is told, as absolute
overlays, only what changed between the two: the orders whose state moved and the warehouse
cells that moved. Its targets must then equal W1's for every listing, with no dbt run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from realtime.stock_book import StockBook
from tests.marts.conftest import BuiltWorld, dbt


def built_targets(warehouse: Path) -> dict[str, int | None]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select listing_key, target_quantity from marts.inventory_push_targets"
        ).fetchall()
    return dict(rows)


def book_targets(book: StockBook) -> dict[str, int | None]:
    return {target.listing_key: target.target for target in book.targets()}


def test_the_book_of_a_build_repeats_its_positions_and_targets(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    served = tmp_path / "served.duckdb"
    shutil.copy2(built_world.warehouse, served)
    book = StockBook()
    book.load_build(served)
    with duckdb.connect(str(served), read_only=True) as connection:
        positions = dict(
            connection.execute(
                "select sku, available_to_sell from marts.fct_inventory_positions"
            ).fetchall()
        )
    assert book.positions() == positions
    targets = built_targets(served)
    assert sum(t is not None for t in targets.values()) > 100
    assert book_targets(book) == targets


def changes_between(before: Path, after: Path) -> tuple[list[tuple], list[tuple]]:
    """(orders, stock cells) whose state differs between two builds, as W1 has them."""
    with duckdb.connect() as connection:
        connection.execute(f"attach '{before}' as w0 (read_only)")
        connection.execute(f"attach '{after}' as w1 (read_only)")
        orders = connection.execute(
            """
            with w0_orders as (
                select channel, store_id, order_id, max(updated_at) as updated_at
                from w0.marts.fct_order_lines group by all
            ), w1_orders as (
                select channel, store_id, order_id, max(updated_at) as updated_at
                from w1.marts.fct_order_lines group by all
            )
            select w1_orders.channel, w1_orders.store_id, w1_orders.order_id,
                w1_orders.updated_at,
                coalesce(list(c.component_sku) filter (c.component_sku is not null), []),
                coalesce(list(c.ordered_units) filter (c.component_sku is not null), []),
                coalesce(list(c.shipped_units) filter (c.component_sku is not null), [])
            from w1_orders
            left join w0_orders using (channel, store_id, order_id)
            left join w1.marts.fct_stock_commitments as c using (channel, store_id, order_id)
            where w0_orders.updated_at is distinct from w1_orders.updated_at
            group by all
            """
        ).fetchall()
        cells = connection.execute(
            """
            select w1l.sku, w1l.location_code, w1l.on_hand, w1l.updated_at
            from w1.marts.fct_stock_levels as w1l
            left join w0.marts.fct_stock_levels as w0l using (sku, location_code)
            where w0l.on_hand is distinct from w1l.on_hand
            """
        ).fetchall()
    return orders, cells


def test_the_book_told_what_changed_computes_the_next_builds_targets(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    w0 = tmp_path / "w0.duckdb"
    shutil.copy2(built_world.warehouse, w0)
    control = built_world.control
    control.post("/live", {"enabled": True})
    control.advance(6 * 3600)
    control.post("/live", {"enabled": False})
    built_world.ingest.run()
    assert dbt(built_world.warehouse, "build").ok
    w1 = tmp_path / "w1.duckdb"
    shutil.copy2(built_world.warehouse, w1)

    orders, cells = changes_between(w0, w1)
    assert len(orders) > 20
    assert len(cells) > 5
    book = StockBook()
    book.load_build(w0)
    for channel, store_id, order_id, updated_at, skus, ordered, shipped in orders:
        book.set_order(
            channel, store_id, order_id, updated_at,
            ordered_units=dict(zip(skus, ordered, strict=True)),
            shipped_units=dict(zip(skus, shipped, strict=True)),
        )  # fmt: skip
    for sku, location, on_hand, updated_at in cells:
        book.set_stock(sku, location, on_hand, updated_at)

    expected = built_targets(w1)
    got = book_targets(book)
    common = sorted(set(expected) & set(got))
    assert len(common) >= 0.95 * len(expected)
    before = built_targets(w0)
    moved = [key for key in common if before.get(key) != expected[key]]
    assert len(moved) > 10, "the world did not move enough targets to test anything"
    print(f"{len(orders)} orders and {len(cells)} stock cells changed; {len(moved)} targets moved")
    differing = {key: (got[key], expected[key]) for key in common if got[key] != expected[key]}
    assert not differing, (
        f"{len(differing)} of {len(common)} differ, e.g. {list(differing.items())[:5]}"
    )
