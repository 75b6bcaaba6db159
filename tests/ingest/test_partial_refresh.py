"""A full refresh of some resources (a Dagster subset) reloads only those resources' tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.helpers.clients import Control
from tests.ingest.raw import Ingest


def test_a_full_refresh_of_one_resource_keeps_the_other_resources_tables(
    ingest_world: Callable[..., tuple[dict[str, Any], Control, Ingest]],
) -> None:
    _, _, ingest = ingest_world(scale="tiny")
    ingest.run("warehouse")
    counts = (
        "select (select count(*) from raw_warehouse.items), "
        "(select count(*) from raw_warehouse.shipments)"
    )
    items, shipments = ingest.sql(counts)[0]
    assert items > 0
    assert shipments > 0

    reports = ingest.run("warehouse", resources=["items"], full_refresh=True)

    assert reports["warehouse"].rows["items"] == items  # reloaded from scratch
    assert "shipments" not in reports["warehouse"].rows
    assert ingest.sql(counts)[0] == (items, shipments)  # the shipments were left alone
