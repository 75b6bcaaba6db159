"""An order's unified status from its channel's status fields, by the dbt seed that maps them.

The marts decide which orders hold stock with the `order_status_map` seed (each field's
value maps to a unified status with a precedence; the order takes the mapped status of
lowest precedence, see int_orders_statuses_mapped). The reactor reads the same file, from
the same rules directory as dbt (core.rules), so an order an event shows as cancelled is
released by the same rule that releases it in the marts. A value the seed does not know
gives None: the reactor then keeps the build's view of the order instead of guessing.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from core.rules import seeds_dir

# Unified statuses whose merchant-fulfilled lines hold stock (fct_stock_commitments).
HOLDING_STATUSES = frozenset({"pending", "open", "partially_fulfilled"})


def _status_map() -> dict[tuple[str, str, str], tuple[int, str]]:
    """The seed as it is now: an edit reaches the reactor when it reaches the next build."""
    path = seeds_dir() / "order_status_map.csv"
    return _read_status_map(path, path.stat().st_mtime_ns)


@cache
def _read_status_map(path: Path, _modified_ns: int) -> dict[tuple[str, str, str], tuple[int, str]]:
    with path.open(newline="") as file:
        return {
            (row["channel"], row["status_field"], row["source_status"]): (
                int(row["precedence"]),
                row["unified_status"],
            )
            for row in csv.DictReader(file)
        }


def unified_status(channel: str, fields: Mapping[str, str | None]) -> str | None:
    """The order's unified status from its (field -> value) pairs; None when a value is
    unknown to the seed. Shopify's `cancelled = false` maps to nothing, as in the marts."""
    mapped = []
    for field, value in fields.items():
        if value is None:
            continue
        found = _status_map().get((channel, field, value))
        if found is None:
            if channel == "shopify" and field == "cancelled" and value == "false":
                continue
            return None
        mapped.append(found)
    return min(mapped)[1] if mapped else None
