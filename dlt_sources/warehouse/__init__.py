"""The 3PL/WMS source: locations, items, kits, on-hand stock (a snapshot, replaced each run and
stamped with the moment it describes), shipments and receipts (incremental)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource

from channels.deadline import Deadline
from channels.retry import RetryPolicy
from channels.transport import RequestTally
from channels.warehouse import WarehouseClient, WarehouseConfig
from dlt_sources.common.checks import (
    Check,
    each,
    non_empty,
    positive_count,
    required,
    timestamp,
    whole_number,
)
from dlt_sources.common.dedupe import Once
from dlt_sources.common.lazy import lazily
from dlt_sources.common.quarantine import Screening, Sorter
from dlt_sources.common.tables import FROZEN, stamp, to_table
from dlt_sources.common.window import UpdateWindow, iso

CHANNEL = "warehouse"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
INVENTORY: list[Check] = [required("sku"), required("location"), whole_number("on_hand")]
SHIPMENT: list[Check] = [required("id"), timestamp("updated_at")]
KIT: list[Check] = [
    required("sku"),
    non_empty("components"),
    each("components", [required("sku"), positive_count("quantity")]),
]
RECEIPT: list[Check] = [required("id"), timestamp("received_at")]


@dlt.source(name=CHANNEL, max_table_nesting=1, schema_contract=FROZEN)
def warehouse_source(
    settings: dict[str, Any],
    lookback_minutes: float = 15.0,
    policy: RetryPolicy | None = None,
    tally: RequestTally | None = None,
    deadline: Deadline | None = None,
) -> list[DltResource]:
    client = lazily(
        lambda: WarehouseClient(
            WarehouseConfig.from_mapping(settings), policy=policy, tally=tally, deadline=deadline
        )
    )
    store_id = str(settings.get("store_id", "3pl"))
    screening = Screening.from_settings(settings)
    lookback = timedelta(minutes=lookback_minutes)

    @dlt.resource(name="locations", write_disposition="replace", primary_key=("code",))
    def locations() -> Iterator[Any]:
        yield stamp(client().locations(), CHANNEL, store_id)

    @dlt.resource(name="items", write_disposition="replace", primary_key=("sku",))
    def items() -> Iterator[Any]:
        once = Once(lambda r: r.get("sku"))
        for page in client().pages("/v1/items"):
            yield stamp(once.fresh(page.records), CHANNEL, store_id)

    def snapshot(
        path: str, table: str, rules: list[Check], key: Callable[[dict[str, Any]], Any]
    ) -> Iterator[Any]:
        """A whole table read again each run: checked rows replace the table, the rest go
        to quarantine; each row carries the `as_of` its page states, where it states one."""
        sorter, once = Sorter(CHANNEL, store_id, screening), Once(key)
        for page in client().pages(path):
            good, bad = sorter.split(
                once.fresh(page.records),
                rules,
                resource=table,
                endpoint=f"GET {path}",
                id_field="sku",
            )
            if page.as_of is not None:
                for row in good:
                    row["as_of"] = page.as_of
            if good:
                yield to_table(table, stamp(good, CHANNEL, store_id), write_disposition="replace")
            if bad:
                yield sorter.rows(bad)
        sorter.judge(snapshot=True)

    @dlt.resource(name="kits", write_disposition="replace", primary_key=("sku",))
    def kits() -> Iterator[Any]:
        """Bundle definitions; a kit with a broken component list is quarantined, not guessed."""
        yield from snapshot("/v1/kits", "kits", KIT, lambda r: r.get("sku"))

    @dlt.resource(name="inventory", write_disposition="replace")
    def inventory() -> Iterator[Any]:
        yield from snapshot(
            "/v1/inventory", "inventory", INVENTORY, lambda r: (r.get("sku"), r.get("location"))
        )

    def changes(path: str, table: str, cursor: str, rules: list[Check]) -> Iterator[Any]:
        window = UpdateWindow(dlt.current.resource_state(), lookback, EPOCH)
        sorter = Sorter(CHANNEL, store_id, screening, window)
        params = {} if window.first_run else {"updated_since": iso(window.start)}
        for page in client().pages(path, params):
            fresh = [r for r in page.records if window.is_new(str(r.get("id")), r.get(cursor) or 0)]
            good, bad = sorter.split(
                fresh, rules, resource=table, endpoint=f"GET {path}", id_field="id"
            )
            if good:
                yield to_table(table, stamp(good, CHANNEL, store_id), primary_key=("id",))
            if bad:
                yield sorter.rows(bad)
        sorter.judge()
        window.advance()

    @dlt.resource(name="shipments", write_disposition="merge", primary_key=("id",))
    def shipments() -> Iterator[Any]:
        yield from changes("/v1/shipments", "shipments", "updated_at", SHIPMENT)

    @dlt.resource(name="receipts", write_disposition="merge", primary_key=("id",))
    def receipts() -> Iterator[Any]:
        yield from changes("/v1/receipts", "receipts", "received_at", RECEIPT)

    return [locations, items, kits, inventory, shipments, receipts]
