"""What each channel's raw contract says about its tables: which resource writes which table.

The contracts (`dlt_sources/contracts/<slug>.schema.yaml`) are the schemas dlt loads with, so
they are the one authority on where a raw table comes from. The orchestration layer reads them
to attach each dbt source table to the dlt resource that loads it, instead of keeping a second
hand-written map that would drift from the sources.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml

from dlt_sources.common.pipeline import CONTRACTS


@functools.cache
def contract_tables(slug: str) -> dict[str, dict[str, Any]]:
    """The data tables of `slug`'s contract (dlt's own `_dlt_*` tables left out)."""
    document = yaml.safe_load((CONTRACTS / f"{slug}.schema.yaml").read_text())
    tables: dict[str, dict[str, Any]] = document.get("tables") or {}
    return {name: table for name, table in tables.items() if not name.startswith("_dlt")}


def resource_of(slug: str, table: str) -> str:
    """The resource that loads `raw_<slug>.<table>`; a nested table belongs to its root's."""
    tables = contract_tables(slug)
    if table not in tables:
        raise KeyError(
            f"raw_{slug}.{table} is not in the {slug} contract "
            f"(dlt_sources/contracts/{slug}.schema.yaml); known: {', '.join(sorted(tables))}"
        )
    current = tables[table]
    while "resource" not in current and current.get("parent") in tables:
        current = tables[current["parent"]]
    if "resource" not in current:
        raise KeyError(f"raw_{slug}.{table} names no resource in the {slug} contract")
    return str(current["resource"])


def tables_of(slug: str, resource: str) -> list[str]:
    """The top-level tables `resource` loads (nested child tables follow their parent)."""
    return sorted(
        name
        for name, table in contract_tables(slug).items()
        if "parent" not in table and table.get("resource") == resource
    )
