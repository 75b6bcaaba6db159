"""Routing rows to tables with their keys, write disposition and schema contract.

One API pass often feeds several tables (orders and their line items; products, variants
and stock), so resources tag each batch with the table it belongs to instead of making a
second pass over a rate-limited API.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dlt
from dlt.common.schema.typing import TColumnSchema, TSchemaContractDict, TWriteDisposition

# New tables may appear (a first load, a nested list seen for the first time), but once a
# table exists its columns and types are frozen: a renamed or added upstream field stops the
# load with a contract error naming table and column, instead of loading silent nulls.
# `tributary ingest --evolve-schema` accepts the change after review.
FROZEN: TSchemaContractDict = {"tables": "evolve", "columns": "freeze", "data_type": "freeze"}
EVOLVING: TSchemaContractDict = {"tables": "evolve", "columns": "evolve", "data_type": "evolve"}


def to_table(
    table: str,
    rows: list[dict[str, Any]],
    *,
    primary_key: Sequence[str] = (),
    write_disposition: TWriteDisposition = "merge",
    columns: dict[str, TColumnSchema] | None = None,
) -> Any:
    """Mark a batch of rows for `table`, with the hints that table needs.

    An explicit empty key list matters: a table variant would otherwise inherit the primary
    key of the resource that produced it.
    """
    hints = dlt.mark.make_hints(
        table_name=table,
        primary_key=list(primary_key),
        write_disposition=write_disposition,
        columns=columns,
    )
    return dlt.mark.with_hints(rows, hints, create_table_variant=True)


def stamp(rows: list[dict[str, Any]], channel: str, store_id: str) -> list[dict[str, Any]]:
    """Add the `channel` and `store_id` every raw row carries (in place; returns the rows)."""
    for row in rows:
        row["channel"] = channel
        row["store_id"] = store_id
    return rows
