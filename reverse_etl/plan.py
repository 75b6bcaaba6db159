"""The push plan: the listings whose target differs from what their channel shows.

Read from the `inventory_push_targets` mart, the only input of reverse ETL. Quantities are
absolute (the number the listing should show), never deltas, so a retried write cannot
apply twice. Listings the mart marks not pushable (unmapped, marketplace-fulfilled, no stock
position or allocation rule) are never planned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb


@dataclass(frozen=True)
class ListingChange:
    """One listing to set: its channel's handles on it, what it showed, what it should."""

    channel: str
    store_id: str
    listing_key: str
    sku: str
    seller_sku: str | None
    product_id: str | None
    variant_id: str | None
    inventory_item_id: str | None
    location_id: str | None
    previous: int | None  # what the channel showed at the last ingest
    target: int
    on_hand: int  # physical units of the SKU behind the target (bundles: what they can make)
    # When the build's ingest read the listing's channel (UTC): a fast-path write after it
    # knows more than this target does (reverse_etl.fast_path).
    read_at: datetime | None = None

    @property
    def drops_to_zero(self) -> bool:
        return self.target == 0 and (self.previous or 0) > 0

    @property
    def returns_from_zero(self) -> bool:
        return self.target > 0 and (self.previous or 0) == 0


@dataclass(frozen=True)
class ChannelSummary:
    channel: str
    pushable_listings: int
    changing: int
    to_zero: int
    from_zero: int
    units_offered: int  # sum of the targets of every pushable listing of the channel


@dataclass
class Plan:
    changes: list[ListingChange]
    pushable_by_channel: dict[str, int]
    # Per storefront (channel, store_id): one channel may have several storefronts (Amazon
    # US and DE) that each show the same warehouse units, so only a storefront's own sum
    # can be held against the units that exist.
    units_offered_by_storefront: dict[tuple[str, str], int]
    physical_units: int
    stock_snapshot_at: datetime | None
    unpushable: dict[str, int] = field(default_factory=dict)
    build_ids: set[str] = field(default_factory=set)  # the dbt builds behind the targets

    def for_channel(self, channel: str) -> list[ListingChange]:
        return [change for change in self.changes if change.channel == channel]

    def summaries(self) -> list[ChannelSummary]:
        channels = sorted(set(self.pushable_by_channel) | {c.channel for c in self.changes})
        return [
            ChannelSummary(
                channel=channel,
                pushable_listings=self.pushable_by_channel.get(channel, 0),
                changing=len(self.for_channel(channel)),
                to_zero=sum(change.drops_to_zero for change in self.for_channel(channel)),
                from_zero=sum(change.returns_from_zero for change in self.for_channel(channel)),
                units_offered=sum(
                    units
                    for (of_channel, _), units in self.units_offered_by_storefront.items()
                    if of_channel == channel
                ),
            )
            for channel in channels
        ]

    def describe(self) -> str:
        lines = [
            f"{s.channel}: {s.changing} of {s.pushable_listings} listings change, "
            f"{s.to_zero} to zero, {s.from_zero} back from zero, {s.units_offered} units offered"
            for s in self.summaries()
        ]
        return "\n".join(lines) or "no pushable listings"


# What each listing shows now: the quantity the last ingest read, unless a push observed the
# listing after that ingest (then what the push read back), so that a second push before
# the next ingest plans nothing for listings already at their target.
PLAN_QUERY = """
with observed as (
    select listing_key, observed, updated_at
    from reverse_etl.push_ledger
    where observed is not null
    qualify row_number() over (partition by listing_key order by updated_at desc) = 1
)
select
    targets.channel, targets.store_id, targets.listing_key, targets.sku,
    targets.seller_sku, targets.product_id, targets.variant_id,
    targets.inventory_item_id, targets.location_id,
    case
        when observed.updated_at > targets.read_at then observed.observed
        else targets.reported_quantity
    end,
    targets.target_quantity,
    coalesce(positions.on_hand, 0), targets.read_at,
    targets.is_pushable, targets.not_pushable_reason, targets.stock_snapshot_at, targets.build_id
from (
    select
        *,
        make_timestamp(cast(reported_loaded_at_epoch * 1000000 as bigint)) as read_at
    from marts.inventory_push_targets
) as targets
left join marts.fct_inventory_positions as positions on targets.sku = positions.sku
left join observed on targets.listing_key = observed.listing_key
where ? or targets.channel in (select unnest(?::varchar[]))
order by targets.channel, targets.store_id, targets.listing_key
"""


def read_plan(connection: duckdb.DuckDBPyConnection, channels: Sequence[str] | None = None) -> Plan:
    """The plan for `channels` (default: every channel the mart holds). Needs the ledger's
    tables (ledger.ensure_tables)."""
    rows = connection.execute(PLAN_QUERY, [not channels, list(channels or [])]).fetchall()
    physical = connection.execute(
        "select coalesce(sum(on_hand), 0) from marts.fct_inventory_positions"
    ).fetchone()
    return build_plan(rows, int(physical[0]) if physical else 0)


def build_plan(rows: Iterable[tuple[Any, ...]], physical_units: int) -> Plan:
    changes: list[ListingChange] = []
    pushable: dict[str, int] = {}
    offered: dict[tuple[str, str], int] = {}
    unpushable: dict[str, int] = {}
    snapshots: list[datetime] = []
    build_ids: set[str] = set()
    for row in rows:
        channel, *_, is_pushable, reason, snapshot_at, build_id = row
        build_ids.add(str(build_id) if build_id else "")
        if not is_pushable:
            unpushable[reason or "unknown"] = unpushable.get(reason or "unknown", 0) + 1
            continue
        change = ListingChange(
            channel=channel,
            store_id=row[1],
            listing_key=row[2],
            sku=row[3],
            seller_sku=row[4],
            product_id=row[5],
            variant_id=row[6],
            inventory_item_id=row[7],
            location_id=row[8],
            previous=None if row[9] is None else int(row[9]),
            target=int(row[10]),
            on_hand=int(row[11]),
            read_at=row[12],
        )
        pushable[channel] = pushable.get(channel, 0) + 1
        storefront = (channel, change.store_id)
        offered[storefront] = offered.get(storefront, 0) + change.target
        if snapshot_at is not None:
            snapshots.append(snapshot_at)
        if change.previous != change.target:
            changes.append(change)
    return Plan(
        changes=changes,
        pushable_by_channel=pushable,
        units_offered_by_storefront=offered,
        physical_units=physical_units,
        stock_snapshot_at=min(snapshots) if snapshots else None,
        unpushable=unpushable,
        build_ids=build_ids,
    )
