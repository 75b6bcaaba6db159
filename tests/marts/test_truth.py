"""On the small world, `dbt build` passes every test and the marts equal the sandbox truth."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from tests.helpers.listings import listing_key
from tests.marts.conftest import SAFETY_STOCK, BuiltWorld


def test_build_passes_every_model_and_test(built_world: BuiltWorld) -> None:
    build = built_world.build
    assert build.ok, build.explain()
    assert not build.failures
    kinds = Counter(result.unique_id.split(".")[0] for result in build.results)
    assert kinds["model"] >= 30
    assert kinds["unit_test"] >= 8
    assert kinds["test"] >= 60
    assert kinds["seed"] == 8


def test_orders_units_and_gross_per_currency_equal_the_truth(built_world: BuiltWorld) -> None:
    marts = {
        (channel, store): (orders, lines, units, gross, currency)
        for channel, store, currency, orders, lines, units, gross in built_world.sql(
            "select channel, store_id, currency, count(*), sum(line_count), sum(unit_count),"
            " sum(gross_amount) from marts.fct_orders group by all"
        )
    }
    truth = {
        (row["channel"], row["store_id"]): (
            row["orders"],
            row["lines"],
            row["units"],
            Decimal(row["gross"]),
            row["currency"],
        )
        for row in built_world.control.truth()["orders"]
    }
    assert marts == truth


def test_unified_statuses_equal_the_truth(built_world: BuiltWorld) -> None:
    marts = Counter(
        {
            (channel, store, status): count
            for channel, store, status, count in built_world.sql(
                "select channel, store_id, status, count(*) from marts.fct_orders group by all"
            )
        }
    )
    truth = Counter(
        {
            (row["channel"], row["store_id"], status): count
            for row in built_world.control.truth()["orders"]
            for status, count in row["statuses"].items()
            if count
        }
    )
    assert marts == truth


def test_order_lines_equal_the_truth_per_store(built_world: BuiltWorld) -> None:
    marts = dict(
        built_world.sql(
            "select store_id, count(*) from marts.fct_order_lines group by all order by 1"
        )
    )
    truth = {row["store_id"]: row["lines"] for row in built_world.control.truth()["orders"]}
    assert marts == truth


def test_available_to_sell_is_truth_available_minus_safety_stock(built_world: BuiltWorld) -> None:
    stock = built_world.control.get("/truth/stock")["skus"]
    by_sku = {row["sku"]: row for row in stock}

    def free(sku: str) -> int:
        row = by_sku[sku]
        return sum(row["on_hand"].values()) - sum(row["committed"].values()) - SAFETY_STOCK

    expected = {}
    for row in stock:
        if row["is_bundle"]:
            kits = min(free(part["sku"]) // part["quantity"] for part in row["components"])
            expected[row["sku"]] = max(kits, 0)
        else:
            assert free(row["sku"]) + SAFETY_STOCK == row["available"]
            expected[row["sku"]] = max(row["available"] - SAFETY_STOCK, 0)
    marts = dict(
        built_world.sql("select sku, available_to_sell from marts.fct_inventory_positions")
    )
    assert marts == expected
    assert any(row["is_bundle"] for row in stock)
    assert sum(1 for value in expected.values() if value == 0) < len(expected)


def test_every_mappable_listing_is_mapped_and_the_rest_are_the_unmappable_ones(
    built_world: BuiltWorld,
) -> None:
    truth = {
        listing_key(row): (
            (None, "unmapped") if row["mapping"] == "unmappable" else (row["sku"], row["mapping"]),
            row["fulfilled_by"],
        )
        for row in built_world.control.get("/truth/listings")["listings"]
    }
    marts = {
        key: ((sku, method), fulfilled_by)
        for key, sku, method, fulfilled_by in built_world.sql(
            "select listing_key, sku, mapping_method, fulfilled_by from marts.dim_channel_listings"
        )
    }
    assert marts == truth
    methods = Counter(method for (_, method), _ in truth.values())
    assert methods["barcode"] > 0
    assert methods["unmapped"] > 0


def test_push_targets_cover_exactly_the_mapped_merchant_listings(built_world: BuiltWorld) -> None:
    rows = built_world.sql(
        "select t.is_pushable, t.not_pushable_reason, t.target_quantity, p.available_to_sell"
        " from marts.inventory_push_targets t"
        " left join marts.fct_inventory_positions p on p.sku = t.sku"
    )
    truth = built_world.control.get("/truth/listings")["listings"]
    pushable = [
        row for row in truth if row["mapping"] != "unmappable" and row["fulfilled_by"] == "merchant"
    ]
    assert sum(1 for row in rows if row[0]) == len(pushable)
    assert all(0 <= target <= available for ok, _, target, available in rows if ok)
    reasons = Counter(reason for ok, reason, _, _ in rows if not ok)
    assert set(reasons) == {"unmapped", "marketplace_fulfilled"}
