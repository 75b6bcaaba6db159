"""The reactor's view of stock: the last build's figures plus what events said since.

The book loads the marts of the last published build (the serving copy, which no writer ever
holds) into an in-memory DuckDB, and keeps two overlays of *absolute* states learned from
events: an order's units as its latest event shows them, and a warehouse cell's on-hand as
the 3PL last reported it. Absolute, never deltas: an order seen by an event and again by the
next build replaces its own rows instead of adding to them, so no line is ever counted
twice, whichever way it arrives first. An overlay older than what the build knows of the same
order or cell is ignored, so once a build has caught up the book equals the marts.

Positions and targets are computed by the same macros dbt uses (realtime.rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from realtime.rules import inventory_positions_sql, stock_target_sql

# The build's tables the book needs, copied whole (a few rows per SKU, order and listing).
BUILD_TABLES = {
    "products": "select sku, is_bundle, safety_stock from built.marts.dim_products",
    "components": "select sku, component_sku, units_per_sku from built.marts.dim_sku_components",
    "stock_levels": "select sku, location_code, on_hand, updated_at "
    "from built.marts.fct_stock_levels",
    "commitments": "select channel, store_id, order_id, component_sku, ordered_units, "
    "shipped_units, committed_units from built.marts.fct_stock_commitments",
    "known_orders": "select channel, store_id, order_id, max(updated_at) as updated_at "
    "from built.marts.fct_order_lines group by all",
    "listings": "select * from built.marts.inventory_push_targets",
    # How a channel's line names a SKU, and what the build knows of each order's lines (a
    # notification without lines, TikTok's, is read against them).
    "listing_skus": "select distinct channel, store_id, seller_sku, variant_id, sku "
    "from built.marts.dim_channel_listings where sku is not null",
    "known_lines": "select channel, store_id, order_id, sku, sum(quantity) as quantity "
    "from built.marts.fct_order_lines where sku is not null and fulfilled_by = 'merchant' "
    "group by all",
}

OVERLAYS = """
create table if not exists order_overlays (
    channel varchar, store_id varchar, order_id varchar, updated_at timestamp,
    primary key (channel, store_id, order_id)
);
create table if not exists order_overlay_units (
    channel varchar, store_id varchar, order_id varchar, component_sku varchar,
    ordered_units integer, shipped_units integer  -- null: what the build knew
);
create table if not exists shown_overlays (
    listing_key varchar primary key, shown integer, changed_at timestamp
);
create table if not exists stock_overlays (
    sku varchar, location_code varchar, on_hand integer, changed_at timestamp,
    primary key (sku, location_code)
);
"""

# What stock looks like now: the build's rows, each replaced by a newer overlay.
CURRENT_STATE = """
create or replace temp view current_levels as
select
    coalesce(o.sku, l.sku) as sku,
    coalesce(o.location_code, l.location_code) as location_code,
    case when o.sku is not null and (l.updated_at is null or o.changed_at > l.updated_at)
        then o.on_hand else l.on_hand end as on_hand
from stock_levels as l
full outer join stock_overlays as o on l.sku = o.sku and l.location_code = o.location_code;

create or replace temp view current_stock_on_hand as
select sku, sum(on_hand) as on_hand, cast(null as timestamp) as snapshot_at
from current_levels group by sku;

create or replace temp view newer_orders as
select o.channel, o.store_id, o.order_id
from order_overlays as o
left join known_orders as k
    on o.channel = k.channel and o.store_id = k.store_id and o.order_id = k.order_id
where k.updated_at is null or o.updated_at > k.updated_at;

create or replace temp view current_commitments as
select c.component_sku, c.committed_units
from commitments as c
anti join newer_orders as n
    on c.channel = n.channel and c.store_id = n.store_id and c.order_id = n.order_id
union all
select
    u.component_sku,
    greatest(u.ordered_units - coalesce(u.shipped_units, c.shipped_units, 0), 0)
from order_overlay_units as u
semi join newer_orders as n
    on u.channel = n.channel and u.store_id = n.store_id and u.order_id = n.order_id
left join commitments as c
    on u.channel = c.channel and u.store_id = c.store_id and u.order_id = c.order_id
    and u.component_sku = c.component_sku;

create or replace temp view current_committed as
select component_sku as sku, sum(committed_units) as committed
from current_commitments group by component_sku;
"""


def naive_utc(moment: datetime) -> datetime:
    """The marts hold UTC timestamps without a zone; events carry one."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


@dataclass(frozen=True)
class ListingTarget:
    listing_key: str
    channel: str
    store_id: str
    sku: str | None
    target: int | None  # None: not pushable (the mart says why)
    built_target: int | None  # what the last build said


class StockBook:
    def __init__(self) -> None:
        self.db = duckdb.connect()  # in memory: the reactor's own, never the warehouse
        self.db.execute(OVERLAYS)
        self.build_id: str | None = None
        self.published_at: datetime | None = None  # when the build was published (UTC)

    def load_build(self, serving_copy: Path) -> str:
        """Take the marts of the build published at `serving_copy`; keep the overlays."""
        self.db.execute(f"attach '{serving_copy}' as built (read_only)")
        try:
            for table, query in BUILD_TABLES.items():
                self.db.execute(f"create or replace table {table} as {query}")
            published = (
                self.db.execute("select max(published_at) from built.meta.publication").fetchone()
                if self._has_publication()
                else None
            )
        finally:
            self.db.execute("detach built")
        self.db.execute(CURRENT_STATE)
        build = self.db.execute("select any_value(build_id) from listings").fetchone()
        self.build_id = None if build is None else build[0]
        self.published_at = None if published is None else published[0]
        return self.build_id or ""

    def _has_publication(self) -> bool:
        """A serving copy says when it was published; a working warehouse copy does not."""
        found = self.db.execute(
            "select count(*) from duckdb_tables() where database_name = 'built' "
            "and schema_name = 'meta' and table_name = 'publication'"
        ).fetchone()
        return bool(found and found[0])

    def set_order(
        self,
        channel: str,
        store_id: str,
        order_id: str,
        updated_at: datetime,
        ordered_units: dict[str, int],
        shipped_units: dict[str, int] | None = None,
    ) -> None:
        """An order's state as its latest events show it: the units its open, merchant-
        fulfilled lines take per component SKU (empty when it no longer holds stock), and,
        when the warehouse has said, the units it shipped for the order (else the build's)."""
        key = (channel, store_id, order_id)
        updated_at = naive_utc(updated_at)
        known = self.db.execute(
            "select updated_at from order_overlays where channel = ? and store_id = ? "
            "and order_id = ?",
            key,
        ).fetchone()
        if known is not None and known[0] is not None and known[0] >= updated_at:
            return  # an older event arriving late: the book already knows better
        self.db.execute(
            "delete from order_overlay_units where channel = ? and store_id = ? and order_id = ?",
            key,
        )
        self.db.execute(
            "insert or replace into order_overlays values (?, ?, ?, ?)", (*key, updated_at)
        )
        rows = [
            (*key, sku, units, None if shipped_units is None else shipped_units.get(sku, 0))
            for sku, units in sorted(ordered_units.items())
            if units
        ]
        if rows:
            self.db.executemany("insert into order_overlay_units values (?, ?, ?, ?, ?, ?)", rows)

    def set_stock(self, sku: str, location_code: str, on_hand: int, changed_at: datetime) -> None:
        changed_at = naive_utc(changed_at)
        self.db.execute(
            "insert into stock_overlays values (?, ?, ?, ?) on conflict do update set "
            "on_hand = excluded.on_hand, changed_at = excluded.changed_at "
            "where excluded.changed_at > stock_overlays.changed_at",
            (sku, location_code, on_hand, changed_at),
        )

    def set_shown(
        self,
        channel: str,
        store_id: str,
        inventory_item_id: str,
        location_id: str,
        shown: int,
        changed_at: datetime,
    ) -> None:
        """What a listing displays now, as its channel said; the push compares against it."""
        found = self.db.execute(
            "select listing_key from listings where channel = ? and store_id = ? and "
            "inventory_item_id = ? and location_id = ?",
            (channel, store_id, inventory_item_id, location_id),
        ).fetchone()
        if found is None:
            return  # a listing the build does not know: nothing of ours to push to it
        self.db.execute(
            "insert into shown_overlays values (?, ?, ?) on conflict do update set "
            "shown = excluded.shown, changed_at = excluded.changed_at "
            "where excluded.changed_at >= shown_overlays.changed_at",
            (found[0], shown, naive_utc(changed_at)),
        )

    def shown(self) -> dict[str, int]:
        """listing_key -> what the channel last said the listing displays."""
        return dict(self.db.execute("select listing_key, shown from shown_overlays").fetchall())

    def components_of(self, sku: str) -> dict[str, int]:
        rows = self.db.execute(
            "select component_sku, units_per_sku from components where sku = ?", (sku,)
        ).fetchall()
        return {component: int(units) for component, units in rows}

    def sku_of(
        self, channel: str, store_id: str, seller_sku: str | None, variant_id: str | None
    ) -> str | None:
        """The canonical SKU a channel's line names, as the build mapped its listing."""
        found = self.db.execute(
            "select any_value(sku) from listing_skus where channel = ? and store_id = ? and "
            "((? is not null and variant_id = ?) or (? is not null and seller_sku = ?))",
            (channel, store_id, variant_id, variant_id, seller_sku, seller_sku),
        ).fetchone()
        return None if found is None else found[0]

    def known_lines(self, channel: str, store_id: str, order_id: str) -> dict[str, int] | None:
        """SKU -> units of the order's merchant-fulfilled lines, as the build knows them;
        None when the build has never seen the order."""
        rows = self.db.execute(
            "select sku, quantity from known_lines where channel = ? and store_id = ? "
            "and order_id = ?",
            (channel, store_id, order_id),
        ).fetchall()
        return {sku: int(quantity) for sku, quantity in rows} or None

    def snapshot_at(self) -> datetime | None:
        """When the warehouse snapshot behind the build was taken (the push guard's age)."""
        row = self.db.execute("select min(stock_snapshot_at) from listings").fetchone()
        return None if row is None else row[0]

    def positions(self) -> dict[str, int]:
        """available_to_sell per SKU, now."""
        return {sku: ats for sku, (_, ats) in self.stock_positions().items()}

    def stock_positions(self) -> dict[str, tuple[int, int]]:
        """(on_hand, available_to_sell) per SKU now, as fct_inventory_positions has them
        (a bundle's on_hand: the kits its on-hand components make)."""
        query = inventory_positions_sql(
            "products", "components", "current_stock_on_hand", "current_committed"
        )
        rows = self.db.execute(
            f"select sku, on_hand, available_to_sell from ({query})"  # noqa: S608 - our macro
        ).fetchall()
        return {sku: (int(on_hand), int(ats)) for sku, on_hand, ats in rows}

    def targets(self) -> list[ListingTarget]:
        positions = inventory_positions_sql(
            "products", "components", "current_stock_on_hand", "current_committed"
        )
        target = stock_target_sql(
            "positions.available_to_sell",
            "listings.allocation_percent",
            "listings.buffer_units",
            "listings.minimum_units",
            "listings.maximum_units",
        )
        rows = self.db.execute(
            f"""
            with positions as ({positions})
            select
                listings.listing_key, listings.channel, listings.store_id, listings.sku,
                case when listings.is_pushable then cast({target} as integer) end,
                listings.target_quantity
            from listings
            left join positions on listings.sku = positions.sku
            order by listings.listing_key
            """  # noqa: S608 - our own macros
        ).fetchall()
        return [ListingTarget(*row) for row in rows]
