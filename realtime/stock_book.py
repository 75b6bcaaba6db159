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

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas

from realtime.channel_sales import ChannelSales, OrderKey, ShownSince
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
    # How a channel's line names a SKU (the crosswalk fct_order_lines maps through), and what
    # the build knows of each order's lines (a notification without lines, TikTok's, is read
    # against them).
    "sku_map": "select channel, store_id, seller_sku, sku from built.marts.dim_sku_map "
    "where sku is not null and seller_sku is not null",
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
    """The build's tables live in an in-memory DuckDB; the overlays and the lookups events
    need live in Python (an event costs microseconds, not queries) and are written to DuckDB
    in one go when positions or targets are asked for."""

    def __init__(self) -> None:
        self.db = duckdb.connect()  # in memory: the reactor's own, never the warehouse
        self.db.execute(OVERLAYS)
        self.build_id: str | None = None
        self.published_at: datetime | None = None  # when the build was published (UTC)
        # (channel, store_id, order_id) -> (updated_at, {component: ordered}, {component:
        # shipped} or None for the build's)
        self._orders: dict[OrderKey, tuple[datetime, dict[str, int], dict[str, int] | None]] = {}
        self._stock: dict[tuple[str, str], tuple[int, datetime]] = {}
        self._shown: dict[str, tuple[int, datetime]] = {}
        self._dirty = True
        self._sku_by_seller_sku: dict[tuple[str, str, str], str] = {}
        self._skus: set[str] = set()
        self._components: dict[str, dict[str, int]] = {}
        self._known_lines: dict[OrderKey, dict[str, int]] = {}
        self._listing_by_item: dict[tuple[str, str, str, str], str] = {}
        self._listing_skus: dict[str, tuple[str, str, str]] = {}
        self.sales = ChannelSales()

    def load_build(self, serving_copy: Path) -> str:
        """Take the marts of the build published at `serving_copy`; keep the overlays."""
        self.db.execute(f"attach '{serving_copy}' as built (read_only)")
        try:
            for table, query in BUILD_TABLES.items():
                self.db.execute(f"create or replace table {table} as {query}")
            published = (
                self.db.execute("select max(published_at) from built.meta.publication").fetchall()[
                    0
                ]
                if self._has_publication()
                else None
            )
        finally:
            self.db.execute("detach built")
        self.db.execute(CURRENT_STATE)
        self._load_lookups()
        self.sales.forget(self.built_orders())
        self._dirty = True
        build = self.db.execute("select any_value(build_id) from listings").fetchall()[0]
        self.build_id = None if build is None else build[0]
        self.published_at = None if published is None else published[0]
        return self.build_id or ""

    def read_at(self) -> dict[str, datetime]:
        """When the build's ingest read each listing's channel (UTC): what happened after it
        the build does not know, so events and our own writes since then still count."""
        rows = self.db.execute(
            "select listing_key, make_timestamp(cast(reported_loaded_at_epoch * 1000000 as bigint))"
            " from listings where reported_loaded_at_epoch is not null"
        ).fetchall()
        return {key: at for key, at in rows}

    def _load_lookups(self) -> None:
        self._sku_by_seller_sku = {
            (channel, store, str(seller_sku)): sku
            for channel, store, seller_sku, sku in self.db.execute(
                "select channel, store_id, seller_sku, sku from sku_map"
            ).fetchall()
        }
        self._skus = {sku for (sku,) in self.db.execute("select sku from products").fetchall()}
        self._components = {}
        for sku, component, units in self.db.execute(
            "select sku, component_sku, units_per_sku from components"
        ).fetchall():
            self._components.setdefault(sku, {})[component] = int(units)
        self._known_lines = {}
        for channel, store, order, sku, quantity in self.db.execute(
            "select channel, store_id, order_id, sku, quantity from known_lines"
        ).fetchall():
            self._known_lines.setdefault((channel, store, order), {})[sku] = int(quantity)
        self._listing_by_item = {
            (channel, store, str(item), str(location)): key
            for key, channel, store, item, location in self.db.execute(
                "select listing_key, channel, store_id, inventory_item_id, location_id "
                "from listings where inventory_item_id is not null"
            ).fetchall()
        }
        self._listing_skus = {
            key: (channel, store, sku)
            for key, channel, store, sku in self.db.execute(
                "select listing_key, channel, store_id, sku from listings where sku is not null"
            ).fetchall()
        }

    def _has_publication(self) -> bool:
        """A serving copy says when it was published; a working warehouse copy does not."""
        found = self.db.execute(
            "select count(*) from duckdb_tables() where database_name = 'built' "
            "and schema_name = 'meta' and table_name = 'publication'"
        ).fetchall()[0]
        return bool(found and found[0])

    def set_order(
        self,
        channel: str,
        store_id: str,
        order_id: str,
        updated_at: datetime,
        ordered_units: dict[str, int],
        shipped_units: dict[str, int] | None = None,
        sold: dict[str, int] | None = None,
    ) -> None:
        """An order's state as its latest events show it: the units its open, merchant-
        fulfilled lines take per component SKU (empty when it no longer holds stock), and,
        when the warehouse has said, the units it shipped for the order (else the build's).
        `sold`: the units of each SKU its lines name, which the channel took off those
        listings when it sold them (realtime.channel_sales)."""
        key = (channel, store_id, order_id)
        updated_at = naive_utc(updated_at)
        if sold is not None:
            self.sales.note_order(key, updated_at, sold, built=key in self._known_lines)
        known = self._orders.get(key)
        if known is not None and known[0] >= updated_at:
            return  # an older event arriving late: the book already knows better
        units = {sku: count for sku, count in ordered_units.items() if count}
        self._orders[key] = (updated_at, units, shipped_units)
        self._dirty = True

    def set_stock(self, sku: str, location_code: str, on_hand: int, changed_at: datetime) -> None:
        changed_at = naive_utc(changed_at)
        known = self._stock.get((sku, location_code))
        if known is None or changed_at > known[1]:
            self._stock[(sku, location_code)] = (on_hand, changed_at)
            self._dirty = True

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
        key = self._listing_by_item.get((channel, store_id, inventory_item_id, location_id))
        if key is None:
            return  # a listing the build does not know: nothing of ours to push to it
        changed_at = naive_utc(changed_at)
        known = self._shown.get(key)
        if known is None or changed_at >= known[1]:
            self._shown[key] = (shown, changed_at)

    def shown_said(self, listing_key: str) -> tuple[int, datetime] | None:
        """What the channel last said the listing displays, and when (its clock)."""
        return self._shown.get(listing_key)

    def sold_since(self, listing_key: str, since: ShownSince) -> int:
        """Units the listing's channel took off it for sales counted here that the figure
        `since` describes does not hold yet (0 for a listing without a SKU)."""
        listing = self._listing_skus.get(listing_key)
        return 0 if listing is None else self.sales.sold_since(listing, since)

    def built_orders(self) -> Collection[OrderKey]:
        """The orders (with merchant lines of known SKUs) the build knows."""
        return self._known_lines.keys()

    def components_of(self, sku: str) -> dict[str, int]:
        return dict(self._components.get(sku, {}))

    def sku_of(self, channel: str, store_id: str, seller_sku: str | None) -> str | None:
        """The canonical SKU a channel's line names, by the build's crosswalk (dim_sku_map);
        a seller SKU the build never saw maps only when it is a canonical SKU itself (the
        crosswalk's `exact_sku` rule; overrides and barcodes need the next build)."""
        if seller_sku is None:
            return None
        found = self._sku_by_seller_sku.get((channel, store_id, seller_sku))
        if found is not None:
            return found
        exact = seller_sku.strip()
        return exact if exact in self._skus else None

    def known_lines(self, channel: str, store_id: str, order_id: str) -> dict[str, int] | None:
        """SKU -> units of the order's merchant-fulfilled lines, as the build knows them;
        None when the build has never seen the order."""
        found = self._known_lines.get((channel, store_id, order_id))
        return dict(found) if found else None

    def _sync(self) -> None:
        """Write the overlays to DuckDB, whole, when they changed since the last time."""
        if not self._dirty:
            return
        orders = [(*key, at) for key, (at, _, _) in self._orders.items()]
        units = [
            (*key, sku, count, None if shipped is None else shipped.get(sku, 0))
            for key, (_, ordered, shipped) in self._orders.items()
            for sku, count in ordered.items()
        ]
        stock = [
            (sku, location, on_hand, at) for (sku, location), (on_hand, at) in self._stock.items()
        ]
        frames = {
            "order_overlays": pandas.DataFrame(
                orders, columns=["channel", "store_id", "order_id", "updated_at"]
            ),
            "order_overlay_units": pandas.DataFrame(
                units,
                columns=[
                    "channel",
                    "store_id",
                    "order_id",
                    "component_sku",
                    "ordered_units",
                    "shipped_units",
                ],
            ),
            "stock_overlays": pandas.DataFrame(
                stock, columns=["sku", "location_code", "on_hand", "changed_at"]
            ),
        }
        frames["order_overlay_units"] = frames["order_overlay_units"].astype(
            {"ordered_units": "Int64", "shipped_units": "Int64"}
        )
        with self.db.cursor() as writer:  # a connection of its own: no result left pending
            for table, frame in frames.items():
                writer.register("overlay_frame", frame)
                writer.execute(f"delete from {table}")  # noqa: S608 - our own table names
                if len(frame):
                    writer.execute(f"insert into {table} select * from overlay_frame")  # noqa: S608
                writer.unregister("overlay_frame")
        self._dirty = False

    def snapshot_at(self) -> datetime | None:
        """When the warehouse snapshot behind the build was taken (the push guard's age)."""
        row = self.db.execute("select min(stock_snapshot_at) from listings").fetchall()[0]
        return None if row is None else row[0]

    def positions(self) -> dict[str, int]:
        """available_to_sell per SKU, now."""
        return {sku: ats for sku, (_, ats) in self.stock_positions().items()}

    def stock_positions(self) -> dict[str, tuple[int, int]]:
        """(on_hand, available_to_sell) per SKU now, as fct_inventory_positions has them
        (a bundle's on_hand: the kits its on-hand components make)."""
        self._sync()
        query = inventory_positions_sql(
            "products", "components", "current_stock_on_hand", "current_committed"
        )
        rows = self.db.execute(
            f"select sku, on_hand, available_to_sell from ({query})"  # noqa: S608 - our macro
        ).fetchall()
        return {sku: (int(on_hand), int(ats)) for sku, on_hand, ats in rows}

    def targets(self) -> list[ListingTarget]:
        self._sync()
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
