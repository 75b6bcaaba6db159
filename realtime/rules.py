"""The stock rules, from the one place they are written: dbt_project/macros/stock_rules.sql.

The marts and the reactor must give a listing the same number on the same state, so the
reactor does not restate the arithmetic: it renders the very macros dbt renders (plain SQL
in plain Jinja, no dbt context needed) and runs them in DuckDB over its own tables.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

STOCK_RULES = Path(__file__).resolve().parent.parent / "dbt_project" / "macros" / "stock_rules.sql"


@cache
def _macros() -> Any:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)  # noqa: S701 - SQL, not HTML
    return environment.from_string(STOCK_RULES.read_text()).module


def inventory_positions_sql(
    products: str, components: str, stock_on_hand: str, committed: str
) -> str:
    """A query of every SKU's position over the four named relations (see the macro)."""
    return str(_macros().inventory_positions(products, components, stock_on_hand, committed))


def stock_target_sql(
    available: str,
    allocation_percent: str,
    buffer_units: str,
    minimum_units: str,
    maximum_units: str,
) -> str:
    """The target expression over the named columns (see the macro)."""
    return str(
        _macros().stock_target(
            available, allocation_percent, buffer_units, minimum_units, maximum_units
        )
    )
