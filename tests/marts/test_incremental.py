"""A scheduled refresh (`--selector refresh`) after the world moves on gives the marts a full
refresh gives, row for row."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from orchestration.transform import DBT_PROJECT_DIR
from tests.helpers.clients import Control
from tests.ingest.conftest import AMAZON_MARGIN_S
from tests.ingest.raw import Ingest
from tests.marts.conftest import NEW_LOAD, BuiltWorld, copy_of, dbt, execute, query

AMAZON_LAG = timedelta(minutes=2)
REBUILT_TABLES = (
    "intermediate.int_customers_resolved",
    "marts.fct_orders",
    "marts.fct_order_lines",
    "marts.fct_daily_channel_sales",
    "marts.dim_customers",
    "marts.fct_inventory_positions",
    "marts.fct_stock_commitments",
    "marts.inventory_push_targets",
)


def differences(left: Path, right: Path, table: str) -> int:
    """Rows of `table` (schema.name) in one warehouse and not the other, both ways; the columns
    that say which build wrote a row (built_at, build_id) are the ones allowed to differ."""
    schema, name = table.split(".")
    with duckdb.connect(str(left), read_only=True) as connection:
        connection.execute(f"attach '{right}' as other (read_only)")
        columns = ", ".join(
            column
            for (column,) in connection.execute(
                "select column_name from information_schema.columns where table_catalog ="
                " current_database() and table_schema = ? and table_name = ?"
                " and column_name not in ('built_at', 'build_id') order by ordinal_position",
                [schema, name],
            ).fetchall()
        )
        assert columns, table
        return int(
            connection.sql(
                f"select count(*) from ("
                f"(select {columns} from {table} except all select {columns} from other.{table})"
                f" union all "
                f"(select {columns} from other.{table} except all select {columns} from {table}))"
            ).fetchall()[0][0]
        )


def assert_orders_are_the_visible_truth(control: Control, warehouse: Path) -> None:
    """fct_orders holds every order the truth has, except Amazon orders last updated inside
    Amazon's two-minute blind spot and first created after the previous ingest: no real
    ingest can see those yet."""
    now = datetime.fromisoformat(control.get("/clock")["now"].replace("Z", "+00:00"))
    blind_from = now - AMAZON_LAG
    marts = {
        (store, order)
        for store, order in query(warehouse, "select store_id, order_id from marts.fct_orders")
    }
    unseen = set()
    for row in control.truth()["orders"]:
        for order in control.get("/truth/orders", storefront=row["storefront"])["orders"]:
            key = (row["store_id"], order["id"])
            if key in marts:
                continue
            updated = datetime.fromisoformat(order["updated_at"].replace("Z", "+00:00"))
            assert row["channel"] == "amazon", order
            assert updated > blind_from, order
            unseen.add(key)
    assert len(unseen) <= 3


def test_incremental_build_equals_a_full_refresh_after_live_demand(
    ingest_world: Callable[..., tuple[dict[str, Any], Control, Ingest]], tmp_path: Path
) -> None:
    _, control, ingest = ingest_world(scale="small")
    ingest.run()
    first = dbt(ingest.database, "build")
    assert first.ok, first.explain()
    before = query(ingest.database, "select count(*), max(loaded_at_epoch) from marts.fct_orders")

    rates = {"shopify": 30, "amazon_us": 20, "amazon_de": 8, "tiktok_shop": 15}
    control.post("/live", {"enabled": True, "orders_per_hour": rates})
    control.advance(6 * 3600)
    control.post("/live", {"enabled": False})
    control.advance(AMAZON_MARGIN_S)
    ingest.run()

    incremental = dbt(ingest.database, "build", "--selector", "refresh")
    assert incremental.ok, incremental.explain()
    rebuilt = {
        result.unique_id.split(".")[-1]
        for result in incremental.results
        if result.unique_id.startswith("model.")
    }
    assert {"fct_orders", "fct_order_lines", "fct_inventory_positions"} <= rebuilt
    # Views change only with code; two intermediate models store data.
    assert {name for name in rebuilt if name.startswith(("stg_", "int_"))} == {
        "int_customers_resolved",
        "int_skus_mapped",
    }
    assert not [r for r in incremental.results if r.unique_id.startswith(("seed.", "unit_test."))]
    tests = [r.unique_id for r in incremental.results if r.unique_id.startswith("test.")]
    assert len(tests) >= 50
    seeds = [path.stem for path in (DBT_PROJECT_DIR / "seeds").glob("*.csv")]
    assert not [test for test in tests if any(f"_{seed}_" in test for seed in seeds)]
    after = query(
        ingest.database,
        f"select count(*), count(*) filter (where loaded_at_epoch > {before[0][1]})"
        " from marts.fct_orders",
    )
    assert after[0][0] > before[0][0]
    assert 0 < after[0][1] < after[0][0] // 2
    assert_orders_are_the_visible_truth(control, ingest.database)

    full = tmp_path / "full.duckdb"
    shutil.copy2(ingest.database, full)
    refreshed = dbt(full, "build", "--full-refresh")
    assert refreshed.ok, refreshed.explain()
    for table in REBUILT_TABLES:
        assert differences(ingest.database, full, table) == 0, table


def test_a_buyer_whose_email_changes_takes_their_older_orders_along(
    built_world: BuiltWorld, tmp_path: Path
) -> None:
    """A Shopify customer edits their email: the refresh resolves them to a new customer and
    moves the orders they placed before, as a full refresh would."""
    warehouse = copy_of(built_world, tmp_path)
    buyer, order_count = query(
        warehouse,
        "select regexp_extract(customer__id, '[0-9]+$'), count(*) from raw_shopify.orders"
        " where customer__id is not null group by all order by count(*) desc, 1 limit 1",
    )[0]
    assert order_count >= 2
    orders_of_buyer = (
        "select distinct customer_id from marts.fct_orders where channel = 'shopify' and"
        " order_id in (select cast(legacy_resource_id as varchar) from raw_shopify.orders"
        f" where customer__id = 'gid://shopify/Customer/{buyer}')"
    )
    (before,) = query(warehouse, orders_of_buyer)
    execute(
        warehouse,
        "update raw_shopify.customers set email = 'moved.buyer@example.org',"
        f" updated_at = updated_at + interval 1 day, _dlt_load_id = '{NEW_LOAD}'"
        f" where id = {buyer}",
    )

    refresh = dbt(warehouse, "build", "--selector", "refresh")
    assert refresh.ok, refresh.explain()
    (after,) = query(warehouse, orders_of_buyer)
    assert after != before
    assert query(
        warehouse,
        "select previous_customer_id from intermediate.int_customers_resolved"
        f" where channel = 'shopify' and customer_ref = '{buyer}'",
    ) == [before]

    full = tmp_path / "full.duckdb"
    shutil.copy2(warehouse, full)
    refreshed = dbt(full, "build", "--full-refresh")
    assert refreshed.ok, refreshed.explain()
    assert query(full, orders_of_buyer) == [after]
    for table in REBUILT_TABLES[1:]:
        assert differences(warehouse, full, table) == 0, table
