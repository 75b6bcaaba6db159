"""The suites: for each, the mart it describes, the rows it reads and what it expects.

Each suite reads one frame with SQL (only the columns it needs; for the order tables only the
rows the latest build wrote, as the dbt tests do, so a 15-minute refresh checks its increment
and the nightly full build checks everything) and validates it with Great Expectations.
`blocking` suites guard the stock pushes: when one fails, no push runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from orchestration.quality.currencies import iso_currencies
from orchestration.quality.thresholds import QualityThresholds

Expectations = Callable[[QualityThresholds], list[Any]]
Query = Callable[[Sequence[str]], str]  # raw datasets present -> SQL


@dataclass(frozen=True)
class Suite:
    name: str
    model: str  # the mart (dbt model name) the suite is a check of
    blocking: bool
    description: str
    query: Query
    expectations: Expectations
    id_columns: tuple[str, ...]
    reads_raw: bool = False


def _orders_amounts(_raw: Sequence[str]) -> str:
    return """
        with latest as (
            select * from marts.fct_orders
            where built_at = (select max(built_at) from marts.fct_orders)
        ),
        lines as (
            select order_key, sum(gross_amount) as lines_gross_amount
            from marts.fct_order_lines
            where order_key in (select order_key from latest)
            group by order_key
        )
        select
            latest.order_key,
            latest.gross_amount::double as gross_amount,
            latest.discount_amount::double as discount_amount,
            latest.tax_amount::double as tax_amount,
            latest.shipping_amount::double as shipping_amount,
            latest.total_amount::double as total_amount,
            coalesce(lines.lines_gross_amount, 0)::double as lines_gross_amount
        from latest
        left join lines on latest.order_key = lines.order_key
    """


def _amount_expectations(_limits: QualityThresholds) -> list[Any]:
    import great_expectations.expectations as gxe  # noqa: PLC0415 - 5 s import, only when run

    amounts = ["gross_amount", "discount_amount", "tax_amount", "shipping_amount", "total_amount"]
    return [
        *(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0) for column in amounts),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="gross_amount", column_B="lines_gross_amount"),
    ]


def _orders_currencies(_raw: Sequence[str]) -> str:
    return """
        select order_key, currency, reporting_currency
        from marts.fct_orders
        where built_at = (select max(built_at) from marts.fct_orders)
    """


def _currency_expectations(_limits: QualityThresholds) -> list[Any]:
    import great_expectations.expectations as gxe  # noqa: PLC0415

    codes = sorted(iso_currencies())
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="currency"),
        gxe.ExpectColumnValuesToBeInSet(column="currency", value_set=codes),
        gxe.ExpectColumnValuesToBeInSet(column="reporting_currency", value_set=codes),
    ]


def _positions(_raw: Sequence[str]) -> str:
    return "select sku, on_hand, available_to_sell from marts.fct_inventory_positions"


def _position_expectations(_limits: QualityThresholds) -> list[Any]:
    import great_expectations.expectations as gxe  # noqa: PLC0415

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="available_to_sell"),
        gxe.ExpectColumnValuesToBeBetween(column="available_to_sell", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="on_hand", column_B="available_to_sell", or_equal=True
        ),
    ]


def _listings(_raw: Sequence[str]) -> str:
    return "select listing_key, channel, mapping_method from marts.dim_channel_listings"


def _mapping_expectations(limits: QualityThresholds) -> list[Any]:
    import great_expectations.expectations as gxe  # noqa: PLC0415

    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToNotBeInSet(
            column="mapping_method", value_set=["unmapped"], mostly=limits.min_mapping_coverage
        ),
    ]


def _channel_loads(raw: Sequence[str]) -> str:
    """Minutes since each channel's last successful load (null: never loaded)."""
    listed = "select distinct channel from marts.dim_channel_listings union select 'warehouse'"
    loads = " union all ".join(
        # Dataset names come from the warehouse's own catalog (raw_<slug>), not from input.
        f"select '{dataset.removeprefix('raw_')}' as channel, max(inserted_at) as loaded_at "  # noqa: S608
        f"from {dataset}._dlt_loads where status = 0"
        for dataset in raw
    )
    known = loads or "select null::varchar as channel, null::timestamptz as loaded_at"
    query = f"""
        with channels as ({listed}),
        loads as ({known})
        select
            channels.channel,
            date_diff('second', loads.loaded_at, current_timestamp) / 60.0
                as minutes_since_last_load
        from channels
        left join loads on channels.channel = loads.channel
    """  # noqa: S608 - dataset names come from the warehouse catalog (raw_<slug>)
    return query


def _freshness_expectations(limits: QualityThresholds) -> list[Any]:
    import great_expectations.expectations as gxe  # noqa: PLC0415

    return [
        gxe.ExpectColumnValuesToNotBeNull(column="minutes_since_last_load"),
        gxe.ExpectColumnValuesToBeBetween(
            column="minutes_since_last_load", max_value=limits.max_load_age_minutes
        ),
    ]


SUITES: tuple[Suite, ...] = (
    Suite(
        name="order_amounts",
        model="fct_orders",
        blocking=False,
        description="Order amounts are non-negative and each order's gross equals the sum of "
        "its lines (orders of the latest build).",
        query=_orders_amounts,
        expectations=_amount_expectations,
        id_columns=("order_key",),
    ),
    Suite(
        name="order_currencies",
        model="fct_orders",
        blocking=False,
        description="Order and reporting currencies are ISO 4217 codes in circulation.",
        query=_orders_currencies,
        expectations=_currency_expectations,
        id_columns=("order_key",),
    ),
    Suite(
        name="stock_within_on_hand",
        model="fct_inventory_positions",
        blocking=True,
        description="available_to_sell is set, never negative and never above on_hand.",
        query=_positions,
        expectations=_position_expectations,
        id_columns=("sku",),
    ),
    Suite(
        name="sku_mapping_coverage",
        model="dim_channel_listings",
        blocking=True,
        description="Enough channel listings map to a canonical SKU ([quality] "
        "min_mapping_coverage).",
        query=_listings,
        expectations=_mapping_expectations,
        id_columns=("listing_key",),
    ),
    Suite(
        name="channels_fresh",
        model="inventory_push_targets",
        blocking=True,
        description="Every channel behind the stock targets (and the warehouse) loaded "
        "successfully within [quality] max_load_age_minutes.",
        query=_channel_loads,
        expectations=_freshness_expectations,
        id_columns=("channel",),
        reads_raw=True,
    ),
)
